"""Plain language in records (issue 13 item 10): no raw field keys, enum values or database
constraint messages on pages and exports; dates in order are checked by the forms in words.
Messages are asserted in English."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from apps.applications.models import PlanStage
from apps.determination import services
from apps.determination.models import FiledProject
from tests.applications.builders import draft_application
from tests.calls.factories import CallFactory
from tests.factories import UserFactory
from tests.rendered_forms import form_submit

from .builders import reviewed_city, run_to

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
D = datetime.date


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _filed_page(client, *, across_years=False):
    schedules = {0: (D(2027, 10, 1), D(2028, 3, 31))} if across_years else None
    city = reviewed_city(amounts=(Decimal("400000.00"),), schedules=schedules)
    run_to(city, "filed")
    filed = FiledProject.unscoped.get()
    client.force_login(city.office)
    return city, filed, client.get(f"/determination/filed/{filed.pk}/", **EN)


def test_the_filed_record_shows_labels_not_field_keys(english):
    _city, _filed, page = _filed_page(english)
    body = page.content.decode()
    for key in ("project_name", "service_scope", "awareness_rate", "people_covered", "amount_"):
        assert key not in body.replace('name="', "")  # no key as text; form names aside
    assert "Project name" in body


def test_the_filed_record_shows_the_project_type_in_words(english):
    _city, _filed, page = _filed_page(english)
    body = page.content.decode()
    assert ">training<" not in body
    assert ">Training<" in body


def test_a_budget_exception_is_shown_in_words_not_as_a_dictionary(english):
    city, filed, _page = _filed_page(english, across_years=True)
    services.budget_years_resplit(
        user=city.office,
        project=filed.project,
        amounts={2027: "250000.00", 2028: "150000.00"},
        reason="进度调整",
        today=D(2027, 6, 1),
    )
    body = english.get(f"/determination/filed/{filed.pk}/").content.decode()
    assert "{&#x27;2027&#x27;" not in body and "{'2027'" not in body
    assert "2027: 250,000.00" in body
    assert "Awaiting the HRSS department" in body


# --- dates in order, in words, from the rendered forms ------------------------------------------


def test_the_application_form_says_when_the_end_is_before_the_start(english):
    call = CallFactory()
    application, user = draft_application(call)
    english.force_login(user)
    page = english.get(f"/applications/{application.pk}/edit/")
    response = form_submit(
        english,
        page,
        "form[data-testid=application-form]",
        data={"start_date": "2027-06-01", "end_date": "2027-03-01"},
    )
    body = response.content.decode()
    assert "The end date is before the start date." in body
    assert "Constraint" not in body and "约束" not in body


def test_a_plan_stage_ending_before_it_starts_is_refused_in_words(english):
    call = CallFactory()
    application, user = draft_application(call)
    stages = PlanStage.objects.filter(application=application).count()
    english.force_login(user)
    page = english.get(f"/applications/{application.pk}/edit/?section=plan")
    response = form_submit(
        english,
        page,
        "form[data-testid=application-form]",
        data={"stages-0-start_date": "2027-06-01", "stages-0-end_date": "2027-03-01"},
    )
    body = response.content.decode()
    assert "The end date is before the start date." in body
    assert "Constraint" not in body
    assert PlanStage.objects.filter(application=application).count() == stages


def test_a_budget_line_of_zero_quantity_is_refused_in_words(english):
    call = CallFactory()
    application, user = draft_application(call)
    english.force_login(user)
    page = english.get(f"/applications/{application.pk}/edit/?section=budget")
    response = form_submit(
        english,
        page,
        "form[data-testid=application-form]",
        data={"budget_lines-0-quantity": "0"},
    )
    body = response.content.decode()
    assert "Enter a number greater than zero." in body
    assert "Constraint" not in body


def _call_page(client, **fields):
    call = CallFactory(status="draft", **fields)
    office = UserFactory(role="office", organisation__jurisdiction=call.jurisdiction)
    type(call).unscoped.filter(pk=call.pk).update(created_by=office)
    client.force_login(office)
    return call, client.get(f"/calls/{call.pk}/edit/")


def test_the_call_form_says_when_the_deadline_is_before_the_opening(english):
    _call, page = _call_page(english)
    response = form_submit(
        english,
        page,
        "form[novalidate]",
        data={"opens_at": "2026-10-01T09:00", "closes_at": "2026-09-01T17:00"},
    )
    body = response.content.decode()
    assert "The deadline must be after the opening." in body
    assert "Constraint" not in body


def test_the_call_form_says_when_no_project_type_is_accepted(english):
    _call, page = _call_page(english)
    response = form_submit(
        english,
        page,
        "form[novalidate]",
        data={"allows_training": None, "allows_promotion": None},
    )
    body = response.content.decode()
    assert "Accept training projects, promotion projects or both." in body
    assert "Constraint" not in body


def test_the_call_form_says_when_the_limit_exceeds_the_budget(english):
    _call, page = _call_page(english)
    response = form_submit(
        english,
        page,
        "form[novalidate]",
        data={"budget_total": "100000.00", "max_amount_per_application": "200000.00"},
    )
    body = response.content.decode()
    assert "is more than the call" in body and "budget total." in body
    assert "Constraint" not in body


# --- screening and review pages, exports --------------------------------------------------------


def test_the_screening_export_headers_are_words(english):
    from django.utils import translation

    from apps.screening.exports import screening_xlsx_response

    call = CallFactory()
    with translation.override("en"):
        response = screening_xlsx_response(call=call, reviews=[])
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    assert not [h for h in headers if h and "(platform)" in h]
    assert any(h and h.endswith(": computed by the platform") for h in headers)


def test_the_round_page_counts_experts_in_words(english):
    from tests.review.world import review_world

    world = review_world(applications=1, experts=3)
    from apps.review.models import ExpertAssignment
    from apps.review.services import review_round_close, score_sheet_save
    from tests.review.world import BEST

    for assignment in ExpertAssignment.unscoped.filter(round__call=world.call):
        score_sheet_save(
            expert=assignment.expert,
            assignment=assignment,
            scores=BEST,
            bonus={},
            vetoes={},
            submit=True,
        )
    review_round_close(user=world.office, review_round=world.call.review_round)
    english.force_login(world.office)
    body = english.get(f"/review/calls/{world.call.pk}/").content.decode()
    assert "3 experts" in body
