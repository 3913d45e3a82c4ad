"""Supervision's constraints in plain words (issue 13 item 10): a periodic report whose period
ends before it starts is refused from the rendered form with a message on the field, and a
questionnaire with more aware than returned by the service; the models' checks name what is
wrong, never the constraint."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from apps.supervision.models import Inspection, PeriodicReport
from apps.supervision.selectors import TRAINING_SECTIONS
from tests.rendered_forms import form_submit

from .world import onsite

pytestmark = pytest.mark.django_db


def test_a_period_ending_before_it_starts_is_refused_in_plain_words(client, world):
    a, _b, _clock = world
    client.force_login(a.evaluator)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("supervision:report_create", args=[a.project.pk]))
    data = {f"section_{code}": f"{code} 评估" for code, _label in TRAINING_SECTIONS}
    response = form_submit(
        client,
        page,
        "form[data-testid=report-form]",
        data=data
        | {"period_start": "2026-11-19", "period_end": "2026-11-01", "conclusion": "基本符合"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The period ends before it starts." in body
    assert "Constraint" not in body and "report_period_in_order" not in body
    assert not PeriodicReport.unscoped.exists()


def test_more_aware_than_returned_is_refused_in_plain_words(world):
    a, _b, _clock = world
    with pytest.raises(ValidationError) as error:
        onsite(a, kind="questionnaire", respondents=10, aware=12, satisfied=11)
    assert error.value.message_dict["aware"] == ["This is more than the questionnaires returned."]
    assert error.value.message_dict["satisfied"] == [
        "This is more than the questionnaires returned."
    ]
    assert not Inspection.unscoped.filter(kind="questionnaire").exists()


def test_the_models_checks_name_what_is_wrong(world):
    a, _b, _clock = world
    inspection = Inspection.unscoped.get(pk=onsite(a).pk)
    inspection.respondents, inspection.aware, inspection.satisfied = 10, 12, 11
    with translation.override("en"), pytest.raises(ValidationError) as error:
        inspection.validate_constraints()
    assert sorted(error.value.messages) == [
        "Those aware cannot be more than those who answered.",
        "Those satisfied cannot be more than those who answered.",
    ]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        inspection.validate_constraints()
    assert not any("约束" in m for m in error.value.messages)
