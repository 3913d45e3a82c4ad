"""Evidence downloads handed off instead of streamed through a Python worker (issue 16 item 1).

After the view has checked access and written the download's audit entry, the bytes are sent
by nginx (local store: `X-Accel-Redirect` to an `internal` location that maps
WIPP_DOWNLOAD_ACCEL_PREFIX onto the evidence directory, deploy/nginx-wipp.conf) or by the
object store (S3: a redirect to a pre-signed URL valid WIPP_DOWNLOAD_S3_PRESIGNED_SECONDS, with
the attachment name and type signed into it). Neither configured: the view streams the file.
"""

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header


def _headers(response) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def download_offload(*, storage, name: str, filename: str, content_type: str, size: int = 0):
    """An answer that lets nginx or S3 send the stored object, or None to stream it."""
    disposition = content_disposition_header(True, filename)
    prefix = settings.WIPP_DOWNLOAD_ACCEL_PREFIX
    if prefix and isinstance(storage, FileSystemStorage):
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
        response["Content-Disposition"] = disposition
        return _headers(response)
    seconds = settings.WIPP_DOWNLOAD_S3_PRESIGNED_SECONDS
    if seconds and storage.__class__.__module__.startswith("storages.backends.s3"):
        url = storage.url(
            name,
            parameters={
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
            },
            expire=seconds,
        )
        return _headers(HttpResponseRedirect(url))
    return None
