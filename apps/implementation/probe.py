"""Testing a network camera's stream (HB §12 (一): 添加并调试网络摄录设备).

Only the host the agency gave is contacted: an HTTP(S) stream gets one HEAD request (no
redirects followed), any other scheme (RTSP, RTMP) a TCP connect to its port, both with a
short timeout (WIPP_IMPLEMENTATION_CAMERA_TIMEOUT_SECONDS). When the stream answers and
ffprobe is installed, the resolution is read from the stream itself; otherwise the caller takes
it from the qualification register.
"""

import http.client
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from apps.evidence.media_probe import stream_resolution

DEFAULT_PORTS = {"http": 80, "https": 443, "rtsp": 554, "rtsps": 322, "rtmp": 1935}


def timeout_seconds() -> float:
    return float(settings.WIPP_IMPLEMENTATION_CAMERA_TIMEOUT_SECONDS)


@dataclass(frozen=True)
class Probe:
    reachable: bool
    detail: str
    width: int | None = None
    height: int | None = None


def _reach(url: str, timeout: float) -> tuple[bool, str]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host, port = parts.hostname, parts.port or DEFAULT_PORTS.get(scheme)
    if not host or not port:
        return False, "no host or port"
    if scheme in ("http", "https"):
        connection_class = (
            http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(host, port, timeout=timeout)
        try:
            path = parts.path or "/"
            if parts.query:
                path = f"{path}?{parts.query}"
            connection.request("HEAD", path)
            status = connection.getresponse().status
        except (OSError, http.client.HTTPException) as exc:
            return False, f"HTTP HEAD {host}:{port}: {exc.__class__.__name__}: {exc}"[:300]
        finally:
            connection.close()
        return status < 400, f"HTTP HEAD {host}:{port}: {status}"
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        return False, f"TCP {host}:{port}: {exc.__class__.__name__}: {exc}"[:300]
    return True, f"TCP {host}:{port}: connected"


def ffprobe_resolution(url: str, timeout: float) -> tuple[int, int] | None:
    """Width and height of the stream's first video stream, or None (the platform's one
    ffprobe, `apps.evidence.media_probe`)."""
    return stream_resolution(url, timeout=timeout * 3)


def camera_probe(url: str) -> Probe:
    timeout = timeout_seconds()
    reachable, detail = _reach(url, timeout)
    if not reachable:
        return Probe(False, detail)
    resolution = ffprobe_resolution(url, timeout)
    if resolution is None:
        return Probe(True, detail)
    return Probe(True, detail, *resolution)
