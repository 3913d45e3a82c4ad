"""The home page's "needs my action" list comes from the transition tables: each role sees
the objects it may move on now, at its level, and nothing of another city."""

import pytest

from apps.dashboards.work import needs_action
from apps.findings.models import FindingSeverity
from apps.findings.services import finding_raise
from tests.applications.builders import draft_application, submitted_application
from tests.calls.factories import CallFactory
from tests.factories import CityFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def _queues(user) -> dict:
    return {q["code"]: q for q in needs_action(user=user)}


def test_an_applicant_sees_its_draft_to_submit():
    call = CallFactory()
    application, applicant = draft_application(call)
    queue = _queues(applicant)["drafts"]
    assert queue["count"] == 1
    assert queue["items"][0][1] == f"/applications/{application.pk}/edit/"


def test_the_office_sees_applications_awaiting_the_preliminary_review_of_its_city_only():
    call = CallFactory()
    submitted_application(call)
    office = UserFactory(role="office", organisation__jurisdiction=call.jurisdiction)
    other = UserFactory(role="office", organisation__jurisdiction=CityFactory())
    assert _queues(office)["screening"]["count"] == 1
    assert "screening" not in _queues(other)


def test_hrss_sees_arranged_projects_to_procure():
    project = ProjectFactory(stage="arranged")
    hrss = UserFactory(role="hrss", organisation__jurisdiction=project.jurisdiction)
    office = UserFactory(role="office", organisation__jurisdiction=project.jurisdiction)
    assert _queues(hrss)["projects"]["items"][0][1] == f"/projects/{project.pk}/"
    assert "projects" not in _queues(office)


def test_an_agency_sees_the_finding_it_must_answer(client):
    project = ProjectFactory(stage="implementation")
    agency = UserFactory(role="implementer", organisation__jurisdiction=project.jurisdiction)
    finding_raise(
        rule_code="t",
        citation="HB §14",
        severity=FindingSeverity.MINOR,
        subject=project,
        message="缺少月报",
        owner_role="implementer",
        owner_organisation=agency.organisation,
    )
    client.force_login(agency)
    html = client.get("/").content.decode()
    assert 'data-testid="queue-findings"' in html


def test_nothing_to_do_says_so(client):
    client.force_login(UserFactory(role="auditor"))
    assert 'data-testid="nothing-to-do"' in client.get("/").content.decode()
