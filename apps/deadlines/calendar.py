"""Statutory working days (法定工作日) and due dates. Pure logic; the database is read only
through `load_calendar()`.

What a working day is (SPEC §3): Monday to Friday, minus the public holidays (法定节假日及其
调休放假日), plus the adjusted working weekends (调休上班日). The State Council publishes each
year's schedule in the autumn before (国务院办公厅关于××年部分节假日安排的通知).

Where the schedule comes from, in this order:

1. a `HolidaySchedule` that a province administrator entered for that year — it replaces the
   library's data for the whole year (a correction or a year the library does not know yet);
2. the installed `chinesecalendar` release, for the years it covers (1.11: 2004–2026);
3. otherwise `CalendarNotCovered`: never a silent Monday–Friday guess.

Coverage is checked per date actually examined, so a count that starts in a covered year and
reaches into an uncovered one fails at the first uncovered date it looks at.

Counting convention (法定期间的计算): the day of the event is not counted; the period starts
the next day (民法典第二百零一条「开始的当日不计入，自下一日开始计算」). So HB §11's
"中标后5个工作日内审核实施方案" is due on the 5th working day *after* the award, whatever day
of the week the award fell on, and "15日内" is due on the event date + 15 calendar days. The
due date is the last day on which the duty is still met. A calendar-day period whose last
day is a statutory holiday or rest day ends on the next working day (民法典第二百零三条「期间
的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日」), rule by rule as the rules
data says (`rolls_over_holidays`).
"""

import datetime
import functools
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import chinese_calendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

CACHE_SECONDS_DEFAULT = 60


class CalendarNotCovered(ValueError):
    """No holiday schedule is known for a year the computation needs."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(year)

    @property
    def message(self) -> str:
        return gettext(
            "The statutory working days of %(year)s are not known: no holiday schedule has been "
            "entered for %(year)s and the installed calendar data does not cover it. A "
            "province administrator must enter the %(year)s holiday schedule announced by the "
            "State Council before deadlines in %(year)s can be computed."
        ) % {"year": self.year}

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class YearSchedule:
    """One year's announced schedule: days off (any weekday) and working weekends."""

    year: int
    holidays: frozenset[datetime.date]
    working_weekends: frozenset[datetime.date]


def as_date(day) -> datetime.date:
    """A date as is; a datetime as its local date (Asia/Shanghai)."""
    if isinstance(day, datetime.datetime):
        return timezone.localdate(day) if timezone.is_aware(day) else day.date()
    if not isinstance(day, datetime.date):
        raise TypeError(f"expected a date, got {type(day).__name__}")
    return day


class WorkingCalendar:
    """Answers "is this a statutory working day?" from entered schedules and the library."""

    def __init__(self, schedules: Mapping[int, YearSchedule] | None = None):
        self.schedules = dict(schedules or {})

    def is_working_day(self, day) -> bool:
        day = as_date(day)
        schedule = self.schedules.get(day.year)
        if schedule is not None:
            if day in schedule.working_weekends:
                return True
            return day.weekday() < 5 and day not in schedule.holidays
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError as exc:  # the library's "no available data for year …"
            raise CalendarNotCovered(day.year) from exc

    def add_working_days(self, start, n: int) -> datetime.date:
        """The n-th working day after `start` (before it, for negative n); `start` itself is
        never counted, whether or not it is a working day. n = 0 gives `start`."""
        day = as_date(start)
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        while remaining:
            day += datetime.timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def next_working_day_from(self, day) -> datetime.date:
        """`day` itself if it is a working day, else the first working day after it."""
        day = as_date(day)
        while not self.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day

    def due_date(self, rule, start) -> datetime.date:
        """The due date of a DeadlineRule-like object (code, days, unit, before_event) for an
        event.

        For `before_event` rules ("at least one week before the start", HB §13) the result is
        the last day on which the duty is met: start − days. A calendar-day period counted
        forward whose last day is a statutory holiday or rest day ends on the next working
        day (民法典第二百零三条) when the rule says so — see `rolls_over_holidays`.
        """
        start = as_date(start)
        days = int(rule.days)
        if rule.unit == "working":
            return self.add_working_days(start, -days if rule.before_event else days)
        if rule.unit != "calendar":
            raise ValueError(f"unknown day unit {rule.unit!r}")
        if rule.before_event:
            return subtract_calendar_days(start, days)
        due = add_calendar_days(start, days)
        if rolls_over_holidays(rule):
            due = self.next_working_day_from(due)
        return due


