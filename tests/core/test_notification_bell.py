"""The bell in the bar shows how many notifications the user has not read (issue 17 item 1)."""

import pytest
from django.urls import reverse

from apps.accounts.roles import Role
from apps.deadlines.models import Notification, NotificationKind
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_bell_counts_the_users_own_unread_notifications(client):
    user = UserFactory(role=Role.APPLICANT)
    other = UserFactory(role=Role.APPLICANT)
    for n in range(3):
        Notification.objects.create(recipient=user, kind=NotificationKind.DECISION, message=f"m{n}")
    Notification.objects.create(recipient=other, kind=NotificationKind.DECISION, message="x")
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="notifications-bell"' in page
    assert 'data-testid="unread-count">3<' in page
    client.post(reverse("deadlines:notifications_read_all"))
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="unread-count"' not in page
