import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.calls import services
from tests.calls.factories import CallFactory
from tests.factories import CityFactory, KeyIndustryFactory, ProvinceFactory, UserFactory

pytestmark = pytest.mark.django_db


def _call_data(**overrides):
    now = timezone.now()
    data = {
        "year": 2027,
        "title": "2027年度申报通知",
        "body": "一、申报范围：本市重点行业领域的工伤预防培训和宣传项目。",
        "budget_total": Decimal("1000000.00"),
        "max_amount_per_application": Decimal("300000.00"),
        "opens_at": now,
        "closes_at": now + datetime.timedelta(days=30),
        "rubric_code": "hebei-2027",
    }
    data.update(overrides)
    return data


@pytest.fixture
def office():
    return UserFactory(role="office", organisation__jurisdiction=CityFactory())


def _industries(office):
    return [KeyIndustryFactory(province=office.organisation.jurisdiction.root)]


def test_office_drafts_and_publishes_a_call(office, client):
    call = services.call_create(
        user=office,
        jurisdiction=office.organisation.jurisdiction,
        key_industries=_industries(office),
        **_call_data(),
    )
    assert call.status == "draft"
    assert client.get(f"/public/calls/{call.pk}/").status_code == 404
    services.call_publish(user=office, call=call)
    assert call.status == "published" and call.published_at
    page = client.get("/public/calls/")
    assert call.title in page.content.decode()


def test_closed_call_stays_public_but_takes_no_applications(office, client):
    call = CallFactory(jurisdiction=office.organisation.jurisdiction)
    services.call_close(user=office, call=call)
    assert client.get(f"/public/calls/{call.pk}/").status_code == 200


def test_industries_must_be_the_provinces(office):
    foreign = KeyIndustryFactory(
        province=ProvinceFactory(code="440000", name="广东省"), code="x", name="外省行业"
    )
    with pytest.raises(ValidationError) as exc:
        services.call_create(
            user=office,
            jurisdiction=office.organisation.jurisdiction,
            key_industries=[foreign],
            **_call_data(),
        )
    assert "外省行业" in str(exc.value)


def test_amount_limit_cannot_exceed_the_budget(office):
    with pytest.raises(ValidationError):
        services.call_create(
            user=office,
            jurisdiction=office.organisation.jurisdiction,
            key_industries=_industries(office),
            **_call_data(max_amount_per_application=Decimal("2000000.00")),
        )


def test_window_must_be_in_order(office):
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.call_create(
            user=office,
            jurisdiction=office.organisation.jurisdiction,
            key_industries=_industries(office),
            **_call_data(opens_at=now, closes_at=now - datetime.timedelta(days=1)),
        )


def test_office_of_another_city_cannot_manage_the_call(office):
    call = CallFactory(status="draft")
    with pytest.raises(PermissionDenied):
        services.call_publish(user=office, call=call)


def test_published_call_cannot_be_edited(office):
    call = CallFactory(jurisdiction=office.organisation.jurisdiction)
    with pytest.raises(ValidationError):
        services.call_update(user=office, call=call, title="改")


def test_publishing_after_the_deadline_is_refused(office):
    call = CallFactory(
        jurisdiction=office.organisation.jurisdiction,
        status="draft",
        closes_at=timezone.now() - datetime.timedelta(minutes=1),
        opens_at=timezone.now() - datetime.timedelta(days=2),
    )
    with pytest.raises(ValidationError):
        services.call_publish(user=office, call=call)
