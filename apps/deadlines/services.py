"""Writes of the deadline engine: open, meet, cancel, the daily sweep (overdue findings and
reminders) and the holiday schedules the working days are counted with."""

import datetime
import logging
import smtplib

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from apps.accounts.models import Organisation, User
from apps.accounts.roles import GOVERNMENT_ROLES
from apps.batches.services import batch_run
from apps.findings.models import FindingSeverity
from apps.findings.services import finding_raise, findings_resolve_for_subject
from apps.jurisdictions.models import DeadlineRule, Jurisdiction
from apps.projects.models import Project

from .calendar import (
    CalendarNotCovered,
    as_date,
    clear_calendar_cache,
    current_calendar,
    month_end,
    months_between,
)
from .models import (
    Deadline,
    DeadlineStatus,
    HolidaySchedule,
    Notification,
    NotificationKind,
)
from .selectors import may_edit_holiday_schedules

logger = logging.getLogger(__name__)

REMIND_DAYS_DEFAULT = 2
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def remind_days() -> int:
    """How many days before the due date the owner is reminded (WIPP_DEADLINE_REMIND_DAYS)."""
    return int(getattr(settings, "WIPP_DEADLINE_REMIND_DAYS", REMIND_DAYS_DEFAULT))


def deadline_rule_for(*, rule_code: str, jurisdiction: Jurisdiction) -> DeadlineRule:
    """The jurisdiction's own rule, else that of its nearest ancestor that has one."""
    chain = []
    node = jurisdiction
    while node is not None:
        chain.append(node)
        node = node.parent
    rules = {
        rule.jurisdiction_id: rule
        for rule in DeadlineRule.objects.filter(
            code=rule_code, jurisdiction__in=chain
        ).select_related("jurisdiction")
    }
    for node in chain:
        if node.pk in rules:
            return rules[node.pk]
    raise ValidationError(
        gettext("No deadline rule “%(code)s” applies in %(jurisdiction)s.")
        % {"code": rule_code, "jurisdiction": jurisdiction}
    )


@transaction.atomic
def deadline_open(
    *,
    rule_code: str,
    jurisdiction: Jurisdiction,
    subject,
    starts_on: datetime.date,
    owner_role: str,
    owner_organisation: Organisation | None = None,
    project: Project | None = None,
) -> Deadline:
    """Starts the clock of a rule for an event (`starts_on`) on a subject. The due date is
    counted in statutory working days or calendar days as the rule says; a year without a
    known holiday schedule is an error, never a Monday–Friday guess."""
    rule = deadline_rule_for(rule_code=rule_code, jurisdiction=jurisdiction)
    starts_on = as_date(starts_on)
    try:
        due_on = current_calendar().due_date(rule, starts_on)
    except CalendarNotCovered as exc:
        raise ValidationError(exc.message, code="calendar_not_covered") from exc
    if project is None and isinstance(subject, Project):
        project = subject
    deadline = Deadline(
        rule=rule,
        jurisdiction=jurisdiction,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        subject_label=str(subject)[:300],
        project=project,
        starts_on=starts_on,
        due_on=due_on,
        owner_role=owner_role,
        owner_organisation=owner_organisation,
    )
    deadline.full_clean()
    deadline.save()
    return deadline


@transaction.atomic
def deadlines_open_monthly(
    *,
    rule_code: str,
    jurisdiction: Jurisdiction,
    first_day: datetime.date,
    last_day: datetime.date,
    subject_for,
    owner_role: str,
    owner_organisation: Organisation | None = None,
    project: Project | None = None,
) -> list[Deadline]:
    """A recurring monthly duty (HB §14 月度项目进度): one deadline per month from
    `first_day`'s month to `last_day`'s, each starting on the month's last day (the month is
    over) and due as the rule counts from there — 10 calendar days is the 10th of the next
    month. `subject_for(month)` (the month's first day) gives the row that month's duty is
    about, so that each month has its own status and, when missed, its own finding through
    the sweep. A month whose subject already has a deadline of the rule (in any status) is
    left alone: calling again opens only the months that are new. Months whose due date falls
    in a year without a known holiday schedule are not guessed: opening stops there and a
    later call (once the schedule is entered) opens them. Returns the new ones."""
    opened = []
    for month in months_between(first_day, last_day):
        subject = subject_for(month)
        exists = Deadline.unscoped.filter(
            rule__code=rule_code,
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
        ).exists()
        if exists:
            continue
        try:
            deadline = deadline_open(
                rule_code=rule_code,
                jurisdiction=jurisdiction,
                subject=subject,
                starts_on=month_end(month),
                owner_role=owner_role,
                owner_organisation=owner_organisation,
                project=project,
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "calendar_not_covered":
                break
            raise
        opened.append(deadline)
    return opened


def _require_outstanding(deadline: Deadline) -> None:
    if not deadline.is_outstanding:
        raise ValidationError(
            gettext("This deadline is already closed (%(status)s).")
            % {"status": deadline.get_status_display()}
        )


@transaction.atomic
def deadline_meet(*, deadline: Deadline, met_at: datetime.datetime | None = None) -> Deadline:
    """Records that the duty was done. Done after the due date (local time) it is met late;
    a finding already raised for it stays."""
    _require_outstanding(deadline)
    met_at = met_at or timezone.now()
    deadline.status = DeadlineStatus.MET
    deadline.met_at = met_at
    deadline.late = as_date(met_at) > deadline.due_on
    deadline.save(update_fields=["status", "met_at", "late"])
    return deadline


@transaction.atomic
def deadline_cancel(*, deadline: Deadline, reason: str) -> Deadline:
    """The duty no longer applies (e.g. the project was withdrawn); the reason is kept."""
    _require_outstanding(deadline)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"cancelled_reason": gettext("Give the reason for cancelling.")})
    deadline.status = DeadlineStatus.CANCELLED
    deadline.cancelled_reason = reason[:300]
    deadline.save(update_fields=["status", "cancelled_reason"])
    # The duty is gone, so is what its miss found; the finding's history keeps why.
    findings_resolve_for_subject(subject=deadline, rule_code=MISSED_DEADLINE, note=reason[:300])
    return deadline


