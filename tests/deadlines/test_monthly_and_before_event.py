"""The engine's additions for implementation (HB §13, §14): counting back from an event for
"at least a week before the start", months of a schedule, and one recurring monthly duty per
month — each month its own deadline, opened once, missed months found by the sweep; a duty met
late before any sweep gets the same finding."""

import datetime

import pytest

from apps.accounts.roles import Role
from apps.deadlines import services
from apps.deadlines.calendar import (
    WorkingCalendar,
    clear_calendar_cache,
    month_end,
    month_start,
    months_between,
)
from apps.deadlines.models import Deadline, DeadlineStatus
from apps.findings.models import Finding
from apps.jurisdictions.models import DeadlineRule
from tests.deadlines.factories import HolidayScheduleFactory, region_with_rules
from tests.factories import ProjectFactory

D = datetime.date


def test_month_helpers_cross_year_ends_and_leap_februaries():
    assert month_start(D(2028, 2, 17)) == D(2028, 2, 1)
    assert month_end(D(2028, 2, 17)) == D(2028, 2, 29)
    assert month_end(D(2027, 2, 1)) == D(2027, 2, 28)
    assert month_end(D(2027, 12, 31)) == D(2027, 12, 31)
    assert months_between(D(2027, 11, 20), D(2028, 2, 3)) == [
        D(2027, 11, 1),
        D(2027, 12, 1),
        D(2028, 1, 1),
        D(2028, 2, 1),
    ]
    assert months_between(D(2027, 5, 9), D(2027, 5, 10)) == [D(2027, 5, 1)]
    assert months_between(D(2027, 6, 1), D(2027, 5, 1)) == []


@pytest.mark.django_db
def test_before_event_rule_counts_back_without_moving_over_holidays():
    region_with_rules()
    rule = DeadlineRule.objects.filter(code="pre_start_upload").first()
    # Start on Monday 13 Oct 2025: due 7 calendar days before, Monday 6 Oct, a National Day
    # holiday — counted back, it does not move (moving would shorten the notice).
    assert WorkingCalendar().due_date(rule, D(2025, 10, 13)) == D(2025, 10, 6)


@pytest.mark.django_db
def test_monthly_rule_opens_one_deadline_per_month_due_on_the_tenth_of_the_next():
    region = region_with_rules()
    project = ProjectFactory(jurisdiction=region.sjz)
    rule = DeadlineRule.objects.get(jurisdiction=region.sjz, code="monthly_progress")
    assert (rule.days, rule.unit, rule.before_event) == (10, "calendar", False)

    # Subjects: one row per month; projects stand in for the reports here.
    subjects = {}

    def subject_for(month):
        return subjects.setdefault(month, ProjectFactory(jurisdiction=region.sjz))

    opened = services.deadlines_open_monthly(
        rule_code="monthly_progress",
        jurisdiction=region.sjz,
        first_day=D(2025, 11, 15),
        last_day=D(2026, 1, 20),
        subject_for=subject_for,
        owner_role=Role.IMPLEMENTER,
        project=project,
    )
    assert [(d.starts_on, d.due_on) for d in opened] == [
        (D(2025, 11, 30), D(2025, 12, 10)),
        (D(2025, 12, 31), D(2026, 1, 12)),  # the 10th is a Saturday: rolled over (art. 203)
        (D(2026, 1, 31), D(2026, 2, 10)),
    ]
    assert {d.project for d in opened} == {project}
    # Again, and with one more month: only the new month opens.
    again = services.deadlines_open_monthly(
        rule_code="monthly_progress",
        jurisdiction=region.sjz,
        first_day=D(2025, 11, 15),
        last_day=D(2026, 2, 2),
        subject_for=subject_for,
        owner_role=Role.IMPLEMENTER,
        project=project,
    )
    assert [d.starts_on for d in again] == [D(2026, 2, 28)]

    found = services.deadlines_mark_overdue(today=D(2026, 1, 13))
    assert [f.subject.starts_on for f in found] == [D(2025, 11, 30), D(2025, 12, 31)]
    # A met month is not reopened even after it was met.
    first = Deadline.unscoped.get(pk=opened[0].pk)
    services.deadline_meet(deadline=first)
    assert (
        services.deadlines_open_monthly(
            rule_code="monthly_progress",
            jurisdiction=region.sjz,
            first_day=D(2025, 11, 1),
            last_day=D(2025, 11, 1),
            subject_for=subject_for,
            owner_role=Role.IMPLEMENTER,
        )
        == []
    )


@pytest.mark.django_db
def test_months_in_a_year_without_a_holiday_schedule_open_once_it_is_entered():
    region = region_with_rules()
    subjects = {}

    def open_months():
        return services.deadlines_open_monthly(
            rule_code="monthly_progress",
            jurisdiction=region.sjz,
            first_day=D(2026, 11, 1),
            last_day=D(2027, 2, 28),
            subject_for=lambda m: subjects.setdefault(m, ProjectFactory(jurisdiction=region.sjz)),
            owner_role=Role.IMPLEMENTER,
        )

    # November's duty is due on 10 Dec 2026 (covered); December's would fall in 2027.
    assert [d.due_on for d in open_months()] == [D(2026, 12, 10)]
    HolidayScheduleFactory()
    clear_calendar_cache()
    assert [d.due_on for d in open_months()] == [D(2027, 1, 11), D(2027, 2, 15), D(2027, 3, 10)]


@pytest.mark.django_db
def test_a_duty_met_late_before_any_sweep_gets_the_missed_finding_once():
    region = region_with_rules()
    project = ProjectFactory(jurisdiction=region.sjz)
    deadline = services.deadline_open(
        rule_code="pre_start_upload",
        jurisdiction=region.sjz,
        subject=project,
        starts_on=D(2025, 12, 10),
        owner_role=Role.IMPLEMENTER,
    )
    on_time = services.deadline_open(
        rule_code="plan_review",
        jurisdiction=region.sjz,
        subject=project,
        starts_on=D(2025, 12, 1),
        owner_role=Role.OFFICE,
    )
    services.deadline_meet(deadline=on_time, met_at=_at(D(2025, 12, 2)))
    assert services.deadline_late_finding(deadline=on_time) is None

    services.deadline_meet(deadline=deadline, met_at=_at(D(2025, 12, 5)))
    assert (deadline.status, deadline.late) == (DeadlineStatus.MET, True)
    finding = services.deadline_late_finding(deadline=deadline)
    assert finding.subject == deadline and finding.citation == "HB §13"
    assert services.deadline_late_finding(deadline=deadline) == finding
    assert Finding.unscoped.filter(rule_code="deadline_missed").count() == 1


def _at(day):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
