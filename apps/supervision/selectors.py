"""Reads of supervision: scoped (fail-closed) gets, lists, the steps a user may take (from the
tables) and the platform's own figures a periodic report takes in (HB §19)."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.core.workflow import actions_available
from apps.projects.models import Project, ProjectType

from .models import (
    Inspection,
    InspectionKind,
    InspectionPresence,
    PeriodicReport,
    SupervisionPlan,
    percent,
)
from .workflow import INSPECTION_PAGE_STEPS, INSPECTION_WORKFLOW, PLAN_WORKFLOW, REPORT_WORKFLOW

#: Who reads supervision: the region's offices, member units (HB §16: 查验监督评估报告), HRSS
#: departments and social-insurance agencies; the project's evaluation agency and implementing
#: agency (the findings are theirs to answer).
READ_ROLES = frozenset(
    {
        Role.OFFICE,
        Role.MEMBER_UNIT,
        Role.HRSS,
        Role.SI_AGENCY,
        Role.EVALUATOR,
        Role.IMPLEMENTER,
    }
)


def read_require(user) -> None:
    if not (user.is_superuser or user.role in READ_ROLES):
        raise PermissionDenied


def _get(queryset, user, pk):
    read_require(user)
    try:
        return queryset.for_user(user).get(pk=pk)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def project_get(*, user, pk) -> Project:
    return _get(Project.objects, user, pk)


def plan_get(*, user, pk) -> SupervisionPlan:
    return _get(SupervisionPlan.objects, user, pk)


def inspection_get(*, user, pk) -> Inspection:
    return _get(Inspection.objects, user, pk)


def report_get(*, user, pk) -> PeriodicReport:
    return _get(PeriodicReport.objects, user, pk)


def plan_of(*, user, project) -> SupervisionPlan | None:
    return SupervisionPlan.objects.for_user(user).filter(project=project).first()


def inspections_of(*, user, project=None):
    rows = Inspection.objects.for_user(user).select_related("project", "organisation")
    return rows.filter(project=project) if project is not None else rows


def reports_of(*, user, project):
    return PeriodicReport.objects.for_user(user).filter(project=project)


def findings_of(*, user, inspection):
    """The findings raised from an inspection, as the user may see them."""
    from django.contrib.contenttypes.models import ContentType

    from apps.findings.models import Finding

    from .services import FINDING_RULE

    return (
        Finding.objects.for_user(user)
        .filter(
            rule_code=FINDING_RULE,
            subject_type=ContentType.objects.get_for_model(Inspection),
            subject_id=inspection.pk,
        )
        .order_by("key")
    )


def plan_steps(*, user, plan) -> list:
    return actions_available(table=PLAN_WORKFLOW, instance=plan, user=user)


def report_steps(*, user, report) -> list:
    return actions_available(table=REPORT_WORKFLOW, instance=report, user=user)


def inspection_steps(*, user, inspection) -> list:
    """The table's steps, less a confirmation the user has already given."""
    confirmed = InspectionPresence.objects.filter(inspection=inspection, evaluator_id=user.pk)
    return [
        t
        for t in actions_available(table=INSPECTION_WORKFLOW, instance=inspection, user=user)
        if t.action in INSPECTION_PAGE_STEPS
        and not (t.action == "confirm_presence" and confirmed.exists())
    ]


# --- the evaluator's sections (HB §19) --------------------------------------------------------

TRAINING_SECTIONS = [
    (
        "materials",
        _("Teaching materials, courseware and audio-video: practical, professional, targeted"),
    ),
    ("teachers", _("Teachers: qualifications, expertise, experience and teaching effect")),
    ("process", _("Training process: arrangement, attendance, order on site")),
    ("effect", _("Effect: trainees' exam pass rate, employers' satisfaction")),
]
PROMOTION_SECTIONS = [
    ("works", _("Works, materials and items: professional, artistic, innovative, suitable")),
    ("specs", _("Technical specifications: video resolution and frame rate, audio, colour")),
    ("quantities", _("Quantities placed: time slot, duration, frequency, sessions")),
    ("effect", _("Effect: coverage, awareness and satisfaction")),
]


def sections_for(project) -> list[tuple[str, str]]:
    if project.project_type == ProjectType.PROMOTION:
        return PROMOTION_SECTIONS
    return TRAINING_SECTIONS


# --- the platform's figures (HB §19) ----------------------------------------------------------


def _text(value) -> str | None:
    return None if value is None else str(value)


def _window(start: datetime.date, end: datetime.date):
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
    )


