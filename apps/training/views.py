"""Pages of training. The implementing agency of a project being implemented manages classes,
sessions and rosters and runs check-in (a mobile page); offices, member units and HRSS
departments of the region and the evaluation agency read. Out-of-scope objects are 404 (the
selectors), steps of another role 403 (the services)."""

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from apps.accounts.roles import Role
from apps.audit.services import personal_data_access_record
from apps.core.excel import XLSX
from apps.core.forms import form_add_service_errors
from apps.core.levels import Level, actor_may
from apps.core.lists import list_page
from apps.core.workflow import actions_available

from . import exports, forms, selectors, services
from . import filters as list_filters
from .facestore import face_image_read
from .models import (
    AttendanceRecord,
    ConfirmationStatus,
    FaceConsent,
    FaceImage,
    FaceImpactAssessment,
    FaceTemplate,
    PresenceConfirmation,
    RosterImportStatus,
    Trainee,
)
from .roster import roster_template
from .workflow import CONFIRMATION_WORKFLOW


def _agency(request, project) -> bool:
    return selectors.is_agency(request.user, project)


def _agency_or_403(request, project) -> None:
    if not _agency(request, project):
        raise PermissionDenied


# --- project --------------------------------------------------------------------------------


@login_required
def project_training(request, project_pk):
    project = selectors.project_get(user=request.user, pk=project_pk)
    user = request.user
    pending = PresenceConfirmation.objects.for_user(user).filter(
        session__training_class__project=project, status=ConfirmationStatus.PENDING
    )
    return render(
        request,
        "training/project.html",
        {
            "project": project,
            "classes": list_page(
                request,
                selectors.classes_of(user=user, project=project),
                filterset_class=list_filters.TrainingClassFilter,
                search=("name", "syllabus_line__trainee_type"),
                sorts={
                    "name": "name",
                    "line": "syllabus_line__trainee_type",
                    "created": "created_at",
                },
                default_sort="-created",
                prefix="classes_",
            ),
            "assessment": FaceImpactAssessment.objects.for_user(user)
            .filter(project=project)
            .first(),
            # Every pending confirmation, a page at a time (no silent cut).
            "pending": list_page(
                request,
                pending.select_related("trainee", "session"),
                sorts={"requested": "requested_at", "trainee": "trainee__name"},
                default_sort="requested",
                prefix="pending_",
            ),
            "summary": selectors.project_summary(project=project),
            "is_agency": _agency(request, project),
            "may_check_hours": _agency(request, project)
            or actor_may(user, roles={Role.OFFICE}, level=Level.OWN, subject=project),
            "filters": {},
        },
    )


