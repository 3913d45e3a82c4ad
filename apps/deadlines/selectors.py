"""Reads of the deadline engine: whose deadlines, which holiday schedules are known, whose
notifications."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from apps.accounts.roles import GOVERNMENT_ROLES, Role
from apps.jurisdictions.models import JurisdictionLevel

from .calendar import library_covers, library_years
from .models import Deadline, DeadlineStatus, HolidaySchedule, Notification

UPCOMING_DAYS = 14
HOME_CARD_ROWS = 5
OUTSTANDING = (DeadlineStatus.OPEN, DeadlineStatus.OVERDUE)
#: what a row of a deadline list shows besides the deadline
ROW_RELATED = ("rule", "jurisdiction", "project", "owner_organisation")


def deadline_list(*, user) -> QuerySet[Deadline]:
    """Every deadline the user may see (region or participation), with what a row shows (not
    its finding: a prefetch builds a queryset per row, most of a long page's time)."""
    return Deadline.objects.for_user(user).select_related(*ROW_RELATED)


def deadline_rows(keys) -> QuerySet[Deadline]:
    """The rows of a page of deadline keys already read in the user's scope, with what a row
    shows, by primary key alone (no filter the database could pick another index for)."""
    return Deadline.unscoped.select_related(*ROW_RELATED).filter(pk__in=keys)


def deadline_get(*, user, pk: int) -> Deadline:
    """Raises Deadline.DoesNotExist outside the user's scope (a 404, not a 403)."""
    return deadline_list(user=user).prefetch_related("findings").get(pk=pk)


def _responsibility_q(user) -> Q | None:
    """The duties that are the user's to do: a government user those of its role in its region
    (the province office sees its cities' office duties too: it supervises them); an external
    user those of its organisation. None: everything in scope (superuser)."""
    if user.is_superuser:
        return None
    if user.role in GOVERNMENT_ROLES:
        return Q(owner_role=user.role)
    if user.organisation_id:
        return Q(owner_organisation_id=user.organisation_id)
    return Q(pk__in=[])


def _mine(*, user, today: datetime.date) -> QuerySet[Deadline]:
    qs = deadline_list(user=user).filter(
        status__in=OUTSTANDING, due_on__lte=today + datetime.timedelta(days=UPCOMING_DAYS)
    )
    responsibility = _responsibility_q(user)
    return qs if responsibility is None else qs.filter(responsibility)


def deadlines_overdue(*, user, today: datetime.date | None = None) -> QuerySet[Deadline]:
    """The user's overdue deadlines (due date passed, not met — whether or not the daily sweep
    has marked them yet), in the user's scope, oldest first. A queryset: pages read a page."""
    today = today or timezone.localdate()
    return _mine(user=user, today=today).filter(due_on__lt=today).order_by("due_on", "pk")


def deadlines_upcoming(*, user, today: datetime.date | None = None) -> QuerySet[Deadline]:
    """The user's deadlines due today or within the next 14 days, soonest first."""
    today = today or timezone.localdate()
    return _mine(user=user, today=today).filter(due_on__gte=today).order_by("due_on", "pk")


@dataclass(frozen=True)
class DeadlineCard:
    """What the home card shows: how many, and the first few rows only."""

    overdue_count: int
    upcoming_count: int
    rows: list[Deadline]

    @property
    def total(self) -> int:
        return self.overdue_count + self.upcoming_count


def deadline_card(*, user, today: datetime.date | None = None, rows: int = HOME_CARD_ROWS):
    """Two counts and the `rows` most pressing deadlines (overdue first, then the soonest):
    a fixed number of queries whatever the number of deadlines."""
    today = today or timezone.localdate()
    mine = _mine(user=user, today=today)
    counts = mine.aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        upcoming=Count("pk", filter=Q(due_on__gte=today)),
    )
    top = list(mine.order_by("due_on", "pk")[:rows])
    return DeadlineCard(counts["overdue"], counts["upcoming"], top)


def may_edit_holiday_schedules(user) -> bool:
    """Holiday schedules are national and decide every deadline: province-level user
    administrators (and superusers) enter them."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return (
        user.role == Role.USER_ADMIN
        and user.organisation_id is not None
        and user.organisation.jurisdiction.level == JurisdictionLevel.PROVINCE
    )


@dataclass(frozen=True)
class CalendarYear:
    year: int
    source: str  # "entered", "library" or "" (not covered)
    schedule: HolidaySchedule | None


def holiday_schedule_list(*, today: datetime.date | None = None) -> list[CalendarYear]:
    """Last, this and next year, and every year with an entered schedule, newest first, each
    with where its working days come from."""
    today = today or timezone.localdate()
    entered = {schedule.year: schedule for schedule in HolidaySchedule.objects.all()}
    years = set(entered) | {today.year - 1, today.year, today.year + 1}
    return [
        CalendarYear(
            year=year,
            source="entered" if year in entered else "library" if library_covers(year) else "",
            schedule=entered.get(year),
        )
        for year in sorted(years, reverse=True)
    ]


def holiday_schedule_get(*, year: int) -> HolidaySchedule | None:
    return HolidaySchedule.objects.filter(year=year).first()


def calendar_library_years() -> tuple[int, int]:
    return library_years()


def notification_list(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("deadline__rule")


def notification_get(*, user, pk: int) -> Notification:
    """Raises Notification.DoesNotExist for another user's notification."""
    return notification_list(user=user).get(pk=pk)


def unread_notification_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def deadline_home_card(*, user) -> dict:
    """What the home page's deadline card shows."""
    today = timezone.localdate()
    return {
        "deadlines": deadline_card(user=user, today=today),
        "today": today,
        "unread_notifications": unread_notification_count(user=user),
    }