def training_figures(project, start, end) -> dict:
    """Sessions of the period, attendance (trainee × session with a counted check-in against
    the class's roster), exam pass rate to date, teachers on file with their certificates,
    recordings against the procured specification and their coverage of the sessions."""
    from apps.implementation.models import StaffMember, StaffRole
    from apps.training import recordings as rec
    from apps.training.models import AttendanceKind, Session, Trainee
    from apps.training.recordings_models import Recording
    from apps.training.selectors import attendance_by_trainee, exam_summary

    since, until = _window(start, end)
    sessions = list(
        Session.unscoped.filter(
            training_class__project=project, starts_at__gte=since, starts_at__lt=until
        ).select_related("training_class")
    )
    expected = sum(
        Trainee.unscoped.filter(training_class_id=s.training_class_id).count() for s in sessions
    )
    grouped = attendance_by_trainee(sessions)
    present = sum(
        1 for records in grouped.values() if any(r.kind == AttendanceKind.CHECK_IN for r in records)
    )
    exams = exam_summary(Trainee.unscoped.filter(project=project))
    staff = StaffMember.objects.filter(package__project=project, role=StaffRole.TEACHER)
    recordings = list(Recording.unscoped.filter(session__in=sessions))
    spec = rec.recording_spec(project)
    below = [
        r for r in recordings if r.lines < spec.min_lines or r.frame_rate < spec.min_frame_rate
    ]
    coverages = [rec.coverage(s, [r for r in recordings if r.session_id == s.pk]) for s in sessions]
    scheduled = sum(c.scheduled_seconds for c in coverages)
    covered = sum(c.covered_seconds for c in coverages)
    return {
        "sessions": len(sessions),
        "attendance_expected": expected,
        "attendance_present": present,
        "attendance_rate": _text(percent(present, expected)),
        "exams_taken": exams["taken"],
        "exams_passed": exams["passed"],
        "exam_pass_rate": _text(percent(exams["passed"], exams["taken"])),
        "teachers": staff.count(),
        "teachers_with_certificate": staff.filter(certificate__isnull=False).count(),
        "recordings": len(recordings),
        "recordings_below_spec": len(below),
        "recording_spec": f"≥{spec.min_lines}p, ≥{spec.min_frame_rate:g} fps ({spec.source})",
        "recording_coverage_rate": _text(percent(covered, scheduled)),
    }


def promotion_figures(project, start, end) -> dict:
    """Records of the period by kind, each procured quantity against what the records deliver
    to date (time slot, duration and frequency as procured), and the technical data of the
    period's proofs as read from the files against the procured specification."""
    from apps.implementation.models import PromotionKind, PromotionRecord
    from apps.implementation.proofs import promotion_media_figures
    from apps.implementation.selectors import promotion_totals

    period = PromotionRecord.unscoped.filter(
        project=project, occurred_on__gte=start, occurred_on__lte=end
    )
    by_kind = {
        kind: period.filter(kind=kind).aggregate(n=Sum("quantity"))["n"] or 0
        for kind in PromotionKind.values
    }
    reached = period.aggregate(n=Sum("audience_count"))["n"] or 0
    lines = []
    for entry in promotion_totals(project):
        for line in entry.lines:
            lines.append(
                {
                    "label": line.label,
                    "unit": line.unit,
                    "procured": _text(line.procured),
                    "delivered": line.delivered,
                    "shortfall": _text(line.shortfall),
                    "note": line.note,
                }
            )
    return {
        "media": promotion_media_figures(project, start, end),
        "sessions_in_period": by_kind[PromotionKind.SESSION],
        "broadcasts_in_period": by_kind[PromotionKind.BROADCAST],
        "items_in_period": by_kind[PromotionKind.DISTRIBUTION],
        "people_reached_in_period": reached,
        "quantities": lines,
    }


def inspection_figures(project, start, end) -> dict:
    """The agency's own records of the period: inspections by kind and the questionnaires'
    awareness and satisfaction (sums over the questionnaires)."""
    rows = Inspection.unscoped.filter(project=project, held_on__gte=start, held_on__lte=end)
    by_kind = {kind: rows.filter(kind=kind).count() for kind in InspectionKind.values}
    questionnaires = rows.filter(kind=InspectionKind.QUESTIONNAIRE)
    sums = questionnaires.aggregate(
        respondents=Sum("respondents"), aware=Sum("aware"), satisfied=Sum("satisfied")
    )
    aware_base = questionnaires.filter(aware__isnull=False).aggregate(n=Sum("respondents"))["n"]
    satisfied_base = questionnaires.filter(satisfied__isnull=False).aggregate(n=Sum("respondents"))[
        "n"
    ]
    return {
        "inspections": by_kind,
        "unconfirmed": rows.filter(status="recorded").count(),
        "respondents": sums["respondents"] or 0,
        "awareness_rate": _text(percent(sums["aware"] or 0, aware_base)),
        "satisfaction_rate": _text(percent(sums["satisfied"] or 0, satisfied_base)),
    }


def platform_figures(*, project, start, end) -> dict:
    figures = {
        "read_at": timezone.localtime().isoformat(timespec="seconds"),
        "project_type": project.project_type,
        "supervision": inspection_figures(project, start, end),
    }
    if project.project_type == ProjectType.PROMOTION:
        figures["promotion"] = promotion_figures(project, start, end)
    else:
        figures["training"] = training_figures(project, start, end)
    return figures


def rate(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)
