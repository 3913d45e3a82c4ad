"""The office's decision on a non-face presence confirmation tells the agency whose staff asked
(issue 17 item 1): a rejection carries its reason; the office and another city's agency hear
nothing."""

import pytest

from apps.deadlines.models import Notification, NotificationKind
from apps.training import services
from tests.training.world import at, trainee_for

pytestmark = pytest.mark.django_db


def _decisions(user):
    return list(Notification.objects.filter(recipient=user, kind=NotificationKind.DECISION))


def test_a_rejected_confirmation_tells_the_agency_with_the_reason(
    world, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "en"
    a, b = world
    trainee = trainee_for(a, name="拒绝人脸")
    at(monkeypatch, a.session.ends_at)
    confirmation = services.confirmation_request(
        user=a.agency, session=a.session, trainee=trainee, kind="out", reason="已核验身份证原件"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.confirmation_decide(
            user=a.office, confirmation=confirmation, action="reject", note="未附签到表"
        )
    (notice,) = _decisions(a.agency)
    assert "Reason: 未附签到表" in notice.message
    assert not _decisions(a.office) and not _decisions(b.agency)
