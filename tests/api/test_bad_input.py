"""Issue 16 item 6 — bad input is a 400 with field errors, never a 500: nested rows that
break a constraint, and key industries resolved within the application's province."""

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from apps.applications.models import Application
from tests.applications.builders import applicant_user, valid_fields, valid_tables
from tests.calls.factories import CallFactory
from tests.factories import KeyIndustryFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


def _payload(call) -> dict:
    fields = valid_fields(call)
    fields["industry"] = fields["industry"].code
    fields["service_industries"] = [i.code for i in fields["service_industries"]]
    return {
        "call": call.pk,
        "project_name": "接口申报的培训项目",
        "project_type": "training",
        **fields,
        **valid_tables(call),
    }


def _post(client, data, url="/api/v1/applications/", method="post"):
    return getattr(client, method)(
        url, json.dumps(data, cls=DjangoJSONEncoder), content_type="application/json"
    )


@pytest.fixture
def applicant(client):
    call = CallFactory()
    client.force_login(applicant_user(call))
    return client, call


def test_two_team_leaders_are_a_field_error_at_the_second_row(applicant):
    client, call = applicant
    payload = _payload(call)
    payload["team"] = payload["team"] * 2
    response = _post(client, payload)
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]["team"]
    assert errors[0] == {} and "is_leader" in errors[1]
    assert not Application.unscoped.exists()


def test_a_stage_ending_before_it_starts_is_a_field_error(applicant):
    client, call = applicant
    payload = _payload(call)
    stage = payload["stages"][0]
    stage["start_date"], stage["end_date"] = stage["end_date"], stage["start_date"]
    response = _post(client, payload)
    assert response.status_code == 400
    assert "end_date" in response.json()["errors"]["stages"][0]


def test_an_application_ending_before_it_starts_and_a_year_twice(applicant):
    client, call = applicant
    payload = _payload(call)
    payload["start_date"], payload["end_date"] = payload["end_date"], payload["start_date"]
    payload["insurance_years"][1]["year"] = payload["insurance_years"][0]["year"]
    payload["budget_lines"][0]["quantity"] = "0"
    response = _post(client, payload)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "end_date" in errors and "year" in errors["insurance_years"][1]
    assert "quantity" in errors["budget_lines"][0]


def test_a_failure_after_the_draft_is_made_leaves_nothing(applicant, monkeypatch):
    from django.core.exceptions import ValidationError

    from apps.applications import services

    client, call = applicant

    def refuse(**kwargs):
        raise ValidationError({"budget_lines": "拒绝"})

    monkeypatch.setattr(services, "application_update", refuse)
    response = _post(client, _payload(call))
    assert response.status_code == 400 and "budget_lines" in response.json()["errors"]
    assert not Application.unscoped.exists()


def test_a_hebei_industry_code_is_resolved_in_hebei_though_another_root_has_it(applicant):
    client, call = applicant
    shenzhen = ProvinceFactory(code="440300", name="深圳市", name_en="Shenzhen")
    hebei_industry = call.key_industries.get()
    KeyIndustryFactory(province=shenzhen, code=hebei_industry.code)
    created = _post(client, _payload(call))
    assert created.status_code == 201, created.content
    application = Application.unscoped.get(pk=created.json()["id"])
    assert application.industry == hebei_industry
    assert created.json()["industry"] == hebei_industry.code
    changed = _post(
        client,
        {"industry": hebei_industry.code},
        url=f"/api/v1/applications/{application.pk}/",
        method="patch",
    )
    assert changed.status_code == 200, changed.content


def test_an_unknown_industry_code_names_the_province(applicant):
    client, call = applicant
    payload = _payload(call)
    payload["industry"] = "no-such"
    response = _post(client, payload)
    assert response.status_code == 400
    assert "no-such" in response.json()["errors"]["industry"][0]


def test_an_unknown_service_industry_code_is_a_field_error_not_a_500(applicant):
    client, call = applicant
    created = _post(client, _payload(call))
    assert created.status_code == 201, created.content
    response = _post(
        client,
        {"service_industries": ["no-such"]},
        url=f"/api/v1/applications/{created.json()['id']}/",
        method="patch",
    )
    assert response.status_code == 400, response.content
    assert "no-such" in response.json()["errors"]["service_industries"][0]
