"""What a media file is made of, read from the file itself (issue 15 item 3; HB §19: 技术规格
— video resolution and frame rate, audio, colour).

One place runs ffprobe (Debian package `ffmpeg`, installed by scripts/setup.sh) for the whole
platform: session recordings (`apps.training.recordings`), a network camera's stream
(`apps.implementation.probe`) and promotion proofs (`apps.implementation.proofs`).

- ffprobe runs as a fixed program with the file or URL as one argument (no shell), with a
  timeout, and its JSON output is parsed; any failure — not installed, timed out, not a media
  file, no stream — is `Unreadable` with the reason in words, never an exception of another kind.
- Images (JPEG, PNG, WebP) are read with Pillow: size and mode.
- A stored evidence file is read from the evidence storage: by its path where the storage has
  one (the file system), else copied to a temporary file first (S3 has no path; ffprobe needs to
  seek, an MP4's index may sit at the end of the file).
"""

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

from django.utils.translation import gettext as _

#: How long ffprobe may take over a stored file (a URL's caller gives its own).
FILE_TIMEOUT_SECONDS = 120
COPY_CHUNK = 1024 * 1024
_BITS_RE = re.compile(r"(\d{1,2})(?:le|be)$")
#: Pillow modes and their bits per channel.
_MODE_BITS = {"1": 1, "L": 8, "P": 8, "RGB": 8, "RGBA": 8, "CMYK": 8, "YCbCr": 8, "LA": 8}
_MODE_BITS |= {"I;16": 16, "I;16B": 16, "I;16L": 16, "I": 32, "F": 32}


class Unreadable(Exception):
    """The file could not be read as media; `reason` says why in words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class MediaInfo:
    """What a file holds: `kind` is "video", "audio" or "image"; figures it lacks are None."""

    kind: str
    format_name: str = ""
    duration_seconds: float | None = None
    bit_rate: int | None = None
    width: int | None = None
    height: int | None = None
    frame_rate: float | None = None
    video_codec: str = ""
    pixel_format: str = ""
    bit_depth: int | None = None
    colour_space: str = ""
    colour_primaries: str = ""
    colour_transfer: str = ""
    colour_range: str = ""
    audio_codec: str = ""
    channels: int | None = None
    channel_layout: str = ""
    sample_rate: int | None = None
    creation_tags: tuple = ()

    @property
    def lines(self) -> int:
        """The "p" of 1080p: the shorter side (a portrait phone video is still 1080p)."""
        if not self.width or not self.height:
            return 0
        return min(self.width, self.height)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("creation_tags")
        return data


def frame_rate(value) -> float:
    """ffprobe's "30000/1001" as 29.97; 0.0 when absent or nonsense."""
    try:
        rate = Fraction(str(value or "0"))
    except (ValueError, ZeroDivisionError):
        return 0.0
    return float(rate) if rate > 0 else 0.0


