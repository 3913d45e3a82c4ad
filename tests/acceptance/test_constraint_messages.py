"""Acceptance's constraints in plain words (issue 13 item 10): an expert giving a second
opinion is refused by the service in words and one opinion stays; the models' checks name
what is wrong, never the constraint."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.acceptance import services
from apps.acceptance.models import AcceptanceApplication, ExpertOpinion
from tests.acceptance.world import apply

pytestmark = pytest.mark.django_db


def test_a_second_opinion_is_refused_in_plain_words(world):
    a, _b, _clock = world
    application = apply(a)
    services.expert_opinion_record(user=a.expert, application=application, opinion="课程合理")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.expert_opinion_record(user=a.expert, application=application, opinion="again")
    assert error.value.messages == ["Your opinion is already recorded."]
    assert ExpertOpinion.objects.filter(application=application).count() == 1


def test_the_models_checks_name_what_is_wrong(world):
    a, _b, _clock = world
    application = AcceptanceApplication.unscoped.get(pk=apply(a).pk)
    opinion = ExpertOpinion.objects.create(
        application=application,
        expert=a.expert,
        opinion="课程合理",
        recorded_at=application.applied_at,
    )
    twin = ExpertOpinion(
        application=application, expert=a.expert, opinion="again", recorded_at=opinion.recorded_at
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        twin.validate_constraints()
    assert error.value.messages == ["This expert has already given an opinion on this application."]
    second = AcceptanceApplication.unscoped.get(pk=application.pk)
    second.pk = None
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        second.validate_constraints()
    assert error.value.messages == ["该项目已有进行中的验收申请。"]
