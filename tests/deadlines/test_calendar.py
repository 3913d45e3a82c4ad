"""Statutory working days: the chinesecalendar data for the years it covers, an entered
schedule for the others, and a clear error — never a Monday–Friday guess — in between."""

import datetime
from types import SimpleNamespace

import chinese_calendar
import pytest

from apps.deadlines.calendar import CalendarNotCovered, WorkingCalendar, load_calendar
from tests.deadlines.factories import (
    FIXTURE_2027_HOLIDAYS,
    FIXTURE_2027_WORKING_WEEKENDS,
    HolidayScheduleFactory,
)

D = datetime.date


def days(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


def reference_add_working_days(start: datetime.date, n: int) -> datetime.date:
    """An independent count straight from chinese_calendar.is_workday."""
    day, counted = start, 0
    while counted < n:
        day += datetime.timedelta(days=1)
        counted += chinese_calendar.is_workday(day)
    return day


def rule(days_: int, unit: str, before_event: bool = False):
    return SimpleNamespace(days=days_, unit=unit, before_event=before_event)


HOLIDAY_SEASONS = {
    "2025 Spring Festival": (D(2025, 1, 15), D(2025, 2, 20)),
    "2025 National Day": (D(2025, 9, 20), D(2025, 10, 20)),
    "2026 Spring Festival": (D(2026, 2, 5), D(2026, 3, 10)),
    "2026 National Day": (D(2026, 9, 15), D(2026, 10, 20)),
}


@pytest.mark.parametrize("season", HOLIDAY_SEASONS)
def test_every_day_of_the_holiday_seasons_agrees_with_chinese_calendar(season):
    first, last = HOLIDAY_SEASONS[season]
    calendar = WorkingCalendar()
    for day in days(first, last):
        assert calendar.is_working_day(day) == chinese_calendar.is_workday(day), day


@pytest.mark.parametrize("season", HOLIDAY_SEASONS)
@pytest.mark.parametrize("n", [1, 2, 5, 10])
def test_counting_working_days_from_every_day_of_the_seasons_matches_the_reference(season, n):
    first, last = HOLIDAY_SEASONS[season]
    calendar = WorkingCalendar()
    for start in days(first, last):
        assert calendar.add_working_days(start, n) == reference_add_working_days(start, n), start


ADJUSTED_WORKING_WEEKENDS = [
    *(D(2025, 1, 26), D(2025, 2, 8), D(2025, 9, 28), D(2025, 10, 11)),
    *(D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 9, 20), D(2026, 10, 10)),
]


@pytest.mark.parametrize("day", ADJUSTED_WORKING_WEEKENDS)
def test_adjusted_working_weekends_are_working_days(day):
    assert day.weekday() >= 5
    assert WorkingCalendar().is_working_day(day)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # Award on Friday 2025-01-24: Sun 26th (调休) 1, Mon 27th 2, 28th–4th off, 5th–7th.
        (D(2025, 1, 24), 5, D(2025, 2, 7)),
        # Thursday 2025-02-06: Fri 7th 1, Sat 8th (调休) 2.
        (D(2025, 2, 6), 2, D(2025, 2, 8)),
        # Award on Friday 2025-09-26: Sun 28th (调休) 1, 29th 2, 30th 3, 1st–8th off, 9th, 10th.
        (D(2025, 9, 26), 5, D(2025, 10, 10)),
        # Thursday 2025-10-09: Fri 10th 1, Sat 11th (调休) 2.
        (D(2025, 10, 9), 2, D(2025, 10, 11)),
        # Friday 2026-02-13: Sat 14th (调休) 1, 15th–23rd off, 24th–27th.
        (D(2026, 2, 13), 5, D(2026, 2, 27)),
        # Thursday 2026-02-26: Fri 27th 1, Sat 28th (调休) 2.
        (D(2026, 2, 26), 2, D(2026, 2, 28)),
        # Friday 2026-09-18: Sun 20th (调休) 1, 21st–24th (25th is 中秋).
        (D(2026, 9, 18), 5, D(2026, 9, 24)),
        # Tuesday 2026-09-29: 30th 1, 1st–7th off, 8th 2, 9th 3, Sat 10th (调休) 4, Mon 12th 5.
        (D(2026, 9, 29), 5, D(2026, 10, 12)),
    ],
)
def test_working_day_due_dates_across_the_holidays(start, n, due):
    assert WorkingCalendar().due_date(rule(n, "working"), start) == due


def test_the_event_day_is_never_counted():
    # Award on a Saturday of the National Day holiday or on a working Monday: the count
    # starts the next day either way.
    assert WorkingCalendar().add_working_days(D(2025, 10, 4), 1) == D(2025, 10, 9)
    assert WorkingCalendar().add_working_days(D(2025, 10, 13), 1) == D(2025, 10, 14)


def test_calendar_days_are_plain_days_before_and_after():
    calendar = WorkingCalendar()
    assert calendar.due_date(rule(15, "calendar"), D(2025, 9, 16)) == D(2025, 10, 1)
    assert calendar.due_date(rule(7, "calendar", True), D(2025, 10, 20)) == D(2025, 10, 13)


def test_calendar_day_deadlines_roll_over_a_holiday_when_the_setting_says_so(settings):
    settings.WIPP_DEADLINE_ROLL_OVER_HOLIDAYS = True
    # 15 days after 2025-09-16 is 1 October: the next working day is 9 October.
    assert WorkingCalendar().due_date(rule(15, "calendar"), D(2025, 9, 16)) == D(2025, 10, 9)


