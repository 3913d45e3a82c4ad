"""Adjustments (HB §7): requested by the office, consented to by the province member unit
concerned, filed and published; the original entry is kept."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts.roles import OrganisationKind, Role
from apps.determination import services
from apps.determination.models import Adjustment, ArrangementEntry, BudgetYear
from apps.projects.models import Project
from tests.factories import OrganisationFactory, UserFactory

from .builders import province_member_unit, province_office, reviewed_city, run_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    a = reviewed_city(name="甲市")
    b = reviewed_city(name="乙市", amounts=(Decimal("250000.00"),))
    run_to(a, "filed")
    run_to(b, "filed")
    office = province_office()
    arrangement = services.arrangement_compile(
        user=office, province=office.organisation.jurisdiction, year=2027
    )
    services.arrangement_publish(user=office, arrangement=arrangement)
    return {
        "a": a,
        "b": b,
        "province_office": office,
        "member": province_member_unit(),
        "arrangement": arrangement,
    }


def _entry(world, city="a"):
    return ArrangementEntry.unscoped.filter(
        arrangement=world["arrangement"], jurisdiction=world[city].jurisdiction, is_current=True
    ).first()


def _change(world, **overrides):
    kwargs = {
        "user": world["a"].office,
        "arrangement": world["arrangement"],
        "kind": "change",
        "ground": "provincial_rule",
        "entry": _entry(world),
        "subject": "项目金额",
        "after_text": "金额调整为350000元",
        "reason": "省里要求压减培训经费",
        "consenting_unit": world["member"].organisation,
        "new_amount": "350000.00",
    }
    return services.adjustment_request(**(kwargs | overrides))


def test_change_consented_and_published_keeps_the_original_entry(world):
    original = _entry(world)
    adjustment = _change(world)
    assert adjustment.status == "requested"
    assert "400000.00" in adjustment.before_text  # filled from the entry
    services.adjustment_decide_consent(
        user=world["member"], adjustment=adjustment, consent=True, note="同意"
    )
    assert adjustment.status == "consented"
    # Nothing changes in the arrangement until the office publishes.
    original.refresh_from_db()
    assert original.is_current
    services.adjustment_publish(
        user=world["a"].office, adjustment=adjustment, today=datetime.date(2027, 5, 1)
    )
    assert adjustment.status == "published"
    original.refresh_from_db()
    assert not original.is_current
    assert original.amount == Decimal("400000.00")  # kept as it was
    current = original.replaced_by
    assert (current.is_current, current.amount, current.adjustment) == (
        True,
        Decimal("350000.00"),
        adjustment,
    )
    project = Project.unscoped.get(pk=original.project_id)
    assert project.budget_amount == Decimal("350000.00")
    lines = BudgetYear.unscoped.filter(project=project)
    assert sum(line.amount for line in lines) == Decimal("350000.00")


def test_only_the_named_province_member_unit_consents(world):
    adjustment = _change(world)
    other_unit_user = UserFactory(
        role=Role.MEMBER_UNIT,
        organisation=OrganisationFactory(
            kind=OrganisationKind.MEMBER_UNIT,
            jurisdiction=world["arrangement"].province,
            name="省卫生健康委",
        ),
    )
    for user in (world["a"].member_user, other_unit_user, world["province_office"]):
        with pytest.raises(PermissionDenied):
            services.adjustment_decide_consent(user=user, adjustment=adjustment, consent=True)
    adjustment.refresh_from_db()
    assert adjustment.status == "requested"


def test_refusal_needs_a_reason_and_ends_the_request(world):
    adjustment = _change(world)
    with pytest.raises(ValidationError):
        services.adjustment_decide_consent(
            user=world["member"], adjustment=adjustment, consent=False, note=""
        )
    services.adjustment_decide_consent(
        user=world["member"], adjustment=adjustment, consent=False, note="依据不足"
    )
    assert adjustment.status == "refused"
    with pytest.raises(ValidationError):
        services.adjustment_publish(user=world["a"].office, adjustment=adjustment)
    assert _entry(world).amount == Decimal("400000.00")


def test_publish_needs_consent_and_the_requesting_office(world):
    adjustment = _change(world)
    with pytest.raises(ValidationError):
        services.adjustment_publish(user=world["a"].office, adjustment=adjustment)
    services.adjustment_decide_consent(user=world["member"], adjustment=adjustment, consent=True)
    for user in (world["b"].office, world["a"].hrss, world["member"]):
        with pytest.raises(PermissionDenied):
            services.adjustment_publish(user=user, adjustment=adjustment)


def test_a_city_changes_only_its_own_entries(world):
    with pytest.raises(PermissionDenied):
        _change(world, user=world["b"].office)
    with pytest.raises(PermissionDenied):
        _change(world, user=world["a"].hrss)


def test_request_validation(world):
    with pytest.raises(ValidationError) as error:
        _change(world, reason=" ", after_text="", consenting_unit=world["a"].member_unit)
    assert {"reason", "after_text", "consenting_unit"} <= set(error.value.message_dict)
    assert not Adjustment.unscoped.exists()


def test_procurement_item_change(world):
    adjustment = _change(
        world,
        kind="procurement_item",
        subject="采购品目",
        after_text="变更为线上培训服务",
        new_amount=None,
        new_procurement_item="工伤预防线上培训服务",
    )
    services.adjustment_decide_consent(user=world["member"], adjustment=adjustment, consent=True)
    services.adjustment_publish(user=world["a"].office, adjustment=adjustment)
    entry = _entry(world)
    assert entry.procurement_item == "工伤预防线上培训服务"
    assert entry.amount == Decimal("400000.00")
    assert entry.replaces.procurement_item == "工伤预防培训服务"


def test_add_a_project(world):
    applicant = OrganisationFactory(jurisdiction=world["a"].jurisdiction, name="新增申报单位")
    adjustment = services.adjustment_request(
        user=world["a"].office,
        arrangement=world["arrangement"],
        kind="add",
        ground="special",
        subject="增加项目",
        after_text="增加危化品企业应急培训项目",
        reason="辖区发生较大事故，确需增加培训",
        consenting_unit=world["member"].organisation,
        new_project_name="危险化学品企业应急处置培训",
        new_applicant=applicant,
        new_project_type="training",
        new_amount="120000.00",
        new_start_date=datetime.date(2027, 7, 1),
        new_end_date=datetime.date(2027, 12, 31),
    )
    services.adjustment_decide_consent(user=world["member"], adjustment=adjustment, consent=True)
    services.adjustment_publish(user=world["a"].office, adjustment=adjustment)
    project = adjustment.project
    assert (project.stage, project.budget_amount, project.jurisdiction) == (
        "arranged",
        Decimal("120000.00"),
        world["a"].jurisdiction,
    )
    entry = ArrangementEntry.unscoped.get(project=project)
    assert entry.is_current and entry.adjustment == adjustment
    assert ArrangementEntry.unscoped.filter(arrangement=world["arrangement"]).count() == 4


def test_a_superseded_entry_cannot_be_changed_again(world):
    first = _change(world)
    second = _change(world, new_amount="380000.00")
    for adjustment in (first, second):
        services.adjustment_decide_consent(
            user=world["member"], adjustment=adjustment, consent=True
        )
    services.adjustment_publish(user=world["a"].office, adjustment=first)
    with pytest.raises(ValidationError):
        services.adjustment_publish(user=world["a"].office, adjustment=second)
    second.refresh_from_db()
    assert second.status == "consented"


def test_amount_change_keeps_closed_years(world):
    """An adjustment published in 2028 that raises the amount and extends the schedule: 2027
    is closed and keeps its line; only the open years take the new money."""
    adjustment = _change(world, new_amount="450000.00", new_end_date=datetime.date(2028, 6, 30))
    services.adjustment_decide_consent(user=world["member"], adjustment=adjustment, consent=True)
    project = _entry(world).project
    services.adjustment_publish(
        user=world["a"].office, adjustment=adjustment, today=datetime.date(2028, 2, 1)
    )
    lines = dict(BudgetYear.unscoped.filter(project=project).values_list("year", "amount"))
    assert lines == {2027: Decimal("400000.00"), 2028: Decimal("50000.00")}


def test_amount_below_a_closed_years_spending_is_refused(world):
    adjustment = _change(world, new_amount="300000.00", new_end_date=datetime.date(2028, 6, 30))
    services.adjustment_decide_consent(user=world["member"], adjustment=adjustment, consent=True)
    with pytest.raises(ValidationError, match="closed"):
        services.adjustment_publish(
            user=world["a"].office, adjustment=adjustment, today=datetime.date(2028, 2, 1)
        )
    adjustment.refresh_from_db()
    assert adjustment.status == "consented"
    assert _entry(world).amount == Decimal("400000.00")
