"""Findings' constraints in plain words (issue 13 item 10): dismissing without a reason is
refused by the step itself; the model's check says the same in plain words."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.findings.models import Finding, FindingStatus
from apps.findings.services import finding_act

pytestmark = pytest.mark.django_db


def test_dismissing_without_a_reason_is_refused_in_plain_words(world):
    finding = world.finding()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        finding_act(user=world.office, finding=finding, action="dismiss", note="  ")
    assert error.value.message_dict["note"] == ["Give the reason for this decision."]
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


def test_the_models_check_names_what_is_wrong(world):
    finding = Finding.unscoped.get(pk=world.finding().pk)
    finding.status, finding.status_note = FindingStatus.DISMISSED, ""
    with translation.override("en"), pytest.raises(ValidationError) as error:
        finding.validate_constraints()
    assert error.value.messages == ["Give the reason for dismissing the finding."]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        finding.validate_constraints()
    assert "约束" not in error.value.messages[0]