RULES_FILE = (
    Path(__file__).resolve().parent.parent / "jurisdictions" / "data" / "deadline_rules.json"
)


@functools.cache
def _rules_data() -> dict[str, dict]:
    rules = json.loads(RULES_FILE.read_text(encoding="utf-8"))["rules"]
    return {rule["code"]: rule for rule in rules}


def rolls_over_holidays(rule) -> bool:
    """Whether a calendar-day rule counted forward ends on the next working day when its last
    day is a holiday or rest day (民法典第二百零三条).

    Per rule, in this order: the rule object's own `roll_over_holidays` if it has one; else
    the rule's entry in apps/jurisdictions/data/deadline_rules.json — its
    `roll_over_holidays`, on when the entry does not say (the Civil Code's default); only for
    a rule the data file does not know, the installation-wide WIPP_DEADLINE_ROLL_OVER_HOLIDAYS
    setting. So the per-rule data wins over the setting. Working-day rules end on a working day
    anyway; rules counted back from an event never move (that would shorten the notice)."""
    if rule.unit != "calendar" or rule.before_event:
        return False
    stated = getattr(rule, "roll_over_holidays", None)
    if stated is None:
        entry = _rules_data().get(getattr(rule, "code", None))
        if entry is not None:
            stated = entry.get("roll_over_holidays", True)
    if stated is None:
        return bool(getattr(settings, "WIPP_DEADLINE_ROLL_OVER_HOLIDAYS", False))
    return bool(stated)


def add_calendar_days(start, n: int) -> datetime.date:
    return as_date(start) + datetime.timedelta(days=n)


def subtract_calendar_days(start, n: int) -> datetime.date:
    return as_date(start) - datetime.timedelta(days=n)


def month_start(day) -> datetime.date:
    """The first day of the month `day` is in."""
    return as_date(day).replace(day=1)


def month_end(day) -> datetime.date:
    """The last day of the month `day` is in."""
    first = month_start(day)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return following - datetime.timedelta(days=1)


def months_between(first, last) -> list[datetime.date]:
    """The first days of the months from `first`'s month to `last`'s, both included."""
    month, end = month_start(first), month_start(last)
    months = []
    while month <= end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


@functools.cache
def library_years() -> tuple[int, int]:
    """First and last year of the installed chinesecalendar data."""
    years = [day.year for day in chinese_calendar.holidays]
    return min(years), max(years)


def library_covers(year: int) -> bool:
    first, last = library_years()
    return first <= year <= last


# --- entered schedules, from the database ------------------------------------------------------


def load_calendar() -> WorkingCalendar:
    """A calendar with every entered schedule, read now (one query). Services use this."""
    from .models import HolidaySchedule

    schedules = {}
    for row in HolidaySchedule.objects.all():
        schedules[row.year] = YearSchedule(
            year=row.year,
            holidays=frozenset(row.holiday_dates()),
            working_weekends=frozenset(row.working_weekend_dates()),
        )
    return WorkingCalendar(schedules)


_cache_lock = threading.Lock()
_cached: tuple[float, WorkingCalendar] | None = None


def current_calendar() -> WorkingCalendar:
    """`load_calendar()` cached per process for WIPP_CALENDAR_CACHE_SECONDS (default 60), for
    callers that ask many single-day questions. Saving a schedule clears this process's cache;
    other processes see the change within the cache time."""
    global _cached
    ttl = getattr(settings, "WIPP_CALENDAR_CACHE_SECONDS", CACHE_SECONDS_DEFAULT)
    now = time.monotonic()
    with _cache_lock:
        if _cached is not None and now - _cached[0] < ttl:
            return _cached[1]
    calendar = load_calendar()
    with _cache_lock:
        _cached = (now, calendar)
    return calendar


def clear_calendar_cache() -> None:
    global _cached
    with _cache_lock:
        _cached = None
