"""Pages of the archive (HB §23): the completeness check of a project by stage, the evaluation
agency's archive step, the office's download of the whole record (audited)."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.core.forms import messages_add_service_errors
from apps.core.progress import Progress, progress_context
from apps.operations.downloads import download_offload

from . import selectors, services
from .completeness import project_completeness


@login_required
@require_GET
def project_archive_page(request, project_pk):
    user = request.user
    project = selectors.project_get(user=user, pk=project_pk)
    return render(
        request,
        "archive/project.html",
        {
            "project": project,
            "completeness": project_completeness(project),
            "may_archive": selectors.may_archive(user=user, project=project),
            "may_download": selectors.may_download(user=user, project=project),
        }
        | (
            _bundle_context(user, project)
            if selectors.may_download(user=user, project=project)
            else {}
        ),
    )


@login_required
@require_POST
def archive(request, project_pk):
    project = selectors.project_get(user=request.user, pk=project_pk)
    try:
        services.project_archive(
            user=request.user, project=project, note=request.POST.get("note", "")
        )
    except ValidationError as error:
        messages_add_service_errors(request, error)
    else:
        messages.success(request, _("The project is archived; its record is read-only."))
    return redirect("archive:project", project_pk=project.pk)


def _bundle_context(user, project) -> dict:
    bundle = selectors.bundle_current(project)
    context = {"bundle": bundle, "bundle_stale": selectors.bundle_is_stale(bundle)}
    if bundle is not None:
        url = reverse("archive:bundle_progress", args=[project.pk])
        context |= progress_context(bundle_progress_of(bundle), url=url)
    return context


def bundle_progress_of(bundle) -> Progress:
    from .models import BundleStatus

    return Progress(
        label=_("Zip of the whole record"),
        done=bundle.done,
        total=bundle.total,
        finished=bundle.status in (BundleStatus.DONE, BundleStatus.FAILED),
        failed=bundle.status == BundleStatus.FAILED,
        error=bundle.error,
        started_at=bundle.started_at,
        updated_at=bundle.finished_at or bundle.updated_at,
    )


def _office_project(request, project_pk):
    project = selectors.project_get(user=request.user, pk=project_pk)
    if not selectors.may_request_bundle(user=request.user, project=project):
        raise PermissionDenied(
            _("The office of the project's level builds and downloads the record's zip.")
        )
    return project


@login_required
@require_POST
def bundle_request(request, project_pk):
    project = _office_project(request, project_pk)
    try:
        _bundle, started = services.archive_bundle_request(user=request.user, project=project)
    except ValidationError as error:
        messages_add_service_errors(request, error)
    else:
        if started:
            messages.success(request, _("The zip of the record is being built."))
        else:
            messages.info(
                request, _("The zip of this record is already being built; wait until it is ready.")
            )
    return redirect("archive:project", project_pk=project.pk)


@login_required
@require_GET
def bundle_progress(request, project_pk):
    project = _office_project(request, project_pk)
    context = _bundle_context(request.user, project)
    if context["bundle"] is None:
        raise Http404
    return render(request, "archive/bundle_progress.html", {"project": project} | context)


@login_required
@require_GET
def download(request, project_pk):
    """The ready zip from the storage, the download audited; sent by nginx (local storage with
    WIPP_ARCHIVE_ACCEL_PREFIX) or S3 (a pre-signed URL, WIPP_DOWNLOAD_S3_PRESIGNED_SECONDS),
    streamed from the storage otherwise."""
    from .models import BundleStatus

    user = request.user
    project = selectors.project_get(user=user, pk=project_pk)
    if not selectors.may_download(user=user, project=project):
        raise PermissionDenied(
            _("The office of the project's level downloads the record once it is archived.")
        )
    bundle = selectors.bundle_current(project)
    if bundle is None or bundle.status != BundleStatus.DONE:
        messages.info(request, _("Build the zip of the record first; it is not ready yet."))
        return redirect("archive:project", project_pk=project.pk)
    storage = services.bundle_storage()
    audit_record(
        action=AuditAction.DOWNLOAD,
        object_type=project._meta.label,
        object_id=project.pk,
        object_repr=str(project)[:200],
        jurisdiction_path=project.jurisdiction.path,
        project_id=project.pk,
        message=f"archive zip #{bundle.pk}: {bundle.size} bytes, sha256 {bundle.sha256}",
    )
    stamp = timezone.localtime(bundle.finished_at).strftime("%Y%m%d-%H%M")
    filename = f"archive-{project.code}-{stamp}.zip"
    prefix = settings.WIPP_ARCHIVE_ACCEL_PREFIX
    if prefix and isinstance(storage, FileSystemStorage):
        response = HttpResponse(content_type="application/zip")
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(bundle.storage_name)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
    if not isinstance(storage, FileSystemStorage):
        offloaded = download_offload(
            storage=storage,
            name=bundle.storage_name,
            filename=filename,
            content_type="application/zip",
            size=bundle.size,
        )
        if offloaded is not None:
            return offloaded
    response = FileResponse(
        storage.open(bundle.storage_name, "rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/zip",
    )
    response["Content-Length"] = str(bundle.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