def test_an_uncovered_year_raises_a_clear_error():
    calendar = WorkingCalendar()
    # 29–31 December 2026 are known; 1 January 2027 is not.
    with pytest.raises(CalendarNotCovered) as exc:
        calendar.add_working_days(D(2026, 12, 28), 5)
    assert exc.value.year == 2027
    assert "2027" in exc.value.message
    assert "holiday schedule" in exc.value.message


def test_a_count_that_stays_in_a_covered_year_needs_nothing_more():
    assert WorkingCalendar().add_working_days(D(2026, 12, 28), 3) == D(2026, 12, 31)


@pytest.mark.django_db
def test_an_entered_2027_schedule_is_counted_with():
    HolidayScheduleFactory()
    calendar = load_calendar()
    holidays = {D.fromisoformat(v) for v in FIXTURE_2027_HOLIDAYS}
    working_weekends = {D.fromisoformat(v) for v in FIXTURE_2027_WORKING_WEEKENDS}
    for day in days(D(2027, 1, 1), D(2027, 12, 31)):
        expected = day in working_weekends or (day.weekday() < 5 and day not in holidays)
        assert calendar.is_working_day(day) == expected, day
    # 29th, 30th, 31st December; 1st–3rd January off; Monday 4th, Tuesday 5th.
    assert calendar.add_working_days(D(2026, 12, 28), 5) == D(2027, 1, 5)
    # Spring festival of the fixture: 6th–14th February off, Saturday 20th worked.
    assert calendar.add_working_days(D(2027, 2, 5), 5) == D(2027, 2, 19)
    assert calendar.add_working_days(D(2027, 2, 18), 2) == D(2027, 2, 20)


@pytest.mark.django_db
def test_an_entered_schedule_replaces_the_library_for_its_year():
    # A correction: 2025-10-10 declared a day off, 2025-10-11 no longer worked.
    holidays = [
        d.isoformat()
        for d in chinese_calendar.get_holidays(
            D(2025, 1, 1), D(2025, 12, 31), include_weekends=False
        )
    ]
    HolidayScheduleFactory(
        year=2025,
        holidays=[*holidays, "2025-10-10"],
        working_weekends=["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28"],
    )
    calendar = load_calendar()
    assert not calendar.is_working_day(D(2025, 10, 10))
    assert not calendar.is_working_day(D(2025, 10, 11))
    assert calendar.is_working_day(D(2025, 9, 28))
    assert calendar.is_working_day(D(2026, 2, 14))  # other years still from the library


# --- Civil Code art. 203: a calendar-day period ends on a working day, rule by rule ----------


def data_rule(code: str):
    """A rule as the rules data defines it (apps/jurisdictions/data/deadline_rules.json)."""
    from apps.deadlines.calendar import _rules_data

    entry = _rules_data()[code]
    return SimpleNamespace(
        code=code,
        days=entry["days"],
        unit=entry["unit"],
        before_event=entry.get("before_event", False),
    )


def test_the_15_days_for_the_advance_ending_on_national_day_end_on_the_next_working_day(
    settings,
):
    settings.WIPP_DEADLINE_ROLL_OVER_HOLIDAYS = False
    # Plan approved 2025-09-16: day 15 is 1 October, in the 2025 National Day holiday
    # (1–8 October); the period ends on Thursday 9 October.
    due = WorkingCalendar().due_date(data_rule("agreement_and_advance"), D(2025, 9, 16))
    assert due == D(2025, 10, 9)


def test_the_balance_period_ending_in_the_2026_spring_festival_ends_after_it(settings):
    settings.WIPP_DEADLINE_ROLL_OVER_HOLIDAYS = False
    # Opinion received 2026-02-01: day 15 is 16 February (Spring Festival, 15–23 February).
    due = WorkingCalendar().due_date(data_rule("balance_payment"), D(2026, 2, 1))
    assert due == D(2026, 2, 24)


def test_a_period_ending_on_a_sunday_ends_on_monday():
    # A rest day counts like a holiday (法定休假日): 2026-11-14 + 15 days is Sunday 29 November.
    due = WorkingCalendar().due_date(data_rule("balance_payment"), D(2026, 11, 14))
    assert due == D(2026, 11, 30)


def test_a_period_ending_on_an_adjusted_working_saturday_stays_there():
    # 2026-09-25 + 15 = Saturday 10 October 2026, a working day (调休上班).
    due = WorkingCalendar().due_date(data_rule("balance_payment"), D(2026, 9, 25))
    assert due == D(2026, 10, 10)


def test_a_rule_that_says_no_roll_over_wins_over_the_setting(settings):
    settings.WIPP_DEADLINE_ROLL_OVER_HOLIDAYS = True
    plain = SimpleNamespace(
        code="custom", days=15, unit="calendar", before_event=False, roll_over_holidays=False
    )
    assert WorkingCalendar().due_date(plain, D(2025, 9, 16)) == D(2025, 10, 1)


def test_a_rule_counted_back_from_the_event_never_moves():
    # Training starts Thursday 2025-10-09: "at least a week before" is 2 October, a holiday;
    # moving it later would shorten the week's notice.
    due = WorkingCalendar().due_date(data_rule("pre_start_upload"), D(2025, 10, 9))
    assert due == D(2025, 10, 2)


def test_every_forward_calendar_rule_of_the_data_rolls_over():
    from apps.deadlines.calendar import _rules_data, rolls_over_holidays

    forward = [
        code
        for code, entry in _rules_data().items()
        # A 0-day rule is a day someone set (a rectification order's), not a period.
        if entry["unit"] == "calendar" and not entry.get("before_event") and entry["days"]
    ]
    assert forward
    assert all(rolls_over_holidays(data_rule(code)) for code in forward)
