from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.audit.plain import object_timeline
from apps.calls.models import AnnualCall
from apps.calls.selectors import call_get
from apps.core.forms import form_add_service_errors, service_error_dict
from apps.core.lists import list_page

from . import exports, selectors, services
from .forms import (
    ApplicationForm,
    ApplicationStartForm,
    AttachmentForm,
    formset_rows,
    table_formsets,
)
from .models import Application, ApplicationStatus
from .services import SEALED_FORM

LIST_FILTERS = ("call", "jurisdiction", "industry", "project_type", "status")


def _visible_application(request, pk) -> Application:
    try:
        return selectors.application_get(user=request.user, pk=pk)
    except Application.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def application_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in LIST_FILTERS}
    if filters["call"] and not filters["call"].isdigit():
        filters["call"] = ""
    applications = selectors.application_list(user=request.user, filters=filters)
    if request.GET.get("export") == "xlsx":
        return exports.applications_xlsx_response(applications)
    listing = list_page(
        request,
        applications,
        sorts={
            "number": "number",
            "name": "project_name",
            "applicant": "applicant__name",
            "amount": "amount_requested",
            "status": "status",
        },
        default_sort="number",
    )
    return render(
        request,
        "applications/application_list.html",
        {
            "listing": listing,
            "filters": filters,
            "statuses": ApplicationStatus.choices,
        },
    )


@login_required
def application_start(request, call_pk):
    try:
        call = call_get(user=request.user, pk=call_pk)
    except AnnualCall.DoesNotExist as exc:
        raise Http404 from exc
    form = ApplicationStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(
                user=request.user, call=call, **form.cleaned_data
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            return redirect("applications:edit", pk=application.pk)
    return render(request, "applications/application_start.html", {"form": form, "call": call})


def _save_draft(request, application, form, formsets) -> bool:
    try:
        with transaction.atomic():
            services.application_update(
                user=request.user,
                application=application,
                fields=form.cleaned_data,
                **{name: formset_rows(fs) for name, fs in formsets.items()},
            )
    except ValidationError as exc:
        form_add_service_errors(form, exc)
        return False
    return True


def _edit_context(application, form, formsets, problems, attachment_form=None) -> dict:
    attachments = list(
        application.applicationattachment_set.select_related("evidence").order_by("pk")
    )
    return {
        "application": application,
        "form": form,
        "formsets": formsets,
        "problems": problems,
        "attachments": attachments,
        "attachment_form": attachment_form or AttachmentForm(),
        "has_sealed_scan": any(a.kind == SEALED_FORM for a in attachments),
    }


@login_required
def application_edit(request, pk):
    application = _visible_application(request, pk)
    if application.status != ApplicationStatus.DRAFT:
        return redirect("applications:detail", pk=pk)
    data = request.POST if request.method == "POST" else None
    form = ApplicationForm(data, instance=application, call=application.call)
    formsets = table_formsets(data, application)
    if request.method == "POST":
        valid = form.is_valid() & all(fs.is_valid() for fs in formsets.values())
        if valid and _save_draft(request, application, form, formsets):
            if "submit" not in request.POST:
                messages.success(request, _("Draft saved."))
                return redirect("applications:edit", pk=pk)
            try:
                services.application_submit(user=request.user, application=application)
            except ValidationError as exc:
                messages.error(request, _("Not submitted: fix the problems listed below."))
                problems = service_error_dict(exc, non_field_key="")
                return render(
                    request,
                    "applications/application_edit.html",
                    _edit_context(application, form, formsets, problems),
                )
            messages.success(request, _("Application submitted."))
            return redirect("applications:detail", pk=pk)
    problems = services.application_check(application) if request.method == "GET" else {}
    return render(
        request,
        "applications/application_edit.html",
        _edit_context(application, form, formsets, problems),
    )


@login_required
def application_detail(request, pk):
    application = _visible_application(request, pk)
    review = getattr(application, "preliminary_review", None)
    return render(
        request,
        "applications/application_detail.html",
        {
            "application": application,
            "review": review,
            "verdicts": review.verdicts.all() if review else [],
            "can": selectors.application_abilities(user=request.user, application=application),
            "timeline": object_timeline(application),
        },
    )


@login_required
@require_POST
def application_withdraw(request, pk):
    application = _visible_application(request, pk)
    try:
        services.application_withdraw(user=request.user, application=application)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Application withdrawn."))
    return redirect("applications:detail", pk=pk)


@login_required
@require_POST
def application_attachment_add(request, pk):
    application = _visible_application(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.application_attachment_add(
                user=request.user,
                application=application,
                kind=form.cleaned_data["kind"],
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Attachment uploaded."))
            return redirect("applications:edit", pk=pk)
    messages.error(request, _("The attachment was not uploaded: see below."))
    if application.status != ApplicationStatus.DRAFT:
        return redirect("applications:detail", pk=pk)
    return render(
        request,
        "applications/application_edit.html",
        _edit_context(
            application,
            ApplicationForm(instance=application, call=application.call),
            table_formsets(None, application),
            {},
            attachment_form=form,
        ),
        status=400,
    )
