"""A rubric belongs to its jurisdiction (issue 13 item 6): Hebei calls are scored on the Hebei
rubric, never on Shenzhen's (and its “鲜明深圳特色”); the office picks the rubric on the call
form among its own root's rubrics; pages name the rubric by its title; 7.1③ (falling injury
rate) is computed from the application's insurance-year figures."""

import copy
import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from apps.applications.models import InsuranceYear
from apps.calls.models import AnnualCall
from apps.calls.services import call_update
from apps.review import services
from apps.review.computed import computed_bonus
from apps.review.models import ExpertAssignment, ReviewRound
from apps.review.rubric import RUBRIC_DIR, RubricError, load_rubric, rubric_parse, rubrics_for
from tests.calls.factories import CallFactory
from tests.factories import CityFactory, UserFactory
from tests.rendered_forms import form_fields, form_submit, rendered_form
from tests.review.factories import office_of, screened_call
from tests.review.world import BEST, review_world

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _raw(code="hebei-2027") -> dict:
    return copy.deepcopy(json.loads((RUBRIC_DIR / f"{code}.json").read_text("utf-8")))


# --- the files ---------------------------------------------------------------------------------


def test_the_hebei_rubric_names_the_hebei_root():
    assert load_rubric("hebei-2027").jurisdiction == "130000"


def test_the_hebei_rubric_asks_for_hebei_character_not_shenzhens():
    rubric = load_rubric("hebei-2027")
    assert "鲜明河北特色" in rubric.bonus_item("7.1②").label
    texts = [rubric.title] + [item.label for item in rubric.bonus_items]
    texts += [row.label for row in rubric.rows] + [fl.name for fl in rubric.first_levels]
    assert not [text for text in texts if "深圳" in text]


def test_the_hebei_rubric_marks_its_wording_as_a_product_choice():
    assert "Product choice" in load_rubric("hebei-2027").note


def test_the_hebei_rubric_keeps_the_shenzhen_structure():
    hebei, shenzhen = load_rubric("hebei-2027"), load_rubric("shenzhen-2027")
    assert [(r.code, r.maximum, r.levels) for r in hebei.rows] == [
        (r.code, r.maximum, r.levels) for r in shenzhen.rows
    ]


def test_a_rubric_file_without_its_jurisdiction_is_refused():
    raw = _raw()
    del raw["jurisdiction"]
    with translation.override("en"), pytest.raises(RubricError, match="“jurisdiction” is missing"):
        rubric_parse(raw, name="x.json")


def test_a_rubric_file_whose_jurisdiction_is_no_division_code_is_refused():
    raw = _raw()
    raw["jurisdiction"] = "Hebei"
    with translation.override("en"), pytest.raises(RubricError, match="six-digit division code"):
        rubric_parse(raw, name="x.json")


def test_a_computed_bonus_of_an_unknown_kind_is_refused():
    raw = _raw()
    raw["bonus"]["items"][2]["computed"] = "weather"
    with translation.override("en"), pytest.raises(RubricError, match="unknown computed bonus"):
        rubric_parse(raw, name="x.json")


def test_a_hebei_city_is_offered_only_hebei_rubrics():
    city = CityFactory()
    assert [rubric.code for rubric in rubrics_for(city)] == ["hebei-2027"]


# --- opening the review ------------------------------------------------------------------------


def test_opening_a_review_with_another_jurisdictions_rubric_is_refused():
    call, office, _apps = screened_call(1)
    AnnualCall.unscoped.filter(pk=call.pk).update(rubric_code="shenzhen-2027")
    call.refresh_from_db()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.review_round_open(user=office, call=call)
    assert "belongs to another jurisdiction" in str(error.value)
    assert not ReviewRound.unscoped.filter(call=call).exists()


def test_the_round_page_refuses_to_open_on_a_foreign_rubric(client):
    call, office, _apps = screened_call(1)
    AnnualCall.unscoped.filter(pk=call.pk).update(rubric_code="shenzhen-2027")
    client.force_login(office)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("review:round", args=[call.pk]), **EN)
    response = form_submit(client, page, "form[action*=open]", follow=True)
    assert "belongs to another jurisdiction" in response.content.decode()
    assert not ReviewRound.unscoped.filter(call=call).exists()


def test_the_round_page_names_the_rubric_by_its_title(client):
    call, office, _apps = screened_call(1)
    client.force_login(office)
    body = client.get(reverse("review:round", args=[call.pk]), **EN).content.decode()
    assert "河北省工伤预防项目评审标准" in body
    assert "hebei-2027" not in body


# --- the call form -----------------------------------------------------------------------------


def _call_page(client, call):
    office = UserFactory(role="office", organisation__jurisdiction=call.jurisdiction)
    AnnualCall.unscoped.filter(pk=call.pk).update(created_by=office)
    client.force_login(office)
    return client.get(reverse("calls:update", args=[call.pk]), **EN)


def test_the_call_form_lists_the_rubrics_of_its_root_by_title(client):
    call = CallFactory(rubric_code="", status="draft")
    body = _call_page(client, call).content.decode()
    assert 'value="hebei-2027"' in body and "河北省工伤预防项目评审标准" in body
    assert "shenzhen-2027" not in body