def _platform_language():
    """Stored texts (findings, notifications, e-mails) are written in the platform's language,
    whoever triggered them."""
    return translation.override(settings.LANGUAGE_CODE)


def _finding_message(deadline: Deadline) -> str:
    return gettext(
        "%(rule)s for “%(subject)s” was due on %(due)s and was not met (%(source)s)."
    ) % {
        "rule": deadline.rule.label,
        "subject": deadline.subject_label,
        "due": deadline.due_on.isoformat(),
        "source": deadline.rule.source,
    }


MISSED_DEADLINE = "deadline_missed"


SWEEP_CHUNK = 50


def deadlines_mark_overdue(*, today: datetime.date | None = None) -> list:
    """Every open deadline whose due date has passed becomes overdue, with one finding (through
    the findings engine) that names the rule, the subject, the due date and where the rule
    comes from (SPEC §5); whoever holds the duty must answer it. In transactions of
    `SWEEP_CHUNK` deadlines with the sweep's progress (apps.batches): a sweep stopped midway
    leaves the marked ones marked, and the next sweep goes on with the rest."""
    today = today or timezone.localdate()
    now = timezone.now()
    findings = []
    missed = Deadline.unscoped.filter(status=DeadlineStatus.OPEN, due_on__lt=today).select_related(
        "rule", "jurisdiction", "owner_organisation"
    )

    def mark(deadline):
        deadline.status = DeadlineStatus.OVERDUE
        deadline.missed_at = now
        deadline.save(update_fields=["status", "missed_at"])
        findings.append(_missed_finding(deadline))

    with _platform_language():
        batch_run(
            kind="deadline_overdue",
            key=today.isoformat(),
            items=missed,
            work=mark,
            chunk=SWEEP_CHUNK,
        )
    return findings


def _missed_finding(deadline: Deadline):
    return finding_raise(
        rule_code=MISSED_DEADLINE,
        citation=deadline.rule.source or deadline.rule.code,
        severity=FindingSeverity.MAJOR,
        subject=deadline,
        message=_finding_message(deadline),
        owner_role=deadline.owner_role,
        owner_organisation=deadline.owner_organisation,
        records=[{"what": "deadline", "rule": deadline.rule.code, "due": str(deadline.due_on)}],
    )


@transaction.atomic
def deadline_late_finding(*, deadline: Deadline):
    """The finding of a duty met after its due date before a sweep found it missed (a package
    uploaded 3 days before the start when 7 were due): the same finding the sweep raises, once.
    None for a deadline that was not met late."""
    if not deadline.late:
        return None
    with _platform_language():
        return _missed_finding(deadline)


def deadline_recipients(deadline: Deadline):
    """Active users who hold the duty: the owner organisation's users with the owner role, or,
    for a government duty without an organisation, that role's users of the jurisdiction."""
    users = User.unscoped.filter(
        is_active=True, role=deadline.owner_role, organisation__is_active=True
    )
    if deadline.owner_organisation_id:
        return users.filter(organisation_id=deadline.owner_organisation_id)
    if deadline.owner_role in GOVERNMENT_ROLES:
        return users.filter(organisation__jurisdiction_id=deadline.jurisdiction_id)
    return users.none()


def _reminder_kind(deadline: Deadline, today: datetime.date) -> str:
    if deadline.status == DeadlineStatus.OVERDUE:
        return NotificationKind.OVERDUE
    if deadline.due_on == today:
        return NotificationKind.DUE
    return NotificationKind.BEFORE


