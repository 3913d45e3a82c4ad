"""Budget years (HB §8): split by scheduled days, exact sums, re-split with a reason, and no
carry-over once a year is closed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.determination import services
from apps.determination.budget import days_by_year, split_by_days, year_closed
from apps.determination.models import BudgetResplit, BudgetYear, FiledProject

from .builders import reviewed_city, run_to

D = datetime.date


def test_days_by_year_counts_both_ends():
    assert days_by_year(D(2027, 10, 1), D(2028, 3, 31)) == [(2027, 92), (2028, 91)]
    assert days_by_year(D(2027, 3, 1), D(2027, 3, 1)) == [(2027, 1)]


def test_split_across_a_year_boundary_sums_exactly():
    shares = split_by_days(Decimal("400000.00"), D(2027, 10, 1), D(2028, 3, 31))
    assert [(s.year, s.days, s.amount) for s in shares] == [
        (2027, 92, Decimal("201092.89")),  # 400000 × 92/183 = 201092.896… rounded down
        (2028, 91, Decimal("198907.11")),  # the remainder
    ]
    assert sum(s.amount for s in shares) == Decimal("400000.00")


@pytest.mark.parametrize("amount", ["0.01", "1.00", "99999.99", "333333.33", "1000000.00"])
def test_split_over_three_years_always_adds_up(amount):
    shares = split_by_days(Decimal(amount), D(2027, 12, 30), D(2029, 1, 2))
    assert [s.year for s in shares] == [2027, 2028, 2029]
    assert sum(s.amount for s in shares) == Decimal(amount)
    assert all(s.amount >= 0 and s.amount == s.amount.quantize(Decimal("0.01")) for s in shares)


def test_a_year_is_closed_once_it_ended():
    assert not year_closed(2027, D(2027, 12, 31))
    assert year_closed(2027, D(2028, 1, 1))


TWO_YEARS_END = D(2028, 3, 31)


def _filed_across_years(end=TWO_YEARS_END):
    city = reviewed_city(amounts=(Decimal("400000.00"),), schedules={0: (D(2027, 10, 1), end)})
    run_to(city, "filed")
    return city, FiledProject.unscoped.get().project


@pytest.mark.django_db
def test_filing_splits_a_project_spanning_two_years():
    _city, project = _filed_across_years()
    lines = list(BudgetYear.unscoped.filter(project=project).values_list("year", "days", "amount"))
    assert lines == [(2027, 92, Decimal("201092.89")), (2028, 91, Decimal("198907.11"))]


@pytest.mark.django_db
def test_office_resplits_with_a_reason_and_the_sum_stays_equal():
    city, project = _filed_across_years()
    today = D(2027, 6, 1)
    with pytest.raises(ValidationError) as error:
        services.budget_years_resplit(
            user=city.office,
            project=project,
            amounts={2027: "250000.00", 2028: "150000.00"},
            reason=" ",
            today=today,
        )
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError, match=r"400000\.00"):
        services.budget_years_resplit(
            user=city.office,
            project=project,
            amounts={2027: "250000.00", 2028: "150000.01"},
            reason="进度提前",
            today=today,
        )
    with pytest.raises(ValidationError):
        services.budget_years_resplit(
            user=city.office,
            project=project,
            amounts={2027: "400000.00"},
            reason="只剩一年",
            today=today,
        )
    assert not BudgetResplit.objects.exists()
    change = services.budget_years_resplit(
        user=city.office,
        project=project,
        amounts={2027: "250000.00", 2028: "150000.00"},
        reason="第四季度集中培训，支出计划前移",
        today=today,
    )
    assert change.before == {"2027": "201092.89", "2028": "198907.11"}
    assert change.after == {"2027": "250000.00", "2028": "150000.00"}
    amounts = dict(BudgetYear.unscoped.filter(project=project).values_list("year", "amount"))
    assert amounts == {2027: Decimal("250000.00"), 2028: Decimal("150000.00")}


@pytest.mark.django_db
def test_no_carry_over_once_the_year_is_closed():
    """HB §8 原则上不得跨年结转: after 31 December 2027, the 2027 line cannot move into 2028
    (nor be raised); the years that are still open may be re-split among themselves."""
    city, project = _filed_across_years(end=D(2029, 3, 31))
    before = dict(BudgetYear.unscoped.filter(project=project).values_list("year", "amount"))
    in_2028 = D(2028, 1, 15)
    with pytest.raises(ValidationError) as error:
        services.budget_years_resplit(
            user=city.office,
            project=project,
            amounts={2027: "0.00", 2028: before[2028] + before[2027], 2029: before[2029]},
            reason="2027年未支出部分结转",
            today=in_2028,
        )
    assert "year-2027" in error.value.message_dict
    assert "carried over" in error.value.message_dict["year-2027"][0]
    assert dict(BudgetYear.unscoped.filter(project=project).values_list("year", "amount")) == before
    services.budget_years_resplit(
        user=city.office,
        project=project,
        amounts={2027: before[2027], 2028: before[2028] + 1000, 2029: before[2029] - 1000},
        reason="2028年进度加快",
        today=in_2028,
    )
    after = dict(BudgetYear.unscoped.filter(project=project).values_list("year", "amount"))
    assert after[2027] == before[2027]
    assert sum(after.values()) == Decimal("400000.00")


@pytest.mark.django_db
def test_only_the_projects_own_office_resplits():
    city, project = _filed_across_years()
    other = reviewed_city(amounts=(Decimal("100000.00"),))
    for user in (city.hrss, other.office):
        with pytest.raises(PermissionDenied):
            services.budget_years_resplit(
                user=user,
                project=project,
                amounts={2027: "200000.00", 2028: "200000.00"},
                reason="调整",
                today=D(2027, 6, 1),
            )