def test_the_office_picks_the_rubric_on_the_rendered_call_form(client):
    call = CallFactory(rubric_code="", status="draft")
    page = _call_page(client, call)
    response = form_submit(client, page, "form[novalidate]", data={"rubric_code": "hebei-2027"})
    body = response.content.decode()
    assert response.status_code == 302, re.findall(r'data-testid="(error-[\w-]+)"', body)
    call.refresh_from_db()
    assert call.rubric_code == "hebei-2027"


def test_a_posted_foreign_rubric_is_not_a_choice(client):
    call = CallFactory(rubric_code="", status="draft")
    page = _call_page(client, call)
    data = form_fields(rendered_form(page, "form[novalidate]"))
    data["rubric_code"] = ["shenzhen-2027"]
    response = client.post(reverse("calls:update", args=[call.pk]), data, **EN)
    assert response.status_code == 200
    call.refresh_from_db()
    assert call.rubric_code == ""


def test_the_call_service_refuses_a_foreign_rubric():
    call = CallFactory(rubric_code="", status="draft")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        call_update(user=office_of(call), call=call, rubric_code="shenzhen-2027")
    assert "belongs to another jurisdiction" in error.value.message_dict["rubric_code"][0]


# --- 7.1③ computed -----------------------------------------------------------------------------


def _rates(application, rates: dict):
    InsuranceYear.objects.filter(application=application).delete()
    for year, rate in rates.items():
        InsuranceYear.objects.create(
            application=application,
            year=year,
            insured_headcount=1000,
            injury_incidence_rate=Decimal(rate),
            fund_payment_ratio=Decimal("60"),
        )


def test_a_rate_falling_in_each_of_the_last_two_years_earns_the_bonus():
    _call, _office, (application,) = screened_call(1)
    _rates(application, {2024: "3.0", 2025: "2.5", 2026: "2.1"})
    with translation.override("en"):
        computed = computed_bonus(load_rubric("hebei-2027"), application)["7.1③"]
    assert computed.score == Decimal("2")
    assert any("fell every year from 2024 to 2026" in line for line in computed.derivation)


def test_a_rate_that_rose_in_one_of_the_two_years_earns_nothing():
    _call, _office, (application,) = screened_call(1)
    _rates(application, {2024: "3.0", 2025: "3.2", 2026: "2.1"})
    with translation.override("en"):
        computed = computed_bonus(load_rubric("hebei-2027"), application)["7.1③"]
    assert computed.score == 0
    assert any("did not fall every year" in line for line in computed.derivation)


def test_missing_years_earn_nothing_and_say_why():
    _call, _office, (application,) = screened_call(1)
    _rates(application, {2024: "3.0", 2026: "2.1"})
    with translation.override("en"):
        computed = computed_bonus(load_rubric("hebei-2027"), application)["7.1③"]
    assert computed.score == 0
    assert any("no figures for 3 consecutive years" in line for line in computed.derivation)


@pytest.fixture
def falling_world():
    world = review_world(applications=1, experts=3)
    _rates(world.applications[0], {2024: "3.0", 2025: "2.5", 2026: "2.1"})
    return world


def test_a_blank_computed_bonus_counts_the_platforms_points(falling_world):
    assignment = ExpertAssignment.unscoped.filter(round__call=falling_world.call).first()
    services.score_sheet_save(
        expert=assignment.expert, assignment=assignment, scores=BEST, bonus={}, vetoes={}
    )
    assignment.refresh_from_db()
    assert assignment.bonus == {"7.1③": "2"}


def test_other_points_than_the_computed_bonus_need_a_reason(falling_world):
    assignment = ExpertAssignment.unscoped.filter(round__call=falling_world.call).first()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.score_sheet_save(
            expert=assignment.expert,
            assignment=assignment,
            scores=BEST,
            bonus={"7.1③": "0"},
            vetoes={},
        )
    assert "give a reason for other points" in error.value.message_dict["7.1③"][0]


def test_the_expert_overrules_the_computed_bonus_on_the_rendered_sheet(client, falling_world):
    assignment = ExpertAssignment.unscoped.filter(round__call=falling_world.call).first()
    client.force_login(assignment.expert)
    url = reverse("review:sheet", args=[assignment.pk])
    page = client.get(url, **EN)
    assert "Computed by the platform: 2 points" in page.content.decode()
    response = form_submit(
        client,
        page,
        "form[id=sheet]",
        data={"b-7.1③": "0", "b-7.1③-reason": "统计口径为全市，不是服务范围"},
        button="button[value=save]",
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.bonus_reasons == {"7.1③": "统计口径为全市，不是服务范围"}
    assert assignment.bonus.get("7.1③") == "0"


def test_a_call_without_a_rubric_is_not_published():
    from apps.calls.services import call_publish

    call = CallFactory(rubric_code="", status="draft")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        call_publish(user=office_of(call), call=call)
    assert "Review rubric" in str(error.value)
    call.refresh_from_db()
    assert call.status == "draft"
