"""Scoping of calls, applications and the preliminary review: role × endpoint × own/other city."""

import pytest

from apps.accounts.roles import GOVERNMENT_ROLES, Role
from apps.screening.models import PreliminaryReview, SimilarityPair
from apps.screening.services import screening_run
from tests.applications.builders import submitted_application
from tests.calls.factories import CallFactory
from tests.factories import CityFactory, ProvinceFactory, UserFactory

pytestmark = pytest.mark.django_db


class CityCalls:
    def __init__(self, province, code):
        self.city = CityFactory(parent=province, code=code)
        self.call = CallFactory(jurisdiction=self.city)
        self.application, self.applicant = submitted_application(self.call)
        submitted_application(self.call)
        screening_run(call=self.call)
        self.review = PreliminaryReview.unscoped.get(application=self.application)
        self.pair = SimilarityPair.unscoped.filter(call=self.call).first()


@pytest.fixture
def cities():
    province = ProvinceFactory()
    return CityCalls(province, "139901"), CityCalls(province, "139902")


def _user(role, world):
    if role == Role.APPLICANT:
        return world.applicant
    return UserFactory(role=role, organisation__jurisdiction=world.city)


SEES_APPLICATIONS = GOVERNMENT_ROLES | {Role.APPLICANT}


@pytest.mark.parametrize("role", list(Role))
def test_application_pages_and_api(client, cities, role):
    own, other = cities
    client.force_login(_user(role, own))
    expected = 200 if role in SEES_APPLICATIONS else 404
    for world, status in ((own, expected), (other, 404)):
        assert client.get(f"/applications/{world.application.pk}/").status_code == status
        assert client.get(f"/api/v1/applications/{world.application.pk}/").status_code == status
        assert client.get(f"/api/v1/screening-results/{world.review.pk}/").status_code == status


@pytest.mark.parametrize("role", list(Role))
def test_application_lists_and_exports_hold_only_the_own_city(client, cities, role):
    own, other = cities
    client.force_login(_user(role, own))
    for url in ("/applications/", "/api/v1/applications/", "/applications/?export=xlsx"):
        body = client.get(url).content
        assert other.application.number.encode() not in body
        if role in SEES_APPLICATIONS and "xlsx" not in url:
            assert own.application.number.encode() in body


@pytest.mark.parametrize("role", list(Role))
def test_screening_pages_are_for_the_office_of_the_city(client, cities, role):
    own, other = cities
    client.force_login(_user(role, own))
    urls = [
        lambda w: f"/screening/calls/{w.call.pk}/",
        lambda w: f"/screening/reviews/{w.review.pk}/",
        lambda w: f"/screening/pairs/{w.pair.pk}/",
    ]
    for url in urls:
        own_status = client.get(url(own)).status_code
        other_status = client.get(url(other)).status_code
        if role == Role.OFFICE:
            assert (own_status, other_status) == (200, 404)
        else:
            assert own_status == 403 and other_status == 403


@pytest.mark.parametrize("role", list(Role))
def test_call_pages(client, cities, role):
    own, other = cities
    client.force_login(_user(role, own))
    assert client.get(f"/calls/{own.call.pk}/").status_code == 200
    other_status = client.get(f"/calls/{other.call.pk}/").status_code
    # Published calls are public; region users still see only their own region's in the app.
    assert other_status == (404 if role in GOVERNMENT_ROLES else 200)
