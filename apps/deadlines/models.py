"""Deadlines of the measures (HB §11, §13, §23; SZ 6.5), the holiday schedules they are counted
with, the findings a missed deadline raises and the in-app reminders."""

import datetime

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.core.ownership import OwnedModel, ProjectOwnedModel, participant_projects_q
from apps.core.scoping import Scope


def _parse_dates(values, *, year: int, field_errors: list) -> list[datetime.date]:
    if not isinstance(values, list):
        field_errors.append(gettext("Give a list of dates."))
        return []
    dates = set()
    for value in values:
        try:
            day = datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            field_errors.append(
                gettext("“%(value)s” is not a date; write dates as YYYY-MM-DD.") % {"value": value}
            )
            continue
        if day.year != year:
            field_errors.append(
                gettext("%(date)s is not in %(year)s.") % {"date": day.isoformat(), "year": year}
            )
            continue
        dates.add(day)
    return sorted(dates)


class HolidaySchedule(models.Model):
    """节假日安排 — one year's public holidays and adjusted working weekends (调休), as the State
    Council announced them. Entered by a province administrator; it replaces the calendar
    library's data for its whole year, and is what the deadline engine then counts with."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    holidays = models.JSONField(
        _("holidays"),
        default=list,
        help_text=_(
            "The days off of the year's holiday periods (their weekend days may be listed too), "
            "as YYYY-MM-DD."
        ),
    )
    working_weekends = models.JSONField(
        _("adjusted working days"),
        default=list,
        blank=True,
        help_text=_("Saturdays and Sundays that are working days (调休上班)."),
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        help_text=_("The State Council General Office notice, e.g. 国办发明电〔2026〕7号."),
    )
    entered_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("holiday schedule")
        verbose_name_plural = _("holiday schedules")

    def __str__(self) -> str:
        return f"{self.year} · {self.source}"

    def clean(self):
        super().clean()
        if self.year is None:
            return
        errors: dict[str, list[str]] = {"holidays": [], "working_weekends": []}
        holidays = _parse_dates(self.holidays, year=self.year, field_errors=errors["holidays"])
        working = _parse_dates(
            self.working_weekends, year=self.year, field_errors=errors["working_weekends"]
        )
        if not holidays and not errors["holidays"]:
            errors["holidays"].append(gettext("Enter the holidays of the year."))
        for day in working:
            if day.weekday() < 5:
                errors["working_weekends"].append(
                    gettext(
                        "%(date)s is a %(weekday)s: only a Saturday or Sunday can be an "
                        "adjusted working day."
                    )
                    % {"date": day.isoformat(), "weekday": WEEKDAYS[day.weekday()]}
                )
        both = sorted(set(holidays) & set(working))
        if both:
            errors["working_weekends"].append(
                gettext("%(dates)s cannot be both a holiday and a working day.")
                % {"dates": "、".join(d.isoformat() for d in both)}
            )
        errors = {field: messages for field, messages in errors.items() if messages}
        if errors:
            raise ValidationError(errors)
        self.holidays = [d.isoformat() for d in holidays]
        self.working_weekends = [d.isoformat() for d in working]

    def holiday_dates(self) -> list[datetime.date]:
        return [datetime.date.fromisoformat(v) for v in self.holidays]

    def working_weekend_dates(self) -> list[datetime.date]:
        return [datetime.date.fromisoformat(v) for v in self.working_weekends]


class DeadlineStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    OVERDUE = "overdue", _("Overdue")
    CANCELLED = "cancelled", _("Cancelled")


class Deadline(ProjectOwnedModel):
    """期限 — one duty with a due date, started by an event on a subject (a project, a
    contract, an acceptance…), owned by a role (and, where known, an organisation).

    Status: open → met (on time, or late with `late=True`), open → overdue (the due date passed
    unmet; a finding is raised) → met (late), open/overdue → cancelled (with a reason).
    """

    project_lookup = "project"

    rule = models.ForeignKey(
        "jurisdictions.DeadlineRule",
        verbose_name=_("rule"),
        on_delete=models.PROTECT,
        related_name="deadlines",
    )
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="deadlines",
    )
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_label = models.CharField(_("subject"), max_length=300)
    findings = GenericRelation(
        "findings.Finding", content_type_field="subject_type", object_id_field="subject_id"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deadlines",
    )
    starts_on = models.DateField(_("start event on"))
    due_on = models.DateField(_("due on"))
    owner_role = models.CharField(_("owner role"), max_length=20, choices=Role.choices)
    owner_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("owner organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deadlines",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN
    )
    late = models.BooleanField(_("met late"), default=False)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    missed_at = models.DateTimeField(_("found missed at"), null=True, blank=True)
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            models.Index(fields=["status", "due_on"]),
            # "my deadlines": a role's outstanding duties by due date in a region, counted and
            # sorted from the index alone
            models.Index(fields=["owner_role", "status", "due_on", "jurisdiction"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_type", "subject_id"],
                condition=Q(status="open"),
                name="one_open_deadline_per_rule_and_subject",
                violation_error_message=_("This deadline is already running for this item."),
            ),
            models.CheckConstraint(
                condition=~Q(status="met") | Q(met_at__isnull=False),
                name="met_deadline_has_time",
                violation_error_message=_("A met deadline needs the time it was met."),
            ),
            models.CheckConstraint(
                condition=Q(late=False) | Q(status="met"),
                name="only_met_deadline_is_late",
                violation_error_message=_("Only a met deadline can be marked late."),
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancelled_reason=""),
                name="cancelled_deadline_has_reason",
                violation_error_message=_("Give the reason for cancelling the deadline."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule.label} · {self.subject_label} · {self.due_on.isoformat()}"

    @classmethod
    def external_filter(cls, scope: Scope) -> Q | None:
        if not scope.participant:
            return None
        # An organisation always sees the duties it owns; the deadlines of the projects it takes
        # part in only once it is cleared to see project data (HB §25).
        condition = Q(owner_organisation_id=scope.organisation_id) if scope.organisation_id else Q()
        if scope.cleared:
            condition |= participant_projects_q("project", scope)
        return condition or None

    @property
    def is_outstanding(self) -> bool:
        return self.status in (DeadlineStatus.OPEN, DeadlineStatus.OVERDUE)

    @property
    def finding(self):
        """The finding its miss raised (the findings engine keeps one per deadline); read from
        a `prefetch_related("findings")` where lists show it."""
        return next(iter(self.findings.all()), None)


class NotificationKind(models.TextChoices):
    BEFORE = "before", _("Deadline approaching")
    DUE = "due", _("Deadline due today")
    OVERDUE = "overdue", _("Deadline missed")
    DECISION = "decision", _("Decision")
    OTHER = "other", _("Notice")


class Notification(OwnedModel):
    """站内通知 — an in-app message to one user, e.g. a deadline reminder."""

    recipient = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notifications"
    )
    deadline = models.ForeignKey(
        Deadline, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=NotificationKind.choices, default=NotificationKind.OTHER
    )
    message = models.CharField(_("message"), max_length=500)
    #: the page of the object the message is about ("" when there is none to open)
    link = models.CharField(_("link"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            # A retried reminder task does not remind twice.
            models.UniqueConstraint(
                fields=["recipient", "deadline", "kind"],
                condition=Q(deadline__isnull=False),
                name="one_reminder_per_kind",
                violation_error_message=_("This reminder has already been sent."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.message}"[:300]

    jurisdiction_lookup = "deadline__jurisdiction"
    project_lookup = "deadline__project"
