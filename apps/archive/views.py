"""Pages of the archive (HB §23): the completeness check of a project by stage, the evaluation
agency's archive step, the office's download of the whole record (audited)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.core.forms import messages_add_service_errors

from . import selectors, services
from .bundle import archive_zip_write
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
        },
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


@login_required
@require_GET
def download(request, project_pk):
    user = request.user
    project = selectors.project_get(user=user, pk=project_pk)
    if not selectors.may_download(user=user, project=project):
        raise PermissionDenied(
            _("The office of the project's level downloads the record once it is archived.")
        )
    archive_file = archive_zip_write(project=project, generated_by=user.username)
    size = archive_file.seek(0, 2)
    archive_file.seek(0)
    audit_record(
        action=AuditAction.DOWNLOAD,
        object_type=project._meta.label,
        object_id=project.pk,
        object_repr=str(project)[:200],
        jurisdiction_path=project.jurisdiction.path,
        project_id=project.pk,
        message=f"archive zip: {size} bytes",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        archive_file,
        as_attachment=True,
        filename=f"archive-{project.code}-{stamp}.zip",
        content_type="application/zip",
    )
