"""Each application and project shows its history as a timeline from the audit log, in plain
words, by role and organisation (issue 17 item 8)."""

import pytest
from django.utils import translation

from apps.audit.plain import object_timeline
from apps.core.context import acting_as, actor_for_user
from apps.projects.services import project_stage_advance
from tests.applications.builders import submitted_application
from tests.calls.factories import CallFactory
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_projects_timeline_names_the_stage_change_and_who_by_role():
    project = ProjectFactory(stage="arranged")
    hrss = UserFactory(role="hrss", organisation__jurisdiction=project.jurisdiction)
    with acting_as(actor_for_user(hrss)):
        project_stage_advance(user=hrss, project=project, action="procure")
    with translation.override("en"):
        timeline = object_timeline(project)
    step = timeline[-1]
    assert step["changes"] == [("stage", "In the annual arrangement", "Procurement")]
    assert step["who"].startswith("HRSS department")
    assert hrss.full_name not in step["who"]


def test_the_application_page_shows_its_submission(client):
    call = CallFactory()
    application, applicant = submitted_application(call)
    client.force_login(applicant)
    page = client.get(f"/applications/{application.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert 'data-testid="timeline"' in html and "Submitted" in html
