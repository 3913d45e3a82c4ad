"""Recordings of sessions: the tus endpoints the uploader script talks to, the upload page
(the implementing agency) and the recordings list of a session (everyone who reads training
data). See `apps.training.recordings` for the protocol."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from apps.evidence.purposes import purpose_get

from . import recordings, selectors
from .recordings_models import Recording, RecordingUpload

OFFSET_TYPE = "application/offset+octet-stream"


def _tus_headers(response):
    response["Tus-Resumable"] = recordings.TUS_VERSION
    response["Cache-Control"] = "no-store"
    return response


def _tus_error(status: int, message: str):
    response = JsonResponse({"detail": message}, status=status)
    response["Tus-Version"] = recordings.TUS_VERSION
    return _tus_headers(response)


def _options():
    response = HttpResponse(status=204)
    response["Tus-Version"] = recordings.TUS_VERSION
    response["Tus-Extension"] = recordings.TUS_EXTENSIONS
    response["Tus-Max-Size"] = str(recordings.max_size())
    response["Tus-Checksum-Algorithm"] = ",".join(recordings.CHECKSUMS)
    return _tus_headers(response)


def _resumable(request) -> None:
    if request.headers.get("Tus-Resumable") != recordings.TUS_VERSION:
        raise recordings.TusError(412, "Tus-Resumable: 1.0.0 is required.")


def _int_header(request, name: str) -> int:
    value = request.headers.get(name, "")
    if not value.isdigit():
        raise recordings.TusError(400, f"{name} must be a non-negative integer.")
    return int(value)


def _tus(view):
    """Maps the service's refusals onto tus answers."""

    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _tus_error(401, "Log in first.")
        try:
            return view(request, *args, **kwargs)
        except recordings.TusError as error:
            return _tus_error(error.status, error.message)
        except PermissionDenied as error:
            return _tus_error(403, str(error) or "Forbidden.")
        except ValidationError as error:
            return _tus_error(422 if request.method == "PATCH" else 400, " ".join(error.messages))

    return wrapped


@require_http_methods(["POST", "OPTIONS"])
@_tus
def tus_create(request, pk):
    if request.method == "OPTIONS":
        return _options()
    session = selectors.session_get(user=request.user, pk=pk)
    _resumable(request)
    metadata = recordings.parse_metadata(request.headers.get("Upload-Metadata", ""))
    upload = recordings.upload_create(
        user=request.user,
        session=session,
        length=_int_header(request, "Upload-Length"),
        filename=metadata.get("filename", ""),
    )
    response = HttpResponse(status=201)
    response["Location"] = request.build_absolute_uri(
        reverse("recordings:tus_upload", args=[upload.key])
    )
    return _tus_headers(response)


def _upload_get(request, key) -> RecordingUpload:
    upload = (
        RecordingUpload.objects.for_user(request.user)
        .select_related("session__training_class__project")
        .filter(key=key)
        .first()
    )
    if upload is None:
        raise Http404
    return upload


@require_http_methods(["HEAD", "PATCH", "OPTIONS"])
@_tus
def tus_upload(request, key):
    if request.method == "OPTIONS":
        return _options()
    selectors.read_require(request.user)
    upload = _upload_get(request, key)
    _resumable(request)
    if request.method == "HEAD":
        if upload.uploaded_by_id != request.user.pk and not request.user.is_superuser:
            raise PermissionDenied
        if upload.completed_at is None:
            recordings.upload_usable(upload)
        response = HttpResponse(status=200)
        response["Upload-Offset"] = str(upload.offset)
        response["Upload-Length"] = str(upload.length)
        return _tus_headers(response)
    if request.content_type != OFFSET_TYPE:
        raise recordings.TusError(415, f"Content-Type must be {OFFSET_TYPE}.")
    upload = recordings.upload_append(
        user=request.user,
        upload=upload,
        offset=_int_header(request, "Upload-Offset"),
        stream=request,
        checksum=request.headers.get("Upload-Checksum", ""),
    )
    response = HttpResponse(status=204)
    response["Upload-Offset"] = str(upload.offset)
    if upload.recording_id:
        response["X-Recording-Url"] = reverse("recordings:list", args=[upload.session_id])
    return _tus_headers(response)


@login_required
def upload_page(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    if not selectors.is_agency(request.user, session.project):
        raise PermissionDenied
    purpose = purpose_get(recordings.PURPOSE)
    return render(
        request,
        "training/recordings_upload.html",
        {
            "session": session,
            "project": session.project,
            "endpoint": reverse("recordings:tus_create", args=[session.pk]),
            "accept": ",".join(purpose.extensions),
            "max_size": recordings.max_size(),
        },
    )


@login_required
def recordings_list(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    items = list(
        Recording.objects.for_user(request.user)
        .filter(session=session)
        .select_related("evidence")
        .order_by("started_at", "pk")
    )
    spec = recordings.recording_spec(session.project)
    return render(
        request,
        "training/recordings_list.html",
        {
            "session": session,
            "project": session.project,
            "recordings": [
                (r, r.lines < spec.min_lines or r.frame_rate < spec.min_frame_rate) for r in items
            ],
            "coverage": recordings.coverage(session, items),
            "spec": spec,
            "is_agency": selectors.is_agency(request.user, session.project),
        },
    )
