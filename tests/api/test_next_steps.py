"""`…/next-steps/`: an integrating system reads what the caller may do next from the same
tables and selector as the pages (issue: lifecycle spine, item 2)."""

import pytest

from apps.findings.models import FindingSeverity
from apps.findings.services import finding_raise
from tests.calls.factories import CallFactory
from tests.factories import CityFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def _steps(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [step["action"] for step in response.json()]


def test_the_office_of_a_call_gets_close_and_another_role_nothing(client):
    call = CallFactory()
    office = UserFactory(role="office", organisation__jurisdiction=call.jurisdiction)
    hrss = UserFactory(role="hrss", organisation__jurisdiction=call.jurisdiction)
    url = f"/api/v1/calls/{call.pk}/next-steps/"
    assert _steps(client, office, url) == ["close"]
    assert _steps(client, hrss, url) == []


def test_a_projects_next_stage_is_its_own_levels(client):
    project = ProjectFactory(stage="arranged")
    hrss = UserFactory(role="hrss", organisation__jurisdiction=project.jurisdiction)
    response = _steps(client, hrss, f"/api/v1/projects/{project.pk}/next-steps/")
    assert response == ["procure"]


def test_another_city_gets_404_not_the_steps(client):
    project = ProjectFactory(stage="arranged")
    stranger = UserFactory(role="hrss", organisation__jurisdiction=CityFactory())
    client.force_login(stranger)
    assert client.get(f"/api/v1/projects/{project.pk}/next-steps/").status_code == 404


def test_a_finding_offers_its_owner_the_answer(client):
    project = ProjectFactory(stage="implementation")
    agency = UserFactory(role="implementer", organisation__jurisdiction=project.jurisdiction)
    finding = finding_raise(
        rule_code="t",
        citation="HB §14",
        severity=FindingSeverity.MINOR,
        subject=project,
        message="缺少月报",
        owner_role="implementer",
        owner_organisation=agency.organisation,
    )
    assert _steps(client, agency, f"/api/v1/findings/{finding.pk}/next-steps/") == ["answer"]
