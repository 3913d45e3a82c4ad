from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, CharField, F, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.core.excel import XLSX
from apps.core.forms import form_add_service_errors
from apps.core.lists import list_page

from . import selectors, services
from .filters import ImportBatchFilter
from .forms import ImportUploadForm
from .models import ImportBatch, ImportStatus
from .reading import template_bytes
from .registry import importer_get, importers_for

PREVIEW_PAGE = 100
RESULT_LABELS = {
    "created": gettext_lazy("created"),
    "updated": gettext_lazy("updated"),
    "unchanged": gettext_lazy("unchanged"),
    "without_password": gettext_lazy("accounts still needing an initial password"),
    "year": gettext_lazy("year"),
    "holidays": gettext_lazy("days off"),
    "working_weekends": gettext_lazy("adjusted working days"),
}


def _importer_or_404(request, kind):
    importer = importer_get(kind)
    if importer is None:
        raise Http404
    if not importer.may_import(request.user):
        raise PermissionDenied
    return importer


@login_required
def index(request):
    importers = importers_for(request.user)
    if not importers:
        raise PermissionDenied
    # Only the user's own uploads (all of the user's jurisdiction): no city filter here.
    labels = {i.kind: str(i.label) for i in importers}
    # The kind by its name in the user's language, to search and sort by (a code otherwise).
    named = selectors.batches_for(user=request.user).annotate(
        kind_label=Case(
            *(When(kind=kind, then=Value(label)) for kind, label in labels.items()),
            default=F("kind"),
            output_field=CharField(),
        )
    )
    listing = list_page(
        request,
        named,
        filterset_class=ImportBatchFilter,
        search=("file_name", "kind_label", "source"),
        sorts={
            "file": "file_name",
            "kind": "kind_label",
            "rows": "row_count",
            "errors": "error_count",
            "status": "status",
            "uploaded": "uploaded_at",
        },
        default_sort="-uploaded",
    )
    return render(
        request,
        "imports/index.html",
        {
            "importers": importers,
            "listing": listing,
            "kinds": list(labels.items()),
            "statuses": ImportStatus.choices,
        },
    )


@login_required
def template(request, kind):
    importer = _importer_or_404(request, kind)
    response = HttpResponse(template_bytes(importer), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="wipp-import-{kind}.xlsx"'
    return response


@login_required
def upload(request, kind):
    importer = _importer_or_404(request, kind)
    form = ImportUploadForm(
        request.POST or None, request.FILES or None, needs_source=importer.needs_source
    )
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            batch = services.import_preview(
                user=request.user,
                kind=kind,
                file_name=uploaded.name,
                content=uploaded.read(),
                source=form.cleaned_data.get("source", ""),
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            return redirect("imports:preview", pk=batch.pk)
    return render(request, "imports/upload.html", {"importer": importer, "form": form})


def _batch(request, pk) -> ImportBatch:
    try:
        return selectors.batch_get(user=request.user, pk=pk)
    except ImportBatch.DoesNotExist:
        raise Http404 from None


@login_required
def preview(request, pk):
    batch = _batch(request, pk)
    importer = _importer_or_404(request, batch.kind)
    errors: dict[int, list] = {}
    for error in batch.errors:
        errors.setdefault(error["row"], []).append(error)
    headers = {c.key: c.header for c in importer.columns}
    # A fixed page of rows; the count and the pager reach every row of the file.
    page = Paginator(services.batch_rows(batch), PREVIEW_PAGE).get_page(request.GET.get("page"))
    page.object_list = [
        {
            "number": row.number,
            "cells": [_shown(importer, c.key, row.values.get(c.key)) for c in importer.columns],
            "errors": [
                {"column": headers.get(e["column"], ""), "message": e["message"]}
                for e in errors.get(row.number, [])
            ],
        }
        for row in page.object_list
    ]
    return render(
        request,
        "imports/preview.html",
        {
            "batch": batch,
            "importer": importer,
            "page": page,
            "is_preview": batch.status == ImportStatus.PREVIEW,
            "result": [(RESULT_LABELS.get(k, k), v) for k, v in batch.result.items()],
        },
    )


def _shown(importer, key, value):
    """What the preview shows of a cell: mobile numbers masked (personal data), codes as the
    importer names them."""
    if importer.shown is not None:
        value = importer.shown(key, value)
    if key == "mobile" and value:
        return f"{value[:3]}****{value[-4:]}"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return value


@login_required
@require_POST
def confirm(request, pk):
    batch = _batch(request, pk)
    try:
        batch = services.import_confirm(user=request.user, batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("imports:preview", pk=batch.pk)
    messages.success(request, _("Imported: %(file)s.") % {"file": batch.file_name})
    return redirect("imports:preview", pk=batch.pk)


@login_required
@require_POST
def discard(request, pk):
    batch = _batch(request, pk)
    try:
        services.import_discard(user=request.user, batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("imports:preview", pk=batch.pk)
    messages.info(request, _("The upload was discarded; nothing was imported."))
    return redirect("imports:index")
