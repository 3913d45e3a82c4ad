"""Budget years (HB §8): split by scheduled days, exact sums, re-split with a reason, and no
carry-over once a year is closed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.determination import services
from apps.determination.budget import days_by_year, split_by_days, year_closed
from apps.determination.models import BudgetException, BudgetResplit, BudgetYear, FiledProject

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


def _amounts(project) -> dict:
    return dict(BudgetYear.unscoped.filter(project=project).values_list("year", "amount"))


@pytest.mark.django_db
def test_a_resplit_needs_a_reason():
    city, project = _filed_across_years()
    with pytest.raises(ValidationError) as error:
        services.budget_years_resplit(
            user=city.office,
            project=project,
            amounts={2027: "250000.00", 2028: "150000.00"},
            reason=" ",
            today=D(2027, 6, 1),
        )
    assert "reason" in error.value.message_dict


@pytest.mark.django_db
def test_a_resplit_keeps_the_approved_amount():
    city, project = _filed_across_years()
    with pytest.raises(ValidationError, match=r"400000\.00"):
        services.budget_years_resplit(
            user=city.office,
            project=project,
            amounts={2027: "250000.00", 2028: "150000.01"},
            reason="进度提前",
            today=D(2027, 6, 1),
        )
    assert not BudgetException.unscoped.exists()


@pytest.mark.django_db
def test_a_resplit_names_every_year():
    city, project = _filed_across_years()
    with pytest.raises(ValidationError):
        services.budget_years_resplit(
            user=city.office,
            project=project,
            amounts={2027: "400000.00"},
            reason="只剩一年",
            today=D(2027, 6, 1),
        )


@pytest.mark.django_db
def test_a_resplit_is_an_exception_request_that_changes_nothing_yet():
    """HB §8 原则上不得调整: the office's new split is recorded as a request with its reason and
    the years before and after; the lines stay until the HRSS department approves."""
    city, project = _filed_across_years()
    before = _amounts(project)
    exception = services.budget_years_resplit(
        user=city.office,
        project=project,
        amounts={2027: "250000.00", 2028: "150000.00"},
        reason="第四季度集中培训，支出计划前移",
        today=D(2027, 6, 1),
    )
    assert (exception.kind, exception.status) == ("resplit", "requested")
    assert exception.before == {"2027": "201092.89", "2028": "198907.11"}
    assert exception.after == {"2027": "250000.00", "2028": "150000.00"}
    assert _amounts(project) == before
    assert not BudgetResplit.objects.exists()


@pytest.mark.django_db
def test_the_same_levels_hrss_approval_puts_the_split_in_effect():
    city, project = _filed_across_years()
    exception = services.budget_years_resplit(
        user=city.office,
        project=project,
        amounts={2027: "250000.00", 2028: "150000.00"},
        reason="第四季度集中培训，支出计划前移",
        today=D(2027, 6, 1),
    )
    services.budget_exception_decide(user=city.hrss, exception=exception, approve=True)
    exception.refresh_from_db()
    assert (exception.status, exception.decided_by) == ("approved", city.hrss)
    assert _amounts(project) == {2027: Decimal("250000.00"), 2028: Decimal("150000.00")}
    assert BudgetResplit.objects.get().reason == "第四季度集中培训，支出计划前移"


@pytest.mark.django_db
def test_another_citys_hrss_cannot_approve_the_exception():
    city, project = _filed_across_years()
    other = reviewed_city(amounts=(Decimal("100000.00"),))
    exception = services.budget_years_resplit(
        user=city.office,
        project=project,
        amounts={2027: "250000.00", 2028: "150000.00"},
        reason="进度调整",
        today=D(2027, 6, 1),
    )
    with pytest.raises(PermissionDenied):
        services.budget_exception_decide(user=other.hrss, exception=exception, approve=True)
    with pytest.raises(PermissionDenied):
        services.budget_exception_decide(user=city.office, exception=exception, approve=True)
    exception.refresh_from_db()
    assert exception.status == "requested"


@pytest.mark.django_db
def test_refusing_the_exception_needs_a_reason_and_changes_nothing():
    city, project = _filed_across_years()
    before = _amounts(project)
    exception = services.budget_years_resplit(
        user=city.office,
        project=project,
        amounts={2027: "250000.00", 2028: "150000.00"},
        reason="进度调整",
        today=D(2027, 6, 1),
    )
    with pytest.raises(ValidationError):
        services.budget_exception_decide(user=city.hrss, exception=exception, approve=False)
    services.budget_exception_decide(
        user=city.hrss, exception=exception, approve=False, note="原则上不得调整"
    )
    exception.refresh_from_db()
    assert exception.status == "refused"
    assert _amounts(project) == before


@pytest.mark.django_db
def test_one_request_at_a_time():
    city, project = _filed_across_years()
    kwargs = {"user": city.office, "project": project, "reason": "进度调整", "today": D(2027, 6, 1)}
    services.budget_years_resplit(amounts={2027: "250000.00", 2028: "150000.00"}, **kwargs)
    with pytest.raises(ValidationError, match="already awaits"):
        services.budget_years_resplit(amounts={2027: "260000.00", 2028: "140000.00"}, **kwargs)


@pytest.mark.django_db
def test_a_carry_over_is_an_exception_of_its_own_kind():
    """HB §8 原则上不得跨年结转: moving a closed year's unspent money to a later year is
    requested as a carry-over and needs the HRSS approval like any change."""
    city, project = _filed_across_years(end=D(2029, 3, 31))
    before = _amounts(project)
    exception = services.budget_years_resplit(
        user=city.office,
        project=project,
        amounts={2027: "0.00", 2028: before[2028] + before[2027], 2029: before[2029]},
        reason="2027年未支出部分结转",
        today=D(2028, 1, 15),
    )
    assert exception.kind == "carry_over"
    assert _amounts(project) == before
    services.budget_exception_decide(user=city.hrss, exception=exception, approve=True)
    assert _amounts(project)[2027] == Decimal("0.00")


@pytest.mark.django_db
def test_a_closed_year_is_never_raised():
    city, project = _filed_across_years(end=D(2029, 3, 31))
    before = _amounts(project)
    with pytest.raises(ValidationError) as error:
        services.budget_years_resplit(
            user=city.office,
            project=project,
            amounts={2027: before[2027] + 1000, 2028: before[2028] - 1000, 2029: before[2029]},
            reason="补记2027年支出",
            today=D(2028, 1, 15),
        )
    assert "cannot be raised" in error.value.message_dict["year-2027"][0]


@pytest.mark.django_db
def test_an_approval_after_the_lines_changed_is_refused():
    city, project = _filed_across_years()
    exception = services.budget_years_resplit(
        user=city.office,
        project=project,
        amounts={2027: "250000.00", 2028: "150000.00"},
        reason="进度调整",
        today=D(2027, 6, 1),
    )
    BudgetYear.unscoped.filter(project=project, year=2027).update(amount=Decimal("201092.88"))
    with pytest.raises(ValidationError, match="changed since the request"):
        services.budget_exception_decide(user=city.hrss, exception=exception, approve=True)


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
