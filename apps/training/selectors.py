"""Reads of training: what a user may see (scoped, fail-closed), attendance hours, completion
and pass rates (SPEC §5 training)."""

import datetime
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.accounts.roles import Role
from apps.findings.models import Finding, FindingStatus
from apps.projects.models import Project, ProjectStage
from apps.projects.participation import implementer_require

from .models import (
    AttendanceKind,
    AttendanceRecord,
    ExamResult,
    PresenceConfirmation,
    RosterImport,
    Session,
    Trainee,
    TrainingClass,
)

#: Who reads training data: the agency doing it, the offices, member units and HRSS
#: departments of the region (HB §16, §24), the evaluation agency (HB §18). Applicants,
#: experts, auditors and others are refused: rosters hold personal data.
READ_ROLES = frozenset({Role.OFFICE, Role.MEMBER_UNIT, Role.HRSS, Role.IMPLEMENTER, Role.EVALUATOR})


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


def class_get(*, user, pk) -> TrainingClass:
    return _get(TrainingClass.objects.select_related("project", "syllabus_line"), user, pk)


def session_get(*, user, pk) -> Session:
    return _get(Session.objects.select_related("training_class__project"), user, pk)


def trainee_get(*, user, pk) -> Trainee:
    return _get(Trainee.objects.select_related("project", "training_class"), user, pk)


def roster_import_get(*, user, pk) -> RosterImport:
    return _get(RosterImport.objects.select_related("training_class__project"), user, pk)


def confirmation_get(*, user, pk) -> PresenceConfirmation:
    return _get(
        PresenceConfirmation.objects.select_related("session__training_class__project", "trainee"),
        user,
        pk,
    )


def classes_of(*, user, project):
    return (
        TrainingClass.objects.for_user(user).filter(project=project).select_related("syllabus_line")
    )


def is_agency(user, project) -> bool:

    if user.role != Role.IMPLEMENTER:
        return False
    try:
        implementer_require(user=user, project=project)
    except Exception:
        return False
    return project.stage == ProjectStage.IMPLEMENTATION


# --- hours ----------------------------------------------------------------------------------


def class_hour_minutes() -> int:
    return settings.WIPP_TRAINING_CLASS_HOUR_MINUTES


def _outstanding_record_ids(record_ids) -> set[int]:
    if settings.WIPP_TRAINING_COUNT_FLAGGED or not record_ids:
        return set()
    return set(
        Finding.unscoped.filter(
            subject_type=ContentType.objects.get_for_model(AttendanceRecord),
            subject_id__in=list(record_ids),
            status__in=(FindingStatus.OPEN, FindingStatus.ANSWERED),
        ).values_list("subject_id", flat=True)
    )


def session_minutes(session, records) -> tuple[int, list[int]]:
    """Minutes one trainee earned at one session from their counted records: the earliest
    check-in to the latest check-out after it, clipped to the schedule (a check-in before the
    start counts from the start, a check-out after the end to the end)."""
    ins = [r for r in records if r.kind == AttendanceKind.CHECK_IN]
    outs = [r for r in records if r.kind == AttendanceKind.CHECK_OUT]
    if not ins or not outs:
        return 0, []
    first_in = min(ins, key=lambda r: r.recorded_at)
    later_outs = [r for r in outs if r.recorded_at > first_in.recorded_at]
    if not later_outs:
        return 0, []
    last_out = max(later_outs, key=lambda r: r.recorded_at)
    start = max(first_in.recorded_at, session.starts_at)
    end = min(last_out.recorded_at, session.ends_at)
    if end <= start:
        return 0, [first_in.pk, last_out.pk]
    return int((end - start) // datetime.timedelta(minutes=1)), [first_in.pk, last_out.pk]


def minutes_to_hours(minutes: int) -> Decimal:
    hours = Decimal(minutes) / Decimal(class_hour_minutes())
    return hours.quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def attendance_by_trainee(sessions) -> dict:
    """{(trainee_id, session_id): [counted records]} for the sessions."""
    records = list(
        AttendanceRecord.unscoped.filter(session__in=sessions).order_by("recorded_at", "pk")
    )
    flagged = _outstanding_record_ids([r.pk for r in records])
    grouped: dict = {}
    for record in records:
        if record.pk in flagged:
            continue
        grouped.setdefault((record.trainee_id, record.session_id), []).append(record)
    return grouped


def trainee_progress(*, training_class) -> list[dict]:
    """Per trainee of the class: counted minutes, class hours, required offline hours and
    whether the syllabus is met."""
    sessions = list(Session.unscoped.filter(training_class=training_class))
    grouped = attendance_by_trainee(sessions)
    line = training_class.syllabus_line if training_class.syllabus_line_id else None
    required = line.offline_hours if line else None
    online_required = line.online_hours if line else None
    trainees = list(Trainee.unscoped.filter(training_class=training_class).order_by("name", "pk"))
    online = _online_seconds([t.pk for t in trainees])
    rows = []
    for trainee in trainees:
        minutes, record_ids = 0, []
        for session in sessions:
            earned, ids = session_minutes(session, grouped.get((trainee.pk, session.pk), []))
            minutes += earned
            record_ids += ids
        hours = minutes_to_hours(minutes)
        # Online hours: the counted time of the platform's learning records (apps.online).
        online_minutes = online.get(trainee.pk, 0) // 60
        online_hours = minutes_to_hours(online_minutes)
        rows.append(
            {
                "trainee": trainee,
                "minutes": minutes,
                "hours": hours,
                "required": required,
                "online_minutes": online_minutes,
                "online_hours": online_hours,
                "online_required": online_required,
                "complete": required is not None
                and hours >= required
                and (not online_required or online_hours >= online_required),
                "record_ids": record_ids,
            }
        )
    return rows


def _online_seconds(trainee_ids) -> dict[int, int]:
    from django.apps import apps

    if not apps.is_installed("apps.online"):
        return {}
    from apps.online.selectors import online_seconds_by_trainee

    return online_seconds_by_trainee(trainee_ids)


def exam_summary(trainees) -> dict:
    """Latest result per trainee; pass rate over those with a result."""
    latest: dict[int, ExamResult] = {}
    for result in ExamResult.unscoped.filter(trainee__in=trainees).order_by("taken_on", "pk"):
        latest[result.trainee_id] = result
    taken = len(latest)
    passed = sum(1 for r in latest.values() if r.passed)
    return {
        "latest": latest,
        "taken": taken,
        "passed": passed,
        "pass_rate": (Decimal(passed * 100) / taken).quantize(Decimal("0.1")) if taken else None,
    }


def project_summary(*, project) -> dict:
    """Trainees counted once per project (the roster is unique per ID number and project)."""
    trainees = Trainee.unscoped.filter(project=project)
    complete = 0
    total = 0
    for training_class in TrainingClass.unscoped.filter(project=project).select_related(
        "syllabus_line"
    ):
        for row in trainee_progress(training_class=training_class):
            total += 1
            complete += bool(row["complete"])
    exams = exam_summary(trainees)
    return {
        "trainees": total,
        "complete": complete,
        "completion_rate": (Decimal(complete * 100) / total).quantize(Decimal("0.1"))
        if total
        else None,
        "exams_taken": exams["taken"],
        "exams_passed": exams["passed"],
        "pass_rate": exams["pass_rate"],
    }
