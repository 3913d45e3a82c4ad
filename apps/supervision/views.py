"""Pages of supervision (HB §17–20). The evaluation agency's evaluators write the plan, record
inspections on their phones (each confirms his or her own presence), take photos and videos
and raise findings, and submit periodic reports; the office of the project's level reviews the
plan and the reports; readers of the region see them. Out-of-scope objects are 404 (the
selectors), steps of another role 403 (the services through the tables)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.forms import form_service_call, messages_add_service_errors
from apps.core.lists import list_page

from . import forms, selectors, services
from .models import InspectionMedia, InspectionPresence

PAGE_SIZE = 20


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _form_page(request, *, form, project, title, testid, multipart=True, mobile=False):
    return render(
        request,
        "supervision/form.html",
        {
            "form": form,
            "project": project,
            "title": title,
            "testid": testid,
            "multipart": multipart,
            "mobile": mobile,
        },
    )


@login_required
def project_supervision(request, project_pk):
    user = request.user
    project = selectors.project_get(user=user, pk=project_pk)
    plan = selectors.plan_of(user=user, project=project)
    reports = selectors.reports_of(user=user, project=project)
    return render(
        request,
        "supervision/project.html",
        {
            "project": project,
            "plan": plan,
            "plan_steps": selectors.plan_steps(user=user, plan=plan) if plan else [],
            "plan_deadline": services.plan_deadline(plan) if plan else None,
            "may_write": _may_write(user, project),
            "inspections": _page(request, selectors.inspections_of(user=user, project=project)),
            "reports": _page(request, reports),
        },
    )


def _may_write(user, project) -> bool:
    try:
        services.evaluator_require(user, project)
    except PermissionDenied:
        return False
    return True


@login_required
def plan_edit(request, project_pk):
    project = selectors.project_get(user=request.user, pk=project_pk)
    plan = selectors.plan_of(user=request.user, project=project)
    initial = {"summary": plan.summary} if plan else None
    form = forms.PlanForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = form_service_call(
            request,
            form,
            lambda: services.plan_save(
                user=request.user,
                project=project,
                summary=data["summary"],
                uploaded_file=data["file"],
            ),
            _("The plan is saved. Submit it to the office when it is complete."),
        )
        if done is not None:
            return redirect("supervision:project", project_pk=project.pk)
    return _form_page(
        request,
        form=form,
        project=project,
        title=_("Supervision-evaluation plan (HB §18)"),
        testid="plan-form",
    )


@login_required
@require_POST
def plan_step(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    try:
        if action == "submit":
            services.plan_submit(user=request.user, plan=plan)
        else:
            services.plan_review(
                user=request.user, plan=plan, action=action, note=request.POST.get("note", "")
            )
    except ValidationError as error:
        messages_add_service_errors(request, error)
    else:
        messages.success(
            request, _("The plan is %(status)s.") % {"status": plan.get_status_display()}
        )
    return redirect("supervision:project", project_pk=plan.project_id)


@login_required
def inspection_create(request, project_pk):
    project = selectors.project_get(user=request.user, pk=project_pk)
    form = forms.InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        inspection = form_service_call(
            request,
            form,
            lambda: services.inspection_record(user=request.user, project=project, **data),
            _("The inspection is recorded with your presence."),
        )
        if inspection is not None:
            return redirect("supervision:inspection", pk=inspection.pk)
    return _form_page(
        request,
        form=form,
        project=project,
        title=_("Record an inspection (HB §18)"),
        testid="inspection-form",
        multipart=False,
        mobile=True,
    )


def _inspection_context(request, inspection, **extra):
    user = request.user
    media = list(InspectionMedia.objects.filter(inspection=inspection).select_related("original"))
    return {
        "inspection": inspection,
        "project": inspection.project,
        "presences": InspectionPresence.objects.filter(inspection=inspection).select_related(
            "evaluator"
        ),
        "media": media,
        "steps": selectors.inspection_steps(user=user, inspection=inspection),
        "may_write": _may_write(user, inspection.project),
        "findings": selectors.findings_of(user=user, inspection=inspection),
        "presence_form": forms.PresenceForm(),
        "media_form": extra.pop("media_form", None) or forms.MediaForm(),
        **extra,
    }


@login_required
def inspection_detail(request, pk):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    return render(request, "supervision/inspection.html", _inspection_context(request, inspection))


@login_required
@require_POST
def inspection_confirm(request, pk):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    form = forms.PresenceForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    try:
        services.inspection_presence_confirm(
            user=request.user,
            inspection=inspection,
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
        )
    except ValidationError as error:
        messages_add_service_errors(request, error)
    else:
        messages.success(request, _("Your presence is confirmed."))
    return redirect("supervision:inspection", pk=inspection.pk)


@login_required
def media_upload(request, pk):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    form = forms.MediaForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = form_service_call(
            request,
            form,
            lambda: services.media_add(
                user=request.user,
                inspection=inspection,
                uploaded_file=data["file"],
                latitude=data.get("latitude"),
                longitude=data.get("longitude"),
            ),
            _("Kept with the server's watermark."),
        )
        if done is not None:
            return redirect("supervision:inspection", pk=inspection.pk)
    return render(
        request,
        "supervision/inspection.html",
        _inspection_context(request, inspection, media_form=form),
    )


@login_required
def finding_create(request, pk):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    media = {str(m.pk): m for m in InspectionMedia.objects.filter(inspection=inspection)}
    choices = [(key, f"{m.get_kind_display()} {m.verification_code}") for key, m in media.items()]
    form = forms.FindingForm(request.POST or None, media_choices=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = form_service_call(
            request,
            form,
            lambda: services.inspection_finding_raise(
                user=request.user,
                inspection=inspection,
                message=data["message"],
                severity=data["severity"],
                media=[media[key] for key in data["media"]],
            ),
            _("The finding is raised for the implementing agency."),
        )
        if done is not None:
            return redirect("supervision:inspection", pk=inspection.pk)
    return _form_page(
        request,
        form=form,
        project=inspection.project,
        title=_("Raise a finding from this inspection (HB §19, §20)"),
        testid="finding-form",
        multipart=False,
    )


@login_required
def inspection_list(request):
    selectors.read_require(request.user)
    listing = list_page(
        request,
        selectors.inspections_of(user=request.user),
        search=("project__code", "project__name", "place"),
        sorts={
            "date": "held_on",
            "project": "project__code",
            "kind": "kind",
            "place": "place",
            "status": "status",
        },
        default_sort="-date",
    )
    return render(request, "supervision/inspection_list.html", {"listing": listing})


@login_required
def report_create(request, project_pk):
    project = selectors.project_get(user=request.user, pk=project_pk)
    sections = selectors.sections_for(project)
    form = forms.ReportForm(request.POST or None, request.FILES or None, sections=sections)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = form_service_call(
            request,
            form,
            lambda: services.report_submit(
                user=request.user,
                project=project,
                period_start=data["period_start"],
                period_end=data["period_end"],
                sections=form.sections(),
                conclusion=data["conclusion"],
                uploaded_file=data.get("file"),
            ),
            _("The report is submitted with the platform's figures of the period."),
        )
        if report is not None:
            return redirect("supervision:report", pk=report.pk)
    return _form_page(
        request,
        form=form,
        project=project,
        title=_("Periodic supervision-evaluation report (HB §20)"),
        testid="report-form",
    )


@login_required
def report_detail(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    labels = dict(selectors.sections_for(report.project))
    return render(
        request,
        "supervision/report.html",
        {
            "report": report,
            "project": report.project,
            "sections": [(labels.get(code, code), text) for code, text in report.sections.items()],
            "figures": report.figures,
            "steps": selectors.report_steps(user=request.user, report=report),
        },
    )


@login_required
@require_POST
def report_step(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    try:
        services.report_review(
            user=request.user,
            report=report,
            action=request.POST.get("action", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        messages_add_service_errors(request, error)
    else:
        messages.success(
            request, _("The report is %(status)s.") % {"status": report.get_status_display()}
        )
    return redirect("supervision:report", pk=report.pk)