@login_required
def assessment_edit(request, project_pk):
    project = selectors.project_get(user=request.user, pk=project_pk)
    _agency_or_403(request, project)
    instance = FaceImpactAssessment.objects.for_user(request.user).filter(project=project).first()
    form = forms.ImpactAssessmentForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.face_impact_assessment_save(
                user=request.user, project=project, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The impact assessment is recorded."))
            return redirect("training:project", project_pk=project.pk)
    return render(
        request,
        "training/form.html",
        {
            "form": form,
            "project": project,
            "title": _("Personal-information impact assessment (face recognition)"),
            "testid": "assessment-form",
        },
    )


@login_required
def class_create(request, project_pk):
    project = selectors.project_get(user=request.user, pk=project_pk)
    _agency_or_403(request, project)
    form = forms.TrainingClassForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            training_class = services.training_class_create(
                user=request.user, project=project, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            return redirect("training:class", pk=training_class.pk)
    return render(
        request,
        "training/form.html",
        {"form": form, "project": project, "title": _("New class"), "testid": "class-form"},
    )


@login_required
def hours_check(request, project_pk):
    if request.method != "POST":
        raise Http404
    project = selectors.project_get(user=request.user, pk=project_pk)
    try:
        raised = services.hours_check(user=request.user, project=project)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.info(
            request,
            ngettext(
                "%(n)d trainee below the required hours.",
                "%(n)d trainees below the required hours.",
                len(raised),
            )
            % {"n": len(raised)},
        )
    return redirect("training:project", project_pk=project.pk)


@login_required
def export_package(request, project_pk):
    project = selectors.project_get(user=request.user, pk=project_pk)
    if request.user.role not in (Role.OFFICE, Role.IMPLEMENTER, Role.EVALUATOR) and not (
        request.user.is_superuser
    ):
        raise PermissionDenied
    content = exports.attendance_package(project=project)
    response = HttpResponse(content, content_type="application/zip")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="attendance-{project.code}-{stamp}.zip"'
    )
    return response


# --- class ----------------------------------------------------------------------------------


@login_required
def class_detail(request, pk):
    training_class = selectors.class_get(user=request.user, pk=pk)
    project = training_class.project
    progress = selectors.trainee_progress(training_class=training_class)
    return render(
        request,
        "training/class_detail.html",
        {
            "training_class": training_class,
            "project": project,
            "sessions": list_page(
                request,
                training_class.sessions.all(),
                filterset_class=list_filters.SessionFilter,
                sorts={
                    "starts": "starts_at",
                    "title": "title",
                    "teacher": "teacher",
                    "venue": "venue_address",
                },
                default_sort="starts",
                prefix="sessions_",
            ),
            # Computed per trainee (hours from the attendance): sorted and paged in Python.
            "progress": list_page(
                request,
                [SimpleNamespace(**row, name=row["trainee"].name) for row in progress],
                search=("trainee.name", "trainee.employer_name"),
                sorts={
                    "name": "name",
                    "employer": "trainee.employer_name",
                    "hours": "minutes",
                    "complete": ("complete", "minutes"),
                },
                default_sort="name",
                prefix="trainees_",
            ),
            "is_agency": _agency(request, project),
            "filters": {},
        },
    )


@login_required
def session_create(request, class_pk):
    training_class = selectors.class_get(user=request.user, pk=class_pk)
    _agency_or_403(request, training_class.project)
    form = forms.SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                user=request.user, training_class=training_class, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            return redirect("training:session", pk=session.pk)
    return render(
        request,
        "training/form.html",
        {
            "form": form,
            "project": training_class.project,
            "title": _("New session of %(cls)s") % {"cls": training_class},
            "testid": "session-form",
        },
    )


@login_required
def roster_template_download(request, class_pk):
    selectors.class_get(user=request.user, pk=class_pk)
    response = HttpResponse(roster_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
    return response


@login_required
def roster_upload(request, class_pk):
    training_class = selectors.class_get(user=request.user, pk=class_pk)
    _agency_or_403(request, training_class.project)
    form = forms.RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            roster_import = services.roster_preview(
                user=request.user,
                training_class=training_class,
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            return redirect("training:roster_preview", pk=roster_import.pk)
    return render(
        request,
        "training/form.html",
        {
            "form": form,
            "project": training_class.project,
            "title": _("Import the roster of %(cls)s") % {"cls": training_class},
            "testid": "roster-form",
            "multipart": True,
            "template_url": "training:roster_template",
            "training_class": training_class,
        },
    )


@login_required
def roster_preview(request, pk):
    roster_import = selectors.roster_import_get(user=request.user, pk=pk)
    training_class = roster_import.training_class
    _agency_or_403(request, training_class.project)
    if roster_import.status != RosterImportStatus.PREVIEW:
        raise Http404
    if request.method == "POST":
        try:
            trainees = services.roster_confirm(user=request.user, roster_import=roster_import)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(n)d trainees imported.") % {"n": len(trainees)})
            return redirect("training:class", pk=training_class.pk)
    checks = services.roster_import_checks(roster_import)
    return render(
        request,
        "training/roster_preview.html",
        {
            "roster_import": roster_import,
            "training_class": training_class,
            "project": training_class.project,
            "checks": checks,
            "error_count": sum(1 for c in checks if c.errors),
            "warning_count": sum(1 for c in checks if c.warnings),
        },
    )


# --- trainee --------------------------------------------------------------------------------


@login_required
def trainee_detail(request, pk):
    trainee = selectors.trainee_get(user=request.user, pk=pk)
    return _trainee_page(request, trainee)


def _trainee_page(request, trainee, **bound):
    project = trainee.project
    return render(
        request,
        "training/trainee_detail.html",
        {
            "trainee": trainee,
            "project": project,
            "consent": FaceConsent.objects.filter(trainee=trainee).first(),
            "template": FaceTemplate.objects.filter(
                trainee=trainee, deleted_at__isnull=True
            ).first(),
            "records": list_page(
                request,
                AttendanceRecord.objects.for_user(request.user)
                .filter(trainee=trainee)
                .select_related("session"),
                filterset_class=list_filters.AttendanceRecordFilter,
                sorts={
                    "session": "session__starts_at",
                    "kind": "kind",
                    "time": "recorded_at",
                    "method": "method",
                },
                default_sort="time",
            ),
            "exams": trainee.exam_results.all(),
            "is_agency": _agency(request, project),
            "consent_form": bound.get("consent_form") or forms.ConsentForm(),
            "photo_form": bound.get("photo_form") or forms.PhotoForm(),
            "exam_form": bound.get("exam_form") or forms.ExamForm(),
            "revealed": bound.get("revealed"),
            "filters": {},
        },
    )


@login_required
@require_POST
def trainee_reveal(request, pk):
    """The full ID and phone number, logged (SPEC §6)."""
    trainee = selectors.trainee_get(user=request.user, pk=pk)
    personal_data_access_record(subject=trainee, field="resident_id,phone", purpose="displayed")
    return _trainee_page(request, trainee, revealed=True)


@login_required
@require_POST
def trainee_consent(request, pk):
    trainee = selectors.trainee_get(user=request.user, pk=pk)
    _agency_or_403(request, trainee.project)
    form = forms.ConsentForm(request.POST)
    if form.is_valid():
        services.face_consent_record(user=request.user, trainee=trainee)
        messages.success(request, _("The consent is recorded."))
        return redirect("training:trainee", pk=trainee.pk)
    return _trainee_page(request, trainee, consent_form=form)


@login_required
@require_POST
def trainee_consent_withdraw(request, pk):
    trainee = selectors.trainee_get(user=request.user, pk=pk)
    _agency_or_403(request, trainee.project)
    try:
        services.face_consent_withdraw(user=request.user, trainee=trainee)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Consent withdrawn; the face template is deleted."))
    return redirect("training:trainee", pk=trainee.pk)


@login_required
@require_POST
def trainee_enrol(request, pk):
    trainee = selectors.trainee_get(user=request.user, pk=pk)
    _agency_or_403(request, trainee.project)
    form = forms.PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.face_enrol(
                user=request.user, trainee=trainee, content=form.cleaned_data["photo"].read()
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The enrolment photo is recorded."))
        return redirect("training:trainee", pk=trainee.pk)
    return _trainee_page(request, trainee, photo_form=form)


@login_required
@require_POST
def trainee_exam(request, pk):
    trainee = selectors.trainee_get(user=request.user, pk=pk)
    _agency_or_403(request, trainee.project)
    form = forms.ExamForm(request.POST)
    if form.is_valid():
        services.exam_result_record(user=request.user, trainee=trainee, **form.cleaned_data)
        messages.success(request, _("The exam result is recorded."))
        return redirect("training:trainee", pk=trainee.pk)
    return _trainee_page(request, trainee, exam_form=form)


@login_required
def face_image(request, pk):
    selectors.read_require(request.user)
    try:
        image = FaceImage.objects.for_user(request.user).select_related("trainee").get(pk=pk)
    except FaceImage.DoesNotExist as exc:
        raise Http404 from exc
    if request.user.role not in (Role.OFFICE, Role.IMPLEMENTER, Role.EVALUATOR) and not (
        request.user.is_superuser
    ):
        raise PermissionDenied
    try:
        content = face_image_read(image=image, purpose="displayed")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return HttpResponse(content, content_type=image.content_type)


# --- session and check-in -------------------------------------------------------------------


def _session_trainees(session):
    return Trainee.unscoped.filter(training_class=session.training_class).order_by("name", "pk")


@login_required
def session_detail(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    return _session_page(request, session)


def _session_page(request, session, confirmation_form=None):
    project = session.project
    user = request.user
    confirmations = (
        PresenceConfirmation.objects.for_user(user)
        .filter(session=session)
        .select_related("trainee")
    )
    records = list_page(
        request,
        AttendanceRecord.objects.for_user(user).filter(session=session).select_related("trainee"),
        filterset_class=list_filters.AttendanceRecordFilter,
        search=("trainee__name",),
        sorts={
            "trainee": "trainee__name",
            "kind": "kind",
            "time": "recorded_at",
            "method": "method",
            "distance": "distance_m",
        },
        default_sort="time",
        prefix="records_",
    )
    confirmation_list = list_page(
        request,
        confirmations,
        filterset_class=list_filters.PresenceConfirmationFilter,
        sorts={
            "trainee": "trainee__name",
            "kind": "kind",
            "status": "status",
            "requested": "requested_at",
        },
        default_sort="requested",
        prefix="confirmations_",
    )
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "project": project,
            "records": records,
            "confirmations": confirmation_list,
            # Every confirmation, a page at a time (no silent cut), with its next steps.
            "confirmation_rows": [
                (c, actions_available(table=CONFIRMATION_WORKFLOW, instance=c, user=user))
                for c in confirmation_list.page
            ],
            "decide_form": forms.DecideForm(),
            "is_agency": _agency(request, project),
            "confirmation_form": confirmation_form
            or forms.ConfirmationForm(trainees=_session_trainees(session)),
            "filters": {},
        },
    )


@login_required
def checkin(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    _agency_or_403(request, session.project)
    trainees = _session_trainees(session)
    form = forms.CheckInForm(request.POST or None, request.FILES or None, trainees=trainees)
    record = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        trainee = trainees.filter(pk=data["trainee"]).first()
        try:
            record = services.attendance_check(
                user=request.user,
                session=session,
                trainee=trainee,
                kind=data["kind"],
                photo=data["photo"].read(),
                latitude=data["latitude"],
                longitude=data["longitude"],
                coordinate_system=data["coordinate_system"],
                accuracy_m=data["accuracy"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            form = forms.CheckInForm(trainees=trainees)
    return render(
        request,
        "training/checkin.html",
        {"session": session, "project": session.project, "form": form, "record": record},
    )


@login_required
@require_POST
def confirmation_request(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    _agency_or_403(request, session.project)
    trainees = _session_trainees(session)
    form = forms.ConfirmationForm(request.POST, trainees=trainees)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.confirmation_request(
                user=request.user,
                session=session,
                trainee=trainees.get(pk=data["trainee"]),
                kind=data["kind"],
                reason=data["reason"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                coordinate_system=data["coordinate_system"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Sent to the office for approval."))
            return redirect("training:session", pk=session.pk)
    return _session_page(request, session, confirmation_form=form)


@login_required
@require_POST
def confirmation_decide(request, pk):
    confirmation = selectors.confirmation_get(user=request.user, pk=pk)
    form = forms.DecideForm(request.POST)
    form.is_valid()
    try:
        services.confirmation_decide(
            user=request.user,
            confirmation=confirmation,
            action=request.POST.get("action", ""),
            note=form.cleaned_data.get("note", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("training:session", pk=confirmation.session_id)
