"""Pages of acceptance (HB §21–23). The implementing agency applies and sees the checklist;
the evaluation agency records its report, the auditor its opinion, experts theirs; the office of
the project's level issues the opinion; readers of the region see it. Out-of-scope objects are
404 (the selectors), steps of another role 403 (the services through the tables)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.core.forms import form_service_call, messages_add_service_errors
from apps.core.levels import Level, actor_may
from apps.core.workflow import action_names
from apps.projects.lifecycle import PROJECT_LIFECYCLE

from . import form_document, forms, selectors, services
from .models import AuditOpinion, EvaluationReport, ExpertOpinion


def _form_page(request, *, form, project, title, testid, multipart=True):
    return render(
        request,
        "acceptance/form.html",
        {
            "form": form,
            "project": project,
            "title": title,
            "testid": testid,
            "multipart": multipart,
        },
    )


@login_required
def project_acceptance(request, project_pk):
    user = request.user
    project = selectors.project_get(user=user, pk=project_pk)
    applications = list(selectors.applications_of(user=user, project=project))
    current = applications[0] if applications else None
    checklist = selectors.acceptance_checklist(project, current)
    # The lifecycle row leaves only the implementation stage and names who applies.
    may_apply = "apply_for_acceptance" in action_names(
        table=PROJECT_LIFECYCLE, instance=project, user=user
    )
    context = {
        "project": project,
        "application": current,
        "earlier": applications[1:],
        "checklist": checklist,
        "rows": selectors.checklist_rows(checklist),
        "may_apply": may_apply,
        "steps": selectors.steps_for(user=user, application=current),
    }
    if current is not None:
        context.update(
            report=EvaluationReport.objects.filter(application=current).first(),
            audit=AuditOpinion.objects.filter(application=current).first(),
            expert_opinions=ExpertOpinion.objects.filter(application=current).select_related(
                "expert"
            ),
            deadlines=[
                d
                for d in (
                    services.report_deadline(current),
                    services.opinion_deadline(current),
                    services.balance_deadline(current),
                )
                if d is not None
            ],
            may_submit_report=current.commits_report
            and not current.implementation_report_id
            and actor_may(user, roles={"implementer"}, level=Level.ORGANISATION, subject=current),
        )
    return render(request, "acceptance/project.html", context)


@login_required
def apply(request, project_pk):
    project = selectors.project_get(user=request.user, pk=project_pk)
    form = forms.ApplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = form_service_call(
            request,
            form,
            lambda: services.acceptance_apply(
                user=request.user,
                project=project,
                finished_on=data["finished_on"],
                summary=data["summary"],
                form_file=data["form_file"],
                commits_report=data["commits_report"],
            ),
            _("The acceptance application is filed."),
        )
        if done is not None:
            return redirect("acceptance:project", project_pk=project.pk)
    return _form_page(
        request,
        form=form,
        project=project,
        title=_("Apply for acceptance (HB §21)"),
        testid="apply-form",
    )


def _step_page(request, pk, *, form_class, title, testid, call, success):
    application = selectors.application_get(user=request.user, pk=pk)
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = form_service_call(
            request, form, lambda: call(application, form.cleaned_data), success
        )
        if done is not None:
            return redirect("acceptance:project", project_pk=application.project_id)
    return _form_page(request, form=form, project=application.project, title=title, testid=testid)


@login_required
def report(request, pk):
    return _step_page(
        request,
        pk,
        form_class=forms.ReportForm,
        title=_("Evaluation acceptance report (HB §21)"),
        testid="report-form",
        call=lambda application, data: services.evaluation_report_record(
            user=request.user,
            application=application,
            verdict=data["verdict"],
            summary=data["summary"],
            uploaded_file=data["file"],
        ),
        success=_("The evaluation acceptance report is recorded."),
    )


@login_required
def audit(request, pk):
    return _step_page(
        request,
        pk,
        form_class=forms.AuditForm,
        title=_("Audit opinion on the expenses (HB §21)"),
        testid="audit-form",
        call=lambda application, data: services.audit_opinion_record(
            user=request.user,
            application=application,
            compliant=data["compliant"],
            opinion=data["opinion"],
            uploaded_file=data["file"],
        ),
        success=_("The audit opinion is recorded."),
    )


@login_required
def expert(request, pk):
    return _step_page(
        request,
        pk,
        form_class=forms.ExpertForm,
        title=_("Expert opinion on the acceptance (HB §21)"),
        testid="expert-form",
        call=lambda application, data: services.expert_opinion_record(
            user=request.user, application=application, opinion=data["opinion"]
        ),
        success=_("Your opinion is recorded."),
    )


@login_required
def implementation_report(request, pk):
    return _step_page(
        request,
        pk,
        form_class=forms.ReportFileForm,
        title=_("Written implementation report (SZ 6.5)"),
        testid="implementation-report-form",
        call=lambda application, data: services.implementation_report_submit(
            user=request.user, application=application, uploaded_file=data["file"]
        ),
        success=_("The written implementation report is on the platform."),
    )


@login_required
@require_POST
def decide(request, pk):
    application = selectors.application_get(user=request.user, pk=pk)
    try:
        services.acceptance_decide(
            user=request.user,
            application=application,
            action=request.POST.get("action", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        messages_add_service_errors(request, error)
    else:
        messages.success(request, _("The acceptance opinion is issued."))
    return redirect("acceptance:project", project_pk=application.project_id)


@login_required
@require_GET
def form_download(request, pk, fmt):
    """《工伤预防项目验收表》 of an application, four copies, filled from the platform
    (apps/acceptance/form_document.py); every reader of the application may download it, and
    each download is audited."""
    application = selectors.application_get(user=request.user, pk=pk)
    if fmt not in form_document.FORMATS:
        raise Http404
    build, content_type = form_document.FORMATS[fmt]
    response = HttpResponse(build(application), content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"acceptance-form-{application.project.code}-{stamp}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
