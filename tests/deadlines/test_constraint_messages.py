"""Deadlines' constraints in plain words (issue 13 item 10): cancelling without a reason is
refused by the service; the model's checks say what is wrong, not the constraint's name."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.deadlines import services
from apps.deadlines.models import Deadline, DeadlineStatus
from tests.deadlines.test_services import _open, region  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_cancelling_without_a_reason_is_refused_in_plain_words(region):  # noqa: F811
    deadline = _open("balance_payment", region.sjz)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.deadline_cancel(deadline=deadline, reason="  ")
    assert error.value.message_dict["cancelled_reason"] == ["Give the reason for cancelling."]
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.OPEN


def test_the_models_checks_name_what_is_wrong(region):  # noqa: F811
    deadline = Deadline.unscoped.get(pk=_open("balance_payment", region.sjz).pk)
    deadline.status, deadline.cancelled_reason = DeadlineStatus.CANCELLED, ""
    deadline.late = True
    with translation.override("en"), pytest.raises(ValidationError) as error:
        deadline.validate_constraints()
    assert sorted(error.value.messages) == [
        "Give the reason for cancelling the deadline.",
        "Only a met deadline can be marked late.",
    ]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        deadline.validate_constraints()
    assert not any("约束" in m for m in error.value.messages)