def _int(value) -> int | None:
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _float(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _known(value) -> str:
    value = str(value or "")
    return "" if value in ("unknown", "reserved", "unspecified") else value[:40]


def ffprobe_json(target: str | Path, *, timeout: float, extra: tuple[str, ...] = ()) -> dict:
    """ffprobe's format and streams of a file or URL as parsed JSON, or `Unreadable`."""
    program = shutil.which("ffprobe")
    if program is None:
        raise Unreadable(_("ffprobe is not installed (Debian package ffmpeg)."))
    command = [program, "-v", "error", "-print_format", "json", "-show_format", "-show_streams"]
    try:
        result = subprocess.run(  # fixed program, the target as one argument, no shell
            [*command, *extra, str(target)], capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise Unreadable(
            _("ffprobe did not finish within %(seconds)s seconds.") % {"seconds": f"{timeout:g}"}
        ) from None
    except OSError as exc:
        raise Unreadable(_("ffprobe could not be run: %(error)s") % {"error": exc}) from None
    if result.returncode != 0:
        said = (result.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        # ffprobe names the file first ("/tmp/x.mp4: Invalid data found…"): keep what it found.
        detail = said[-1].rsplit(": ", 1)[-1] if said else ""
        raise Unreadable(
            _("ffprobe could not read the file: %(detail)s")
            % {"detail": (detail or _("no reason given"))[:200]}
        )
    try:
        data = json.loads(result.stdout or b"{}")
    except ValueError:
        raise Unreadable(_("ffprobe gave output that is not JSON.")) from None
    return data if isinstance(data, dict) else {}


def media_info(data: dict) -> MediaInfo:
    """The figures of ffprobe's JSON: the first video stream (a cover picture attached to an
    audio file is not a video) and the first audio stream."""
    streams = [s for s in data.get("streams") or [] if isinstance(s, dict)]
    video = next(
        (
            s
            for s in streams
            if s.get("codec_type") == "video"
            and not (s.get("disposition") or {}).get("attached_pic")
        ),
        None,
    )
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if video is None and audio is None:
        raise Unreadable(_("The file holds no video or audio stream."))
    fmt = data.get("format") or {}
    duration = _float(fmt.get("duration")) or _float((video or audio or {}).get("duration"))
    figures = {
        "kind": "video" if video is not None else "audio",
        "format_name": str(fmt.get("format_name") or "")[:60],
        "duration_seconds": round(duration, 3) if duration else None,
        "bit_rate": _int(fmt.get("bit_rate")),
        "creation_tags": (fmt.get("tags") or {}, (video or {}).get("tags") or {}),
    }
    if video is not None:
        pixel_format = str(video.get("pix_fmt") or "")[:40]
        bits = _int(video.get("bits_per_raw_sample"))
        found = _BITS_RE.search(pixel_format)
        if found:
            bits = int(found.group(1))
        elif bits is None and pixel_format.startswith(("yuv", "yuvj", "nv12", "rgb", "bgr")):
            bits = 8
        rate = frame_rate(video.get("avg_frame_rate")) or frame_rate(video.get("r_frame_rate"))
        figures |= {
            "width": _int(video.get("width")),
            "height": _int(video.get("height")),
            "frame_rate": round(rate, 3) or None,
            "video_codec": str(video.get("codec_name") or "")[:40],
            "pixel_format": pixel_format,
            "bit_depth": bits,
            "colour_space": _known(video.get("color_space")),
            "colour_primaries": _known(video.get("color_primaries")),
            "colour_transfer": _known(video.get("color_transfer")),
            "colour_range": _known(video.get("color_range")),
        }
    if audio is not None:
        figures |= {
            "audio_codec": str(audio.get("codec_name") or "")[:40],
            "channels": _int(audio.get("channels")),
            "channel_layout": str(audio.get("channel_layout") or "")[:40],
            "sample_rate": _int(audio.get("sample_rate")),
        }
    return MediaInfo(**figures)


def image_info(path: str | Path) -> MediaInfo:
    """Size and mode of an image (Pillow reads the header only)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width, height = image.size
            mode, fmt = image.mode, image.format or ""
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise Unreadable(_("The image could not be read: %(error)s") % {"error": exc}) from None
    return MediaInfo(
        kind="image",
        format_name=fmt.lower(),
        width=width,
        height=height,
        pixel_format=mode,
        bit_depth=_MODE_BITS.get(mode),
    )


def probe_path(path: str | Path, *, content_type: str = "") -> MediaInfo:
    """A local file: an image (by its detected type) through Pillow, anything else ffprobe."""
    if content_type.startswith("image/"):
        return image_info(path)
    return media_info(ffprobe_json(path, timeout=FILE_TIMEOUT_SECONDS))


def probe_stored(storage, name: str, *, content_type: str = "") -> MediaInfo:
    """A file in a Django storage: read in place where it has a path, else copied out to a
    temporary file that is removed afterwards."""
    try:
        path = storage.path(name)
    except NotImplementedError:
        path = None
    if path is not None:
        if not Path(path).is_file():
            raise Unreadable(_("The stored file is missing."))
        return probe_path(path, content_type=content_type)
    with tempfile.NamedTemporaryFile(prefix="wipp-probe-") as copy:
        try:
            with storage.open(name, "rb") as stored:
                while chunk := stored.read(COPY_CHUNK):
                    copy.write(chunk)
        except OSError as exc:
            raise Unreadable(
                _("The stored file could not be read: %(error)s") % {"error": exc}
            ) from None
        copy.flush()
        return probe_path(copy.name, content_type=content_type)


def stream_resolution(url: str, *, timeout: float) -> tuple[int, int] | None:
    """Width and height of a live stream's first video stream, or None (a camera's test)."""
    extra = ("-rtsp_transport", "tcp") if url.lower().startswith(("rtsp:", "rtsps:")) else ()
    try:
        info = media_info(ffprobe_json(url, timeout=timeout, extra=extra))
    except Unreadable:
        return None
    return (info.width, info.height) if info.width and info.height else None


# --- a procured specification, read from the words of a requirement --------------------------

LINES_RE = re.compile(r"(\d{3,4})\s*[pP](?![a-zA-Z])")
SIZE_RE = re.compile(r"(\d{3,4})\s*[x×*]\s*(\d{3,4})")
K_RE = re.compile(r"(?<![\dA-Za-z])([248])\s*[kK](?![a-zA-Z])")
FPS_RE = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*(?:fps|FPS|帧)")
RATE_RE = re.compile(r"(\d{2,3}(?:\.\d+)?)\s*(k?)Hz", re.IGNORECASE)
BITS_RE = re.compile(r"(?<!\d)(8|10|12)\s*(?:-?\s*bit|位|比特)", re.IGNORECASE)
STANDARD_RE = re.compile(r"(?:BT|Rec)\.?\s*(709|2020)", re.IGNORECASE)
SECONDS_RE = re.compile(r"(\d+)\s*(?:秒|s\b|sec)", re.IGNORECASE)
MINUTES_RE = re.compile(r"(\d+)\s*(?:分钟|分|min)", re.IGNORECASE)
_K_LINES = {"2": 1440, "4": 2160, "8": 4320}
_CHANNEL_WORDS = (("5.1", 6), ("立体声", 2), ("双声道", 2), ("stereo", 2), ("单声道", 1))


@dataclass(frozen=True)
class MediaSpec:
    """What a requirement asks of a medium; None where it states nothing."""

    min_lines: int | None = None
    min_frame_rate: float | None = None
    min_channels: int | None = None
    min_sample_rate: int | None = None
    min_bit_depth: int | None = None
    colour_standard: str = ""
    min_duration_seconds: int | None = None

    @property
    def stated(self) -> bool:
        return any(value not in (None, "") for value in asdict(self).values())

    def describe(self) -> str:
        parts = []
        if self.min_lines:
            parts.append(f"≥{self.min_lines}p")
        if self.min_frame_rate:
            parts.append(f"≥{self.min_frame_rate:g} fps")
        if self.min_bit_depth:
            parts.append(f"≥{self.min_bit_depth} bit")
        if self.colour_standard:
            parts.append(self.colour_standard.upper().replace("BT", "BT."))
        if self.min_channels:
            parts.append(_("≥%(n)d audio channels") % {"n": self.min_channels})
        if self.min_sample_rate:
            parts.append(f"≥{self.min_sample_rate / 1000:g} kHz")
        if self.min_duration_seconds:
            parts.append(_("≥%(n)d s") % {"n": self.min_duration_seconds})
        return ", ".join(parts)


def duration_seconds_in(text: str) -> int | None:
    """ "30秒", "1分30秒", "2 min": seconds, or None."""
    minutes, seconds = MINUTES_RE.search(text or ""), SECONDS_RE.search(text or "")
    if not minutes and not seconds:
        return None
    whole = int(minutes.group(1)) * 60 if minutes else 0
    return whole + (int(seconds.group(1)) if seconds else 0)


def lines_in(text: str) -> int | None:
    """The resolution a text asks for, as the "p" (1080p, 1920×1080, 4K)."""
    found = [int(m.group(1)) for m in LINES_RE.finditer(text)]
    found += [min(int(m.group(1)), int(m.group(2))) for m in SIZE_RE.finditer(text)]
    found += [_K_LINES[m.group(1)] for m in K_RE.finditer(text)]
    return max(found) if found else None


def frame_rate_in(text: str) -> float | None:
    found = FPS_RE.search(text)
    return float(found.group(1)) if found else None


def spec_from_text(text: str, *, duration_text: str = "") -> MediaSpec:
    """The figures a requirement's words state ("1080P 25帧 立体声 48kHz 10bit BT.709")."""
    text = text or ""
    lowered = text.lower()
    channels = next((n for word, n in _CHANNEL_WORDS if word in lowered), None)
    rate = RATE_RE.search(text)
    bits = BITS_RE.search(text)
    standard = STANDARD_RE.search(text)
    return MediaSpec(
        min_lines=lines_in(text),
        min_frame_rate=frame_rate_in(text),
        min_channels=channels,
        min_sample_rate=(
            int(float(rate.group(1)) * (1000 if rate.group(2) else 1)) if rate else None
        ),
        min_bit_depth=int(bits.group(1)) if bits else None,
        colour_standard=f"bt{standard.group(1)}" if standard else "",
        min_duration_seconds=duration_seconds_in(duration_text),
    )


def spec_shortfalls(info: dict, spec: MediaSpec) -> list[str]:
    """Where a probed file (`MediaInfo.as_dict()`) falls short of the spec, in words."""
    problems = []
    width, height = info.get("width") or 0, info.get("height") or 0
    lines = min(width, height) if width and height else 0
    if spec.min_lines and lines < spec.min_lines:
        problems.append(
            _("resolution %(w)d×%(h)d is below %(lines)dp")
            % {"w": width, "h": height, "lines": spec.min_lines}
            if lines
            else _("no picture where %(lines)dp is asked") % {"lines": spec.min_lines}
        )
    fps = info.get("frame_rate") or 0
    if spec.min_frame_rate and lines and fps < spec.min_frame_rate:
        problems.append(
            _("frame rate %(fps)s is below %(min)s fps")
            % {"fps": f"{fps:g}", "min": f"{spec.min_frame_rate:g}"}
        )
    bits = info.get("bit_depth") or 0
    if spec.min_bit_depth and lines and bits < spec.min_bit_depth:
        problems.append(
            _("colour depth %(bits)s bit is below %(min)d bit")
            % {"bits": bits or "?", "min": spec.min_bit_depth}
        )
    primaries = info.get("colour_primaries") or info.get("colour_space") or ""
    if spec.colour_standard and lines and not primaries.startswith(spec.colour_standard):
        problems.append(
            _("colour standard %(found)s, not %(asked)s")
            % {
                "found": primaries or _("not declared in the file"),
                "asked": spec.colour_standard.upper().replace("BT", "BT."),
            }
        )
    channels = info.get("channels") or 0
    if spec.min_channels and channels < spec.min_channels:
        problems.append(
            _("%(n)d audio channels, %(min)d asked") % {"n": channels, "min": spec.min_channels}
        )
    sample_rate = info.get("sample_rate") or 0
    if spec.min_sample_rate and sample_rate < spec.min_sample_rate:
        problems.append(
            _("audio sample rate %(rate)s Hz is below %(min)d Hz")
            % {"rate": sample_rate or "—", "min": spec.min_sample_rate}
        )
    duration = info.get("duration_seconds") or 0
    if spec.min_duration_seconds and duration + 0.5 < spec.min_duration_seconds:
        problems.append(
            _("duration %(d)s s is shorter than %(min)d s")
            % {"d": f"{duration:g}", "min": spec.min_duration_seconds}
        )
    return problems
