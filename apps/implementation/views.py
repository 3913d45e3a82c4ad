"""Pages of implementation. The implementing agency of a project being implemented writes;
offices, member units and HRSS departments of the region and the evaluation agency read; the
named online platform sets its supervision parameters. Out-of-scope objects are 404 (the
selectors), steps of another role 403 (the services)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.roles import Role
from apps.core.forms import form_service_call, messages_add_service_errors
from apps.core.levels import Level, actor_may
from apps.core.lists import list_page
from apps.core.workflow import actions_available
from apps.projects.models import ProjectType

from . import filters as list_filters
from . import forms, selectors, services
from .models import (
    Camera,
    FundsDirection,
    FundsEntry,
    MonthlyReport,
    PackageFile,
    PromotionRecord,
    ReportStatus,
)
from .proofs import record_proofs
from .workflow import PRESTART_WORKFLOW, REPORT_WORKFLOW


def _agency_or_403(request, project) -> None:
    if not selectors.is_agency(request.user, project):
        raise PermissionDenied


def _form_page(request, *, form, project, title, testid, multipart=False, back=None):
    return render(
        request,
        "implementation/form.html",
        {
            "form": form,
            "project": project,
            "title": title,
            "testid": testid,
            "multipart": multipart,
            "back": back,
        },
    )


# --- project overview and set-up ------------------------------------------------------------


@login_required
def project_overview(request, project_pk):
    user = request.user
    project = selectors.project_get(user=user, pk=project_pk, roles=selectors.SETUP_ROLES)
    supervision = selectors.supervision_of(user=user, project=project)
    is_agency = selectors.is_agency(user, project)
    cameras = Camera.objects.for_user(user).filter(project=project).select_related("equipment")
    package = None
    if user.role != Role.ONLINE_PLATFORM:
        package = project.prestart_package if hasattr(project, "prestart_package") else None
    return render(
        request,
        "implementation/project.html",
        {
            "project": project,
            "is_agency": is_agency,
            "is_training": project.project_type == ProjectType.TRAINING,
            "cameras": list_page(
                request,
                cameras,
                filterset_class=list_filters.CameraFilter,
                search=("name", "stream_url"),
                sorts={"name": "name", "stream": "stream_url", "added": "added_at"},
                default_sort="name",
                prefix="cameras_",
            ),
            "supervision": supervision,
            "may_configure": supervision is not None
            and actor_may(
                user, roles={Role.ONLINE_PLATFORM}, level=Level.ORGANISATION, subject=supervision
            ),
            "package": package,
            "reader": user.is_superuser or user.role in selectors.READ_ROLES,
            "filters": {},
        },
    )


@login_required
def camera_create(request, project_pk):
    project = selectors.project_get(user=request.user, pk=project_pk)
    _agency_or_403(request, project)
    form = forms.CameraForm(request.POST or None, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        camera = form_service_call(
            request,
            form,
            lambda: services.camera_add(user=request.user, project=project, **form.cleaned_data),
            _("The camera is registered. Test it now."),
        )
        if camera is not None:
            return redirect("implementation:project", project_pk=project.pk)
    return _form_page(
        request,
        form=form,
        project=project,
        title=_("Register a network camera"),
        testid="camera-form",
    )


@login_required
@require_POST
def camera_test(request, pk):
    camera = selectors.camera_get(user=request.user, pk=pk)
    _agency_or_403(request, camera.project)
    test = services.camera_test(user=request.user, camera=camera)
    if test.reachable:
        messages.success(request, _("The stream answers: %(detail)s.") % {"detail": test.detail})
    else:
        messages.error(
            request, _("The stream does not answer: %(detail)s.") % {"detail": test.detail}
        )
    return redirect("implementation:project", project_pk=camera.project_id)


@login_required
def platform_name(request, project_pk):
    project = selectors.project_get(user=request.user, pk=project_pk)
    _agency_or_403(request, project)
    form = forms.PlatformForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form_service_call(
            request,
            form,
            lambda: services.platform_name(
                user=request.user, project=project, platform=form.cleaned_data["platform"]
            ),
            _("The online platform is named. The office adds it to the project."),
        )
        if done is not None:
            return redirect("implementation:project", project_pk=project.pk)
    return _form_page(
        request,
        form=form,
        project=project,
        title=_("Name the contracted online platform"),
        testid="platform-form",
    )


@login_required
def supervision_edit(request, project_pk):
    user = request.user
    project = selectors.project_get(user=user, pk=project_pk, roles=selectors.SETUP_ROLES)
    supervision = selectors.supervision_of(user=user, project=project)
    if supervision is None or not actor_may(
        user, roles={Role.ONLINE_PLATFORM}, level=Level.ORGANISATION, subject=supervision
    ):
        raise PermissionDenied
    initial = {
        "face_capture_interval_minutes": supervision.face_capture_interval_minutes,
        "fast_forward_blocked": supervision.fast_forward_blocked is not False,
        "idle_cutoff_minutes": supervision.idle_cutoff_minutes,
    }
    form = forms.SupervisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = form_service_call(
            request,
            form,
            lambda: services.supervision_configure(
                user=user, supervision=supervision, **form.cleaned_data
            ),
            _("The supervision parameters are set."),
        )
        if done is not None:
            return redirect("implementation:project", project_pk=project.pk)
    return _form_page(
        request,
        form=form,
        project=project,
        title=_("Supervision parameters of online study"),
        testid="supervision-form",
    )


# --- pre-start package ----------------------------------------------------------------------


def _package_of(request, project_pk):
    project = selectors.project_get(user=request.user, pk=project_pk)
    package = services.package_for(project)
    if package is None:
        raise ValidationError(_("No implementing agency takes part in this project yet."))
    return project, package


@login_required
def package_detail(request, project_pk):
    try:
        project, package = _package_of(request, project_pk)
    except ValidationError as error:
        messages_add_service_errors(request, error)
        return redirect("projects:detail", pk=project_pk)
    user = request.user
    editable = package.editable and selectors.is_agency(user, project)
    return render(
        request,
        "implementation/package.html",
        {
            "project": project,
            "package": package,
            "checklist": services.package_checklist(package),
            "files": PackageFile.objects.filter(package=package).select_related("evidence"),
            "training_lines": package.training_lines.all(),
            "promotion_lines": package.promotion_lines.select_related("requirement"),
            "staff": package.staff.select_related("certificate"),
            "deadline": services.prestart_deadline(package),
            "actions": actions_available(table=PRESTART_WORKFLOW, instance=package, user=user),
            "editable": editable,
            "is_training": project.project_type == ProjectType.TRAINING,
        },
    )


def _package_form_view(request, project_pk, *, make_form, call, title, testid, multipart=False):
    project, package = _package_of(request, project_pk)
    _agency_or_403(request, project)
    form = make_form(project, package)
    if request.method == "POST" and form.is_valid():
        done = form_service_call(request, form, lambda: call(package, form), _("Saved."))
        if done is not None:
            return redirect("implementation:package", project_pk=project.pk)
    return _form_page(
        request,
        form=form,
        project=project,
        title=title,
        testid=testid,
        multipart=multipart,
        back=("implementation:package", project.pk),
    )


@login_required
def package_file_add(request, project_pk):
    def make_form(project, package):
        items = [(code, item) for code, (item, _p) in services.file_items(package).items()]
        return forms.PackageFileForm(request.POST or None, request.FILES or None, items=items)

    return _package_form_view(
        request,
        project_pk,
        make_form=make_form,
        call=lambda package, form: services.package_file_add(
            user=request.user,
            package=package,
            item_code=form.cleaned_data["item_code"],
            uploaded_file=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
        ),
        title=_("Upload a document of the pre-start package"),
        testid="package-file-form",
        multipart=True,
    )


@login_required
def training_line_add(request, project_pk):
    return _package_form_view(
        request,
        project_pk,
        make_form=lambda project, package: forms.TrainingLineForm(request.POST or None),
        call=lambda package, form: services.training_line_add(
            user=request.user, package=package, **form.cleaned_data
        ),
        title=_("Add a row of the training plan"),
        testid="training-line-form",
    )


@login_required
def promotion_line_add(request, project_pk):
    return _package_form_view(
        request,
        project_pk,
        make_form=lambda project, package: forms.PromotionLineForm(
            request.POST or None, project=project
        ),
        call=lambda package, form: services.promotion_line_add(
            user=request.user, package=package, **form.cleaned_data
        ),
        title=_("Add a row of the promotion plan"),
        testid="promotion-line-form",
    )


@login_required
def staff_add(request, project_pk):
    return _package_form_view(
        request,
        project_pk,
        make_form=lambda project, package: forms.StaffForm(
            request.POST or None, request.FILES or None
        ),
        call=lambda package, form: services.staff_add(
            user=request.user, package=package, **form.cleaned_data
        ),
        title=_("Add a manager or teacher"),
        testid="staff-form",
        multipart=True,
    )


@login_required
@require_POST
def package_decide(request, pk):
    package = selectors.package_get(user=request.user, pk=pk)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    action = form.cleaned_data["action"]
    allowed = {
        t.action
        for t in actions_available(table=PRESTART_WORKFLOW, instance=package, user=request.user)
    }
    if action not in allowed:
        raise PermissionDenied
    try:
        services.package_act(
            user=request.user, package=package, action=action, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        messages_add_service_errors(request, error)
    else:
        messages.success(request, _("Done: %(status)s.") % {"status": package.get_status_display()})
    return redirect("implementation:package", project_pk=package.project_id)


# --- promotion records ----------------------------------------------------------------------


@login_required
def promotion_list(request, project_pk):
    user = request.user
    project = selectors.project_get(user=user, pk=project_pk)
    records = (
        PromotionRecord.objects.for_user(user)
        .filter(project=project)
        .select_related("activity", "placement")
        .prefetch_related("proofs")
    )
    return render(
        request,
        "implementation/promotion.html",
        {
            "project": project,
            "listing": list_page(
                request,
                records,
                search=("what", "place", "channel", "audience"),
                sorts={
                    "when": "occurred_on",
                    "kind": "kind",
                    "what": "what",
                    "where": "place",
                    "quantity": "quantity",
                },
                default_sort="-when",
            ),
            "totals": selectors.promotion_totals(project),
            "is_agency": selectors.is_agency(user, project)
            and project.project_type == ProjectType.PROMOTION,
            "filters": {},
        },
    )


@login_required
def promotion_record_add(request, project_pk):
    project = selectors.project_get(user=request.user, pk=project_pk)
    _agency_or_403(request, project)
    form = forms.PromotionRecordForm(request.POST or None, request.FILES or None, project=project)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        proofs = [("photo", data.pop("photo")), ("feedback", data.pop("feedback_file"))]
        if data["kind"] == "broadcast":
            proofs[0] = ("broadcast_proof", proofs[0][1])
        data = {
            k: ("" if v is None and k in ("channel", "time_slot") else v) for k, v in data.items()
        }
        record = form_service_call(
            request,
            form,
            lambda: services.promotion_record_add(
                user=request.user, project=project, proofs=proofs, **data
            ),
            _("The promotion record is saved."),
        )
        if record is not None:
            return redirect("implementation:promotion_record", pk=record.pk)
    return _form_page(
        request,
        form=form,
        project=project,
        title=_("Record a distribution, broadcast or session"),
        testid="promotion-record-form",
        multipart=True,
        back=("implementation:promotion", project.pk),
    )


@login_required
def promotion_record_detail(request, pk):
    record = selectors.record_get(user=request.user, pk=pk)
    return render(
        request,
        "implementation/promotion_record.html",
        {
            "project": record.project,
            "record": record,
            "proofs": record_proofs(record),
        },
    )


# --- monthly reports and funds --------------------------------------------------------------


@login_required
def report_list(request, project_pk):
    user = request.user
    project = selectors.project_get(user=user, pk=project_pk)
    reports = (
        MonthlyReport.objects.for_user(user).filter(project=project).prefetch_related("deadlines")
    )
    return render(
        request,
        "implementation/reports.html",
        {
            "project": project,
            "reports": list_page(
                request,
                reports,
                filterset_class=list_filters.MonthlyReportFilter,
                search=("progress",),
                sorts={"month": "month", "status": "status", "submitted": "submitted_at"},
                default_sort="-month",
            ),
            "statuses": ReportStatus.choices,
        },
    )


@login_required
def report_detail(request, pk):
    user = request.user
    report = selectors.report_get(user=user, pk=pk)
    actions = actions_available(table=REPORT_WORKFLOW, instance=report, user=user)
    form = None
    if actions and selectors.is_agency(user, report.project):
        form = forms.MonthlyReportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            done = form_service_call(
                request,
                form,
                lambda: services.monthly_report_submit(
                    user=user, report=report, progress=form.cleaned_data["progress"]
                ),
                _("The monthly report is submitted."),
            )
            if done is not None:
                return redirect("implementation:report", pk=report.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "implementation/report.html",
        {
            "project": report.project,
            "report": report,
            "form": form,
            "deadline": report.deadlines.select_related("rule").order_by("-pk").first(),
            "live": services.month_figures(report.project, report.month),
        },
    )


@login_required
def funds(request, project_pk):
    user = request.user
    project = selectors.project_get(user=user, pk=project_pk)
    entries = FundsEntry.objects.for_user(user).filter(project=project).select_related("voucher")
    return render(
        request,
        "implementation/funds.html",
        {
            "project": project,
            "entries": list_page(
                request,
                entries,
                filterset_class=list_filters.FundsEntryFilter,
                search=("item", "note"),
                sorts={
                    "date": "entry_date",
                    "direction": "direction",
                    "item": "item",
                    "amount": "amount",
                },
                default_sort="-date",
            ),
            "directions": FundsDirection.choices,
            "summary": selectors.funds_summary(project),
            "is_agency": selectors.is_agency(user, project),
            "filters": {},
        },
    )


@login_required
def funds_entry_add(request, project_pk):
    project = selectors.project_get(user=request.user, pk=project_pk)
    _agency_or_403(request, project)
    form = forms.FundsEntryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        entry = form_service_call(
            request,
            form,
            lambda: services.funds_entry_add(
                user=request.user, project=project, **form.cleaned_data
            ),
            _("The entry is recorded."),
        )
        if entry is not None:
            return redirect("implementation:funds", project_pk=project.pk)
    return _form_page(
        request,
        form=form,
        project=project,
        title=_("Record money received or spent"),
        testid="funds-form",
        multipart=True,
        back=("implementation:funds", project.pk),
    )
