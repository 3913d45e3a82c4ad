"""The project's stage table (HB §3–23), row by row: who may move a project, at which level,
and what a refused or repeated move leaves behind."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.audit.models import AuditEntry
from apps.projects.lifecycle import PROJECT_LIFECYCLE
from apps.projects.models import ProjectStage
from apps.projects.services import project_create, project_stage_advance
from tests.factories import (
    CityFactory,
    OrganisationFactory,
    ParticipantFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _actor(role: str, jurisdiction):
    return UserFactory(role=role, organisation__jurisdiction=jurisdiction)


def _own_actor(row, project):
    """Someone who holds the row's role at the row's level of `project`."""
    role = sorted(row.roles)[0]
    if row.level == "own":
        return _actor(role, project.jurisdiction)
    if row.level == "province":
        return _actor(role, project.jurisdiction.root)
    user = _actor(role, project.jurisdiction)
    ParticipantFactory(project=project, role="implementer", organisation=user.organisation)
    return user


@pytest.mark.parametrize("row", PROJECT_LIFECYCLE.transitions, ids=lambda t: t.action)
def test_each_row_moves_a_project_for_its_role_at_its_level(row):
    project = ProjectFactory(stage=row.source)
    user = _own_actor(row, project)
    project_stage_advance(user=user, project=project, action=row.action, note="理由")
    project.refresh_from_db()
    assert project.stage == row.target


@pytest.mark.parametrize("row", PROJECT_LIFECYCLE.transitions, ids=lambda t: t.action)
def test_each_row_is_refused_to_the_same_role_of_another_city(row):
    project = ProjectFactory(stage=row.source)
    other_city = CityFactory()
    user = _actor(sorted(row.roles)[0], other_city)
    with pytest.raises(PermissionDenied):
        project_stage_advance(user=user, project=project, action=row.action, note="理由")
    project.refresh_from_db()
    assert project.stage == row.source


@pytest.mark.parametrize("row", PROJECT_LIFECYCLE.transitions, ids=lambda t: t.action)
def test_each_row_is_refused_to_another_role_of_the_right_level(row):
    project = ProjectFactory(stage=row.source)
    wrong_role = "auditor" if "auditor" not in row.roles else "office"
    user = _actor(
        wrong_role, project.jurisdiction.root if row.level == "province" else project.jurisdiction
    )
    with pytest.raises(PermissionDenied):
        project_stage_advance(user=user, project=project, action=row.action, note="理由")


def test_the_province_above_is_not_the_city_itself():
    """`arrange` belongs to the province office: the city's own office may not take it."""
    project = ProjectFactory(stage=ProjectStage.DETERMINATION)
    city_office = _actor("office", project.jurisdiction)
    with pytest.raises(PermissionDenied):
        project_stage_advance(user=city_office, project=project, action="arrange")


def test_a_participant_row_needs_the_project_itself():
    """An implementing agency that takes part in another project cannot move this one."""
    project = ProjectFactory(stage=ProjectStage.IMPLEMENTATION)
    stranger = _actor("implementer", project.jurisdiction)
    ParticipantFactory(role="implementer", organisation=stranger.organisation)
    with pytest.raises(PermissionDenied):
        project_stage_advance(user=stranger, project=project, action="apply_for_acceptance")


def test_a_step_from_the_wrong_stage_is_refused_with_the_stage_named():
    project = ProjectFactory(stage=ProjectStage.ARRANGED)
    hrss = _actor("hrss", project.jurisdiction)
    with pytest.raises(ValidationError) as error:
        project_stage_advance(user=hrss, project=project, action="award")
    assert "award" in str(error.value)


def test_a_repeated_step_changes_nothing_and_is_refused():
    project = ProjectFactory(stage=ProjectStage.ARRANGED)
    hrss = _actor("hrss", project.jurisdiction)
    stale = type(project).unscoped.get(pk=project.pk)
    project_stage_advance(user=hrss, project=project, action="procure")
    with pytest.raises(ValidationError):
        project_stage_advance(user=hrss, project=stale, action="procure")
    assert (
        AuditEntry.unscoped.filter(
            object_type="projects.Project", object_id=str(project.pk), action="transition"
        ).count()
        == 1
    )


def test_one_step_writes_one_audit_entry_with_the_stage_before_and_after():
    project = ProjectFactory(stage=ProjectStage.ARRANGED)
    hrss = _actor("hrss", project.jurisdiction)
    last = AuditEntry.unscoped.order_by("-id").values_list("id", flat=True).first() or 0
    project_stage_advance(user=hrss, project=project, action="procure")
    entries = list(
        AuditEntry.unscoped.filter(
            id__gt=last, object_type="projects.Project", object_id=str(project.pk)
        )
    )
    assert len(entries) == 1
    assert (entries[0].before, entries[0].after) == (
        {"stage": "arranged"},
        {"stage": "procurement"},
    )


def test_a_reason_is_required_where_the_row_says_so():
    project = ProjectFactory(stage=ProjectStage.ACCEPTANCE)
    office = _actor("office", project.jurisdiction)
    with pytest.raises(ValidationError):
        project_stage_advance(user=office, project=project, action="fail_acceptance")


def test_a_project_is_made_only_at_filing_or_by_an_adjustment():
    city = CityFactory()
    applicant = OrganisationFactory(jurisdiction=city)
    fields = dict(
        code="XM-T-1",
        name="测试项目",
        year=2027,
        project_type="training",
        jurisdiction=city,
        applicant=applicant,
        budget_amount="100000.00",
    )
    with pytest.raises(ValidationError):
        project_create(stage=ProjectStage.PROCUREMENT, **fields)
    project = project_create(stage=ProjectStage.DETERMINATION, **fields)
    assert project.participants.get().organisation == applicant
