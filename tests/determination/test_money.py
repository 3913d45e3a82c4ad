"""Money follows the seeds (issue 13 item 7): procurement only in a published arrangement
(HB §6, §9); the year's fund total bounds the proposal, the arrangement and added projects
(HB §6, §8); multi-year budgets follow the applicant's spending plan (HB §8); a filed proposal
is locked (HB §6). Messages are asserted in English (conftest)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.applications.models import BudgetLine
from apps.determination import services
from apps.determination.models import (
    ArrangementEntry,
    BudgetYear,
    Determination,
    FiledProject,
    ProposalEntry,
)
from apps.jurisdictions.models import AnnualSetting
from apps.procurement import services as procurement_services
from apps.review.services import review_result_adjust
from tests.factories import OrganisationFactory, ProvinceFactory

from .builders import province_member_unit, province_office, reviewed_city, run_to

pytestmark = pytest.mark.django_db
D = datetime.date


def _fund(jurisdiction, total: str, year: int = 2027):
    return AnnualSetting.objects.create(
        jurisdiction=jurisdiction, year=year, budget_total=Decimal(total)
    )


def _compile_and_publish(office):
    arrangement = services.arrangement_compile(
        user=office, province=office.organisation.jurisdiction, year=2027
    )
    services.arrangement_publish(user=office, arrangement=arrangement)
    return arrangement


# --- (a) procurement only for projects of the published arrangement (HB §6, §9) ---------------


def test_a_filed_project_is_not_procured_before_the_arrangement_is_published():
    """HB §6 省研究确定《××年度全省工伤预防项目安排》 then §9 项目采购: a project filed by
    its city but not yet in the published arrangement cannot be procured."""
    city = reviewed_city(amounts=(Decimal("400000.00"),))
    run_to(city, "filed")
    project = FiledProject.unscoped.get().project
    assert project.stage == "determination"
    with pytest.raises(ValidationError) as error:
        procurement_services.procurement_create(
            user=city.hrss,
            project=project,
            title="培训采购",
            method="public_tender",
            category="training",
            budget_amount="400000.00",
        )
    assert "of the published annual arrangement are procured (HB §6, §9)" in str(error.value)


# --- (b) the year's fund total ----------------------------------------------------------------


def test_the_proposal_stays_within_the_citys_fund_total():
    city = reviewed_city()  # 400,000 + 300,000
    _fund(city.jurisdiction, "600000.00")
    with pytest.raises(ValidationError) as error:
        services.determination_propose(user=city.office, call=city.call)
    message = str(error.value)
    assert "700,000.00" in message and "600,000.00" in message
    assert not Determination.unscoped.exists()


def test_a_proposal_within_the_fund_total_is_drafted():
    city = reviewed_city()
    _fund(city.jurisdiction, "700000.00")
    determination = services.determination_propose(user=city.office, call=city.call)
    assert determination.entries.count() == 2


def test_the_arrangement_keeps_each_city_within_its_fund_total():
    city = reviewed_city(name="甲市")
    run_to(city, "filed")
    _fund(city.jurisdiction, "650000.00")  # lowered after filing
    office = province_office()
    with pytest.raises(ValidationError) as error:
        services.arrangement_compile(
            user=office, province=office.organisation.jurisdiction, year=2027
        )
    message = str(error.value)
    assert "甲市" in message and "700,000.00" in message and "650,000.00" in message


def test_the_arrangement_keeps_the_province_within_its_fund_total():
    for name in ("甲市", "乙市"):
        run_to(reviewed_city(name=name), "filed")
    office = province_office()
    _fund(ProvinceFactory(), "1000000.00")
    with pytest.raises(ValidationError) as error:
        services.arrangement_compile(
            user=office, province=office.organisation.jurisdiction, year=2027
        )
    assert "1,400,000.00" in str(error.value) and "1,000,000.00" in str(error.value)


def _add(city, arrangement, member, amount: str):
    return services.adjustment_request(
        user=city.office,
        arrangement=arrangement,
        kind="add",
        ground="special",
        subject="增加项目",
        after_text="增加危化品企业应急培训项目",
        reason="辖区发生较大事故，确需增加培训",
        consenting_unit=member.organisation,
        new_project_name="危险化学品企业应急处置培训",
        new_applicant=OrganisationFactory(jurisdiction=city.jurisdiction),
        new_project_type="training",
        new_amount=amount,
        new_start_date=D(2027, 7, 1),
        new_end_date=D(2027, 12, 31),
    )


def test_an_added_project_stays_within_the_citys_fund_total():
    city = reviewed_city(name="甲市")
    run_to(city, "filed")
    arrangement = _compile_and_publish(province_office())
    _fund(city.jurisdiction, "800000.00")
    with pytest.raises(ValidationError) as error:
        _add(city, arrangement, province_member_unit(), "120000.00")
    message = " ".join(error.value.message_dict["new_amount"])
    assert "820,000.00" in message and "800,000.00" in message


def test_an_added_project_within_the_fund_total_is_requested():
    city = reviewed_city(name="甲市")
    run_to(city, "filed")
    arrangement = _compile_and_publish(province_office())
    _fund(city.jurisdiction, "820000.00")
    assert _add(city, arrangement, province_member_unit(), "120000.00").status == "requested"


def test_an_added_project_is_checked_again_when_published():
    city = reviewed_city(name="甲市")
    run_to(city, "filed")
    arrangement = _compile_and_publish(province_office())
    member = province_member_unit()
    adjustment = _add(city, arrangement, member, "120000.00")
    services.adjustment_decide_consent(user=member, adjustment=adjustment, consent=True)
    _fund(ProvinceFactory(), "800000.00")  # the province's total is set meanwhile
    with pytest.raises(ValidationError) as error:
        services.adjustment_publish(user=city.office, adjustment=adjustment)
    assert "820,000.00" in str(error.value)
    assert ArrangementEntry.unscoped.filter(arrangement=arrangement).count() == 2


# --- (d) the spending plan splits multi-year budgets (HB §8) ----------------------------------


def _across_years(plan: dict | None):
    city = reviewed_city(
        amounts=(Decimal("400000.00"),), schedules={0: (D(2027, 10, 1), D(2028, 3, 31))}
    )
    lines = list(BudgetLine.objects.filter(application=city.applications[0]).order_by("id"))
    for line, year in zip(lines, (plan or {}).get("years", ()), strict=False):
        line.spend_year = year
        line.save(update_fields=["spend_year"])
    run_to(city, "filed")
    filed = FiledProject.unscoped.get()
    amounts = dict(BudgetYear.unscoped.filter(project=filed.project).values_list("year", "amount"))
    return filed, amounts


def test_a_multi_year_budget_follows_the_applicants_spending_plan():
    """HB §8 严格按照预计实施进度和支出计划分年度安排预算: 200,000 in each year as planned,
    not the 92:91 days split (201,092.89 / 198,907.11)."""
    filed, amounts = _across_years({"years": (2027, 2028)})
    assert amounts == {2027: Decimal("200000.00"), 2028: Decimal("200000.00")}
    assert "spending plan" in filed.budget_split_basis


def test_a_plan_with_all_money_in_the_second_year_gives_the_first_year_nothing():
    _filed, amounts = _across_years({"years": (2028, 2028)})
    assert amounts == {2027: Decimal("0.00"), 2028: Decimal("400000.00")}


def test_without_a_spending_plan_the_split_is_by_days_and_the_record_says_so():
    filed, amounts = _across_years(None)
    assert amounts == {2027: Decimal("201092.89"), 2028: Decimal("198907.11")}
    assert "split by scheduled days" in filed.budget_split_basis


def test_the_filed_record_page_says_how_the_budget_was_split(client):
    filed, _amounts = _across_years(None)
    client.force_login(filed.determination.proposed_by)
    body = client.get(
        f"/determination/filed/{filed.pk}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "split by scheduled days" in body


# --- (f) the filed proposal is locked (HB §6) -------------------------------------------------


def test_the_review_proposal_cannot_change_once_the_determination_is_filed():
    city = reviewed_city()
    run_to(city, "filed")
    with pytest.raises(ValidationError) as error:
        review_result_adjust(
            user=city.office, result=city.results[1], proposed=False, reason="资金不足"
        )
    assert "filed (HB §6) and can no longer change" in str(error.value)
    city.results[1].refresh_from_db()
    assert city.results[1].proposed


def test_an_entry_of_a_filed_proposal_is_never_saved_again():
    city = reviewed_city()
    run_to(city, "filed")
    entry = ProposalEntry.objects.filter(determination__call=city.call).first()
    entry.amount = Decimal("1.00")
    with pytest.raises(ValidationError, match="locked"):
        entry.save()
    entry.refresh_from_db()
    assert entry.amount == Decimal("400000.00")
