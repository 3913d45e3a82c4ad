"""Lists read as rows (`apps.core.rest.rows`): the answer is the serializer's, value for value,
and a page costs the same few queries however many participants it holds."""

import datetime
from decimal import Decimal

import pytest

from apps.core.rest.rows import _writers
from apps.projects.api.serializers import ProjectSerializer
from apps.projects.api.views import ProjectViewSet
from apps.projects.models import Project
from tests.factories import (
    KeyIndustryFactory,
    OrganisationFactory,
    ParticipantFactory,
    ProjectFactory,
    UserFactory,
)

from .conformance import key_client

pytestmark = pytest.mark.django_db


def _instances_answer(pks):
    """What the serializer writes from model instances, in the list's order."""
    projects = Project.unscoped.filter(pk__in=pks).order_by("-year", "code")
    for project in projects:
        project.participant_rows = list(project.participants.order_by("pk"))
    return [dict(row) for row in ProjectSerializer(projects, many=True).data]


def test_the_row_list_answers_exactly_what_the_serializer_writes():
    client, project = key_client(budget_amount=Decimal("123456.70"))
    city = project.jurisdiction
    industry = KeyIndustryFactory()
    other = ProjectFactory(jurisdiction=city, industry=industry, year=2026)
    ParticipantFactory(project=project, since=datetime.date(2027, 3, 1))
    ParticipantFactory(project=project, organisation=None, person=UserFactory(), role="expert")
    ParticipantFactory(project=other, role="evaluator")

    listed = client.get("/api/v1/projects/").json()["results"]

    assert listed == _instances_answer([project.pk, other.pk])
    assert listed[0]["budget_amount"] == "123456.70" and listed[0]["industry"] is None
    assert [p["organisation"] for p in listed[0]["participants"]][1] is None


def test_a_page_of_projects_costs_the_same_queries_whatever_its_participants(
    django_assert_max_num_queries,
):
    client, project = key_client()
    agency = OrganisationFactory(jurisdiction=project.jurisdiction)
    for _ in range(60):
        ParticipantFactory(
            project=ProjectFactory(jurisdiction=project.jurisdiction), organisation=agency
        )
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/projects/").json()
    assert body["count"] == 61 and len(body["results"]) == 50


def test_a_serializer_field_without_a_row_column_is_refused_on_first_use():
    columns = {k: v for k, v in ProjectViewSet.list_columns.items() if k != "applicant"}
    with pytest.raises(ValueError, match="applicant"):
        _writers(ProjectSerializer(), columns, nested=ProjectViewSet.list_children)
