from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.forms import form_add_service_errors
from apps.core.lists import list_page

from . import selectors, services
from .forms import EvidenceReplaceForm, EvidenceUploadForm
from .models import EvidenceFile
from .purposes import PURPOSE_CHOICES, PURPOSES


def evidence_file_response(version, stored) -> FileResponse:
    """The download answer shared by the web and the API: always an attachment, never sniffed.
    Sent by nginx or S3 where the deployment says so (apps.operations.downloads)."""
    from apps.operations.downloads import download_offload

    offloaded = download_offload(
        storage=services.evidence_storage(),
        name=version.blob.storage_name,
        filename=version.original_name,
        content_type=version.blob.content_type or "application/octet-stream",
        size=version.blob.size,
    )
    if offloaded is not None:
        stored.close()
        return offloaded
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=version.original_name,
        content_type=version.blob.content_type or "application/octet-stream",
    )
    response["Content-Length"] = str(version.blob.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _positive_int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _get_file_or_404(request, pk: int) -> EvidenceFile:
    try:
        return selectors.evidence_file_get(user=request.user, pk=pk)
    except EvidenceFile.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_GET
def evidence_list(request):
    purpose = request.GET.get("purpose") or ""
    if purpose not in PURPOSES:
        purpose = ""
    project_id = _positive_int(request.GET.get("project"))
    files = selectors.evidence_list(user=request.user, project=project_id, purpose=purpose)
    listing = list_page(
        request,
        files,
        search=("title", "project__code", "organisation__name"),
        sorts={
            "title": "title",
            "purpose": "purpose",
            "project": "project__code",
            "organisation": "organisation__name",
            "uploaded": "created_at",
        },
        default_sort="-uploaded",
    )
    context = {
        "listing": listing,
        "purpose": purpose,
        "project_id": project_id or "",
        "purposes": PURPOSE_CHOICES,
    }
    return render(request, "evidence/evidence_list.html", context)


def _render_detail(request, evidence_file, replace_form, status=200):
    context = {
        "evidence_file": evidence_file,
        "purpose": PURPOSES.get(evidence_file.purpose),
        "versions": selectors.evidence_versions(evidence_file=evidence_file),
        "replace_form": replace_form,
        "replace_refusal": selectors.evidence_replace_refusal(
            user=request.user, evidence_file=evidence_file
        ),
    }
    return render(request, "evidence/evidence_detail.html", context, status=status)


@login_required
@require_GET
def evidence_detail(request, pk):
    evidence_file = _get_file_or_404(request, pk)
    return _render_detail(request, evidence_file, EvidenceReplaceForm())


@login_required
@require_POST
def evidence_replace(request, pk):
    evidence_file = _get_file_or_404(request, pk)
    form = EvidenceReplaceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = services.evidence_upload(
                uploaded_by=request.user,
                uploaded_file=form.cleaned_data["file"],
                purpose=evidence_file.purpose,
                title="",
                replaces=evidence_file,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return _render_detail(request, evidence_file, form, status=403)
        else:
            messages.success(
                request,
                _("Version %(number)d is now the current one.") % {"number": version.number},
            )
            return redirect("evidence:detail", pk=evidence_file.pk)
    return _render_detail(request, evidence_file, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def evidence_upload(request):
    initial = {"project": _positive_int(request.GET.get("project"))}
    if request.GET.get("purpose") in PURPOSES:
        initial["purpose"] = request.GET["purpose"]
    form = EvidenceUploadForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        project = form.cleaned_data["project"]
        organisation = request.user.organisation
        jurisdiction = (
            project.jurisdiction if project else getattr(organisation, "jurisdiction", None)
        )
        try:
            version = services.evidence_upload(
                uploaded_by=request.user,
                uploaded_file=form.cleaned_data["file"],
                purpose=form.cleaned_data["purpose"],
                title=form.cleaned_data["title"],
                jurisdiction=jurisdiction,
                project=project,
                organisation=organisation,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The document has been stored."))
            return redirect("evidence:detail", pk=version.evidence_file_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "evidence/evidence_upload.html", {"form": form}, status=status)


@login_required
@require_GET
def evidence_download(request, pk):
    version_number = None
    if "version" in request.GET:
        version_number = _positive_int(request.GET["version"])
        if version_number is None:
            raise Http404
    try:
        version, stored = services.evidence_download_open(
            user=request.user, evidence_file_id=pk, version_number=version_number
        )
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    return evidence_file_response(version, stored)