def _reminder_message(deadline: Deadline, kind: str, today: datetime.date) -> str:
    values = {
        "rule": deadline.rule.label,
        "subject": deadline.subject_label,
        "due": deadline.due_on.isoformat(),
        "source": deadline.rule.source,
    }
    if kind == NotificationKind.OVERDUE:
        return gettext("Missed: %(rule)s for “%(subject)s” was due on %(due)s (%(source)s).") % (
            values
        )
    if kind == NotificationKind.DUE:
        return gettext("Due today: %(rule)s for “%(subject)s” (%(source)s).") % values
    days = (deadline.due_on - today).days
    return ngettext(
        "Due in %(days)d day: %(rule)s for “%(subject)s”, due on %(due)s (%(source)s).",
        "Due in %(days)d days: %(rule)s for “%(subject)s”, due on %(due)s (%(source)s).",
        days,
    ) % {**values, "days": days}


def email_configured() -> bool:
    """E-mail goes out when a backend other than Django's default SMTP one is set, or SMTP
    with a host other than the default "localhost"."""
    return settings.EMAIL_BACKEND != SMTP_BACKEND or settings.EMAIL_HOST != "localhost"


def _email(notification: Notification) -> None:
    subject = gettext("[WIPP] %(kind)s") % {"kind": notification.get_kind_display()}
    try:
        sent = send_mail(subject, notification.message, None, [notification.recipient.email])
    except (smtplib.SMTPException, OSError):
        logger.warning("reminder e-mail to user %s failed", notification.recipient_id)
        return
    if sent:
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])


def _not_reminded(kind: str):
    return ~Exists(Notification.objects.filter(deadline=OuterRef("pk"), kind=kind))


def reminders_due(*, today: datetime.date):
    """The deadlines that owe a reminder today and have not had it: due within the window and
    never reminded as approaching, due today and never reminded as due, overdue and never
    reminded as missed. What was reminded once is not read again by later sweeps."""
    window_end = today + datetime.timedelta(days=remind_days())
    return Deadline.unscoped.filter(
        (
            Q(status=DeadlineStatus.OPEN, due_on__gt=today, due_on__lte=window_end)
            & _not_reminded(NotificationKind.BEFORE)
        )
        | (Q(status=DeadlineStatus.OPEN, due_on=today) & _not_reminded(NotificationKind.DUE))
        | (Q(status=DeadlineStatus.OVERDUE) & _not_reminded(NotificationKind.OVERDUE))
    ).select_related("rule")


def deadline_reminders_send(*, today: datetime.date | None = None) -> list[Notification]:
    """In-app reminders — WIPP_DEADLINE_REMIND_DAYS before the due date, on the day, and once
    overdue — to the users who hold each duty, by e-mail too where an address is known and
    e-mail is configured. Each user gets each kind of reminder of a deadline once (a database
    constraint), so a repeated or retried sweep reminds nobody twice; and a deadline already
    reminded of its current kind is not read again (`reminders_due`). In transactions of
    `SWEEP_CHUNK` deadlines with progress, resumable. Returns the new ones."""
    today = today or timezone.localdate()
    recipients_by_holder: dict[tuple, list[User]] = {}
    sent = []
    send_email = email_configured()

    def remind(deadline):
        holder = (deadline.owner_role, deadline.owner_organisation_id, deadline.jurisdiction_id)
        if holder not in recipients_by_holder:
            recipients_by_holder[holder] = list(deadline_recipients(deadline))
        kind = _reminder_kind(deadline, today)
        message = _reminder_message(deadline, kind, today)
        for user in recipients_by_holder[holder]:
            notification, created = Notification.objects.get_or_create(
                recipient=user, deadline=deadline, kind=kind, defaults={"message": message}
            )
            if not created:
                continue
            sent.append(notification)
            if send_email and user.email:
                transaction.on_commit(lambda n=notification: _email(n))

    with _platform_language():
        batch_run(
            kind="deadline_reminders",
            key=today.isoformat(),
            items=reminders_due(today=today),
            work=remind,
            chunk=SWEEP_CHUNK,
        )
    return sent


@transaction.atomic
def notification_mark_read(*, user, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    unread = list(Notification.objects.filter(recipient=user, read_at__isnull=True))
    now = timezone.now()
    for notification in unread:
        notification.read_at = now
        notification.save(update_fields=["read_at"])
    return len(unread)


@transaction.atomic
def holiday_schedule_save(
    *, user, year: int, holidays: list, working_weekends: list, source: str
) -> HolidaySchedule:
    """Enters or corrects one year's holiday schedule as the State Council announced it. Only
    a province-level user administrator (or a superuser) may: the schedule is national and
    decides every deadline of the installation. It replaces the library's data for that year."""
    if not may_edit_holiday_schedules(user):
        raise PermissionDenied(
            gettext("Only a province-level user administrator enters holiday schedules.")
        )
    schedule = HolidaySchedule.objects.filter(year=year).first() or HolidaySchedule(year=year)
    schedule.holidays = list(holidays)
    schedule.working_weekends = list(working_weekends)
    schedule.source = source.strip()
    schedule.entered_by = user
    schedule.full_clean()
    schedule.save()
    # This process reads the new schedule at once; other processes once their cache expires
    # or, for this one, once the transaction has committed (a read in between cached the old).
    clear_calendar_cache()
    transaction.on_commit(clear_calendar_cache)
    return schedule
