from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.forms import form_add_service_errors
from apps.core.lists import city_choices, list_page
from apps.evidence.services import evidence_upload

from . import selectors, services
from .forms import FindingStepForm
from .models import Finding, FindingSeverity, FindingStatus

EVIDENCE_PURPOSE = "report"


def _finding(request, pk) -> Finding:
    try:
        return selectors.finding_get(user=request.user, pk=pk)
    except Finding.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def finding_list(request):
    filters = {k: request.GET.get(k, "") for k in selectors.FILTERS}
    if not any(filters.values()):
        filters["status"] = "outstanding"
    listing = list_page(
        request,
        selectors.finding_list(user=request.user, filters=filters),
        city_field="jurisdiction__code",
        sorts={
            "severity": "severity",
            "clause": "citation",
            "about": "subject_label",
            "owner": ("owner_organisation__name", "owner_role"),
            "status": "status",
            "raised": "raised_at",
        },
        default_sort="-raised",
    )
    return render(
        request,
        "findings/list.html",
        {
            "listing": listing,
            "page": listing.page,
            "filters": filters,
            "cities": city_choices(request.user),
            "statuses": [("outstanding", _("Open or answered")), *FindingStatus.choices],
            "severities": FindingSeverity.choices,
        },
    )


@login_required
def finding_detail(request, pk):
    finding = _finding(request, pk)
    return render(request, "findings/detail.html", _detail_context(request, finding))


def _detail_context(request, finding, form=None, failed_action=""):
    return {
        "finding": finding,
        "history": selectors.finding_history(finding),
        "actions": selectors.finding_actions(user=request.user, finding=finding),
        "form": form or FindingStepForm(),
        "failed_action": failed_action,
    }


def _evidence(request, finding, upload):
    if upload is None:
        return None
    return evidence_upload(
        uploaded_by=request.user,
        uploaded_file=upload,
        purpose=EVIDENCE_PURPOSE,
        title=f"{finding.citation} · {finding.subject_label}"[:200],
        jurisdiction=finding.jurisdiction,
        project=finding.project,
        organisation=request.user.organisation,
    ).evidence_file


@login_required
@require_POST
def finding_step(request, pk, action):
    finding = _finding(request, pk)
    form = FindingStepForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            # The answer and its evidence are kept together or not at all.
            with transaction.atomic():
                services.finding_act(
                    user=request.user,
                    finding=finding,
                    action=action,
                    note=form.cleaned_data["note"],
                    evidence=_evidence(request, finding, form.cleaned_data.get("evidence_file")),
                )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Saved: the finding is now “%(status)s”.")
                % {"status": finding.get_status_display()},
            )
            return redirect("findings:detail", pk=finding.pk)
    return render(
        request,
        "findings/detail.html",
        _detail_context(request, finding, form=form, failed_action=action),
        status=400,
    )
