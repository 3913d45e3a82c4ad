"""Accounts' constraint in plain words (issue 13 item 10): a security event window is written
by the platform only — a second event of the same kind, user and address in a window is
counted on the window (the unique constraint is how the first one is told apart), never shown
to anyone; the model's check still names what is wrong in words."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.accounts import services
from apps.accounts.models import SecurityEventWindow
from apps.audit.models import AuditAction

pytestmark = pytest.mark.django_db


def test_a_repeated_event_is_counted_on_its_window():
    for _ in range(2):
        services.security_event_record(
            kind=AuditAction.ACCESS_REFUSED, username="somebody", ip_address="10.0.0.9"
        )
    window = SecurityEventWindow.objects.get(username="somebody")
    assert window.count == 2
    twin = SecurityEventWindow(
        kind=window.kind,
        username=window.username,
        ip_address=window.ip_address,
        window_start=window.window_start,
        last_at=window.last_at,
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        twin.validate_constraints()
    assert error.value.messages == ["This security event is already counted for this time window."]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        twin.validate_constraints()
    assert error.value.messages == ["该安全事件在此时段内已计数。"]
