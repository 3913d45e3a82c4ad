"""Audit entries read in plain words (issue 13 item 10): field names and choice values as a
reader knows them, not stored keys."""

import pytest
from django.utils import translation

from apps.audit.models import AuditEntry
from apps.audit.plain import object_label, plain_changes
from apps.projects.services import project_stage_advance
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def _stage_entry():
    project = ProjectFactory(stage="contract")
    agency = UserFactory(role="si_agency", organisation__jurisdiction=project.jurisdiction)
    project_stage_advance(user=agency, project=project, action="start")
    return AuditEntry.unscoped.filter(
        object_type="projects.Project", object_id=str(project.pk), action="transition"
    ).get()


def test_a_stage_change_reads_with_the_stage_names():
    entry = _stage_entry()
    with translation.override("en"):
        assert plain_changes(entry) == [("stage", "Contract and advance", "Implementation")]
        assert object_label(entry) == "project"


def test_in_chinese_no_stored_key_shows():
    entry = _stage_entry()
    with translation.override("zh-hans"):
        (_label, old, new) = plain_changes(entry)[0]
    assert "contract" not in old and "implementation" not in new
