"""Review's constraints in plain words (issue 13 item 10): an expert declaring the same
relation twice from the rendered form updates the one declaration instead of tripping the
unique constraint; the models' checks name what is wrong, never the constraint."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from apps.review.models import ExpertAssignment, ExpertProfile, ExpertRelation, ItemScore
from tests.rendered_forms import form_submit
from tests.review.world import review_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return review_world()


def test_declaring_a_relation_twice_keeps_one_declaration(client, world):
    expert = world.experts[0]
    applicant = world.applications[0].applicant
    client.force_login(expert)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for description in ("曾在该单位任职", "曾在该单位任职三年"):
        page = client.get(reverse("review:my"))
        response = form_submit(
            client,
            page,
            "form[data-testid=relation-form]",
            data={"credit_code": applicant.credit_code, "description": description},
        )
        assert response.status_code == 302
    relation = ExpertRelation._base_manager.get(expert__user=expert, organisation=applicant)
    assert relation.description == "曾在该单位任职三年"
    body = client.get(reverse("review:my")).content.decode()
    assert "Constraint" not in body and "one_relation_per_organisation" not in body


def test_the_models_checks_name_what_is_wrong(world):
    relation = ExpertRelation._base_manager.create(
        expert=ExpertProfile._base_manager.get(user=world.experts[0]),
        organisation=world.applications[0].applicant,
        description="亲属",
    )
    twin = ExpertRelation(
        expert=relation.expert, organisation=relation.organisation, description="股东"
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        twin.validate_constraints()
    assert error.value.messages == [
        "The expert's relation with this organisation is already declared."
    ]
    assignment = ExpertAssignment.unscoped.filter(round__call=world.call).first()
    twin = ExpertAssignment(
        round=assignment.round, application=assignment.application, expert=assignment.expert
    )
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        twin.validate_constraints()
    assert error.value.messages == ["该专家已被分配评审此申请。"]
    score = ItemScore._base_manager.create(assignment=assignment, item_code="A1", score=1)
    twin = ItemScore(assignment=score.assignment, item_code=score.item_code, score=2)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        twin.validate_constraints()
    assert error.value.messages == ["This item already has a score on this score sheet."]
