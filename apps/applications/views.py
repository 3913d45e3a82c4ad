from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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
from .sections import SECTIONS, section_after, section_get, section_of, sections_progress
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


def _edit_context(application, form, formsets, problems, section, attachment_form=None) -> dict:
    attachments = list(
        application.applicationattachment_set.select_related("evidence").order_by("pk")
    )
    return {
        "application": application,
        "form": form,
        "formsets": formsets,
        "problems": problems,
        "problem_links": _problem_links(problems),
        "error_links": _error_links(form, formsets),
        "section": section,
        "next_section": section_after(section),
        "progress": sections_progress(problems or services.application_check(application), section),
        "attachments": attachments,
        "attachment_form": attachment_form or AttachmentForm(),
        "has_sealed_scan": any(a.kind == SEALED_FORM for a in attachments),
    }


def _problem_links(problems) -> list[dict]:
    """What stops the submission, each with a link to the section (and field) to fix."""
    links = []
    for key, texts in problems.items():
        owner = section_of(key)
        anchor = f"#id_{key}" if owner and key in owner.fields else ""
        href = f"?section={owner.key}{anchor}" if owner else ""
        for text in texts:
            links.append({"href": href, "section": owner.title if owner else "", "text": text})
    return links


def _error_links(form, formsets) -> list[dict]:
    """This page's errors at the top, each linked to its field."""
    links = [
        {"href": f"#{form[name].id_for_label}", "label": form[name].label, "text": text}
        for name, texts in form.errors.items()
        if name in form.fields
        for text in texts
    ]
    for formset in formsets.values():
        for row, errors in enumerate(formset.errors):
            for name, texts in errors.items():
                label = (
                    formset.forms[row].fields[name].label
                    if name in formset.forms[row].fields
                    else ""
                )
                links += [
                    {
                        "href": f"#id_{formset.prefix}-{row}-{name}",
                        "label": f"{label} ({_('row %(n)d') % {'n': row + 1}})",
                        "text": text,
                    }
                    for text in texts
                ]
        links += [{"href": "", "label": "", "text": t} for t in formset.non_form_errors()]
    return links


@login_required
def application_edit(request, pk):
    application = _visible_application(request, pk)
    if application.status != ApplicationStatus.DRAFT:
        return redirect("applications:detail", pk=pk)
    section = section_get(request.POST.get("section") or request.GET.get("section"))
    data = request.POST if request.method == "POST" else None
    form = ApplicationForm(data, instance=application, call=application.call, section=section)
    formsets = table_formsets(data, application, names=section.tables)
    if request.method == "POST":
        valid = form.is_valid() & all(fs.is_valid() for fs in formsets.values())
        if valid and _save_draft(request, application, form, formsets):
            if "submit" not in request.POST:
                messages.success(
                    request, _("Section “%(title)s” saved.") % {"title": section.title}
                )
                after = (section_after(section) if "continue" in request.POST else None) or section
                return redirect(f"{reverse('applications:edit', args=[pk])}?section={after.key}")
            try:
                services.application_submit(user=request.user, application=application)
            except ValidationError as exc:
                messages.error(request, _("Not submitted: fix the problems listed below."))
                problems = service_error_dict(exc, non_field_key="")
                return render(
                    request,
                    "applications/application_edit.html",
                    _edit_context(application, form, formsets, problems, section),
                )
            messages.success(request, _("Application submitted."))
            return redirect("applications:detail", pk=pk)
    problems = services.application_check(application) if request.method == "GET" else {}
    return render(
        request,
        "applications/application_edit.html",
        _edit_context(application, form, formsets, problems, section),
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
            ApplicationForm(instance=application, call=application.call, section=SECTIONS[0]),
            table_formsets(None, application, names=SECTIONS[0].tables),
            {},
            SECTIONS[0],
            attachment_form=form,
        ),
        status=400,
    )


@login_required
def application_print(request, pk):
    """The application form (申请表) as PDF, to sign, seal and scan; the download is audited."""
    from apps.audit.models import AuditAction
    from apps.audit.services import audit_record

    from .printing import application_form_pdf

    application = _visible_application(request, pk)
    content = application_form_pdf(application)
    audit_record(
        action=AuditAction.DOWNLOAD,
        object_type=Application._meta.label,
        object_id=application.pk,
        object_repr=str(application),
        jurisdiction_path=application.audit_jurisdiction_path(),
        message="application form printed (PDF)",
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{application.number}.pdf"'
    return response
