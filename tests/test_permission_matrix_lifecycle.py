"""Scoping of the later lifecycle stages — procurement, contracts, payments, deadlines,
qualification registers, determination — as a matrix: every role of one city × every page and
API endpoint × the other city's records (direct URLs and lists)."""

import datetime

import pytest

from apps.accounts.roles import Role
from apps.contracts import services as contract_services
from apps.deadlines.models import Deadline
from apps.qualifications.models import Equipment
from tests.determination.builders import reviewed_city, run_to
from tests.factories import UserFactory
from tests.procurement import world as procurement_world

pytestmark = pytest.mark.django_db
HIDDEN = {403, 404}


@pytest.fixture
def cities():
    own, other = procurement_world.build_world()
    procurement, _award, agreement = procurement_world.contracted(other)
    payment = contract_services.payment_record(
        user=other.si_agency,
        agreement=agreement,
        kind="advance",
        amount=agreement.amount / 2,
        paid_on=datetime.date(2026, 11, 12),
        uploaded_file=procurement_world.pdf(),
    )
    determined = reviewed_city(name="他市")
    determination = run_to(determined, "filed")
    return own, {
        "procurement": procurement,
        "agreement": agreement,
        "payment": payment,
        "deadline": Deadline.unscoped.filter(project=other.project).first(),
        "equipment": Equipment.unscoped.filter(organisation=other.trainer).first(),
        "trainer": other.trainer,
        "project": other.project,
        "determination": determination,
        "office": other.office,
        "determination_office": determined.office,
    }


def _user(role, own):
    return own.users.get(role) or UserFactory(role=role, organisation__jurisdiction=own.city)


def _other_urls(o) -> list[str]:
    return _stage_urls(o) + _determination_urls(o)


def _determination_urls(o) -> list[str]:
    return [
        f"/determination/calls/{o['determination'].call_id}/",
        f"/api/v1/determinations/{o['determination'].pk}/",
    ]


def _stage_urls(o) -> list[str]:
    return [
        f"/procurement/{o['procurement'].pk}/",
        f"/procurement/projects/{o['project'].pk}/traceability/",
        f"/api/v1/procurements/{o['procurement'].pk}/",
        f"/api/v1/service-agreements/{o['agreement'].pk}/",
        f"/api/v1/payments/{o['payment'].pk}/",
        f"/deadlines/{o['deadline'].pk}/",
        f"/api/v1/deadlines/{o['deadline'].pk}/",
        f"/qualifications/organisations/{o['trainer'].pk}/",
        f"/api/v1/qualification-equipment/{o['equipment'].pk}/",
    ]


def test_the_urls_are_real_pages_for_the_other_citys_office(client, cities):
    _own, other = cities
    client.force_login(other["office"])
    assert {url: client.get(url).status_code for url in _stage_urls(other)} == {
        url: 200 for url in _stage_urls(other)
    }
    client.force_login(other["determination_office"])
    assert {url: client.get(url).status_code for url in _determination_urls(other)} == {
        url: 200 for url in _determination_urls(other)
    }


@pytest.mark.parametrize("role", list(Role))
def test_no_role_reaches_another_citys_lifecycle_records(client, cities, role):
    own, other = cities
    assert all(other.values())
    client.force_login(_user(role, own))
    reached = {url: client.get(url).status_code for url in _other_urls(other)}
    assert {url: code for url, code in reached.items() if code not in HIDDEN} == {}


@pytest.mark.parametrize("role", list(Role))
def test_lists_hold_nothing_of_another_city(client, cities, role):
    own, other = cities
    client.force_login(_user(role, own))
    title = other["procurement"].title.encode()
    code = other["project"].code.encode()
    for url in (
        "/procurement/",
        "/api/v1/procurements/",
        "/api/v1/payments/",
        "/deadlines/",
        "/api/v1/deadlines/",
        "/api/v1/determinations/",
        "/determination/",
    ):
        body = client.get(url).content
        assert title not in body and code not in body, url
