"""Refusals and security events in the audit log, aggregated (issue 12 item 7).

等保 GB/T 22239-2019 8.1.4.3 a–b (security audit covers every user and important security
events), 8.1.4.3 c (the log is protected — here: cannot be flooded); OWASP ASVS 5.0 16.3.1
(authentication events), 16.3.2 (failed authorisation attempts), 16.3.3 (attempts to bypass
security controls), 16.2.x (log entries with who, when, where).
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from apps.accounts import services
from apps.accounts.models import SecurityEventWindow
from apps.accounts.roles import Role
from apps.audit.models import AuditAction, AuditEntry
from apps.audit.selectors import audit_chain_verify
from apps.audit.sequencer import audit_chain_pending
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def _entries(action):
    return AuditEntry.unscoped.filter(action=action)


def _close_windows():
    """Moves every open window into the past, as if its time had run out."""
    for window in SecurityEventWindow.objects.all():
        window.window_start -= datetime.timedelta(hours=1)
        window.save(update_fields=["window_start"])


def test_asvs_16_3_2_refused_object_access_is_audited_with_who_and_where(client):
    office = UserFactory(role=Role.OFFICE)
    elsewhere = ProjectFactory()
    client.force_login(office)
    assert client.get(f"/projects/{elsewhere.pk}/").status_code == 404
    entry = _entries(AuditAction.ACCESS_REFUSED).get()
    assert entry.actor_username == office.username and entry.actor_role == Role.OFFICE
    assert entry.ip_address == "127.0.0.1"
    assert f"404 GET /projects/{elsewhere.pk}/" in entry.message
    assert entry.jurisdiction_path == office.audit_jurisdiction_path()


def test_asvs_16_3_2_forbidden_page_is_audited(client):
    client.force_login(UserFactory(role=Role.OFFICE))
    assert client.get("/users/").status_code == 403
    assert "403 GET /users/" in _entries(AuditAction.ACCESS_REFUSED).get().message


def test_asvs_16_3_2_refused_api_object_is_audited(client):
    office = UserFactory(role=Role.OFFICE)
    elsewhere = ProjectFactory()
    client.force_login(office)
    assert client.get(f"/api/v1/projects/{elsewhere.pk}/").status_code == 404
    assert _entries(AuditAction.ACCESS_REFUSED).get().actor_username == office.username


def test_8_1_4_3_a_crawler_cannot_flood_the_log(client):
    """Two hundred refused object accesses: one entry now, one summary with the count once
    the window is over — and the chain still verifies."""
    office = UserFactory(role=Role.OFFICE)
    client.force_login(office)
    before = AuditEntry.unscoped.count()
    for pk in range(900_000, 900_200):
        client.get(f"/projects/{pk}/")
    assert AuditEntry.unscoped.count() == before + 1
    window = SecurityEventWindow.objects.get(kind=AuditAction.ACCESS_REFUSED)
    assert window.count == 200 and window.username == office.username
    assert "900199" in window.last_detail
    _close_windows()
    call_command("security_events_summarise", stdout=io.StringIO())
    summary = _entries(AuditAction.EVENTS_SUMMARISED).get()
    assert summary.after["count"] == 200 and summary.after["kind"] == AuditAction.ACCESS_REFUSED
    assert summary.after["window_seconds"] == 600
    call_command("security_events_summarise", stdout=io.StringIO())
    assert _entries(AuditAction.EVENTS_SUMMARISED).count() == 1
    audit_chain_pending()
    assert audit_chain_verify().intact


def test_8_1_4_3_a_next_window_starts_a_new_entry_and_summarises_the_last(client):
    client.force_login(UserFactory(role=Role.OFFICE))
    for pk in (900_001, 900_002, 900_003):
        client.get(f"/projects/{pk}/")
    _close_windows()
    client.get("/projects/900004/")
    assert _entries(AuditAction.ACCESS_REFUSED).count() == 2
    assert _entries(AuditAction.EVENTS_SUMMARISED).get().after["count"] == 3


def test_8_1_4_3_a_kinds_users_and_addresses_are_counted_apart(client):
    first, second = UserFactory(role=Role.OFFICE), UserFactory(role=Role.OFFICE)
    client.force_login(first)
    client.get("/projects/900001/")
    client.get("/projects/900001/", REMOTE_ADDR="10.2.2.2")
    client.force_login(second)
    client.get("/projects/900001/")
    assert _entries(AuditAction.ACCESS_REFUSED).count() == 3


@override_settings(WIPP_SECURITY_EVENT_WINDOW_SECONDS=60)
def test_8_1_4_3_a_window_length_is_a_setting():
    services.security_event_record(kind=AuditAction.ACCESS_REFUSED, username="u", ip_address="")
    window = SecurityEventWindow.objects.get()
    assert window.window_start.timestamp() % 60 == 0
    assert "60-second window" in _entries(AuditAction.ACCESS_REFUSED).get().message


def test_8_1_4_3_a_paths_without_a_view_are_not_object_refusals(client):
    client.force_login(UserFactory(role=Role.OFFICE))
    assert client.get("/wp-admin/setup.php").status_code == 404
    assert not _entries(AuditAction.ACCESS_REFUSED).exists()


def test_asvs_16_3_3_refused_api_keys_are_audited_and_aggregated(client):
    for _ in range(30):
        assert (
            client.get("/api/v1/me/", HTTP_AUTHORIZATION="Api-Key deadbeef.guess").status_code
            == 401
        )
    entry = _entries(AuditAction.API_KEY_REFUSED).get()
    assert entry.object_repr == "api-key:deadbeef" and entry.ip_address == "127.0.0.1"
    assert SecurityEventWindow.objects.get(kind=AuditAction.API_KEY_REFUSED).count == 30


def test_asvs_16_3_1_failed_logins_are_aggregated_too(client):
    user = UserFactory()
    for _ in range(4):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    assert _entries(AuditAction.LOGIN_FAILED).filter(object_repr=user.username).count() == 1
    assert SecurityEventWindow.objects.get(kind=AuditAction.LOGIN_FAILED).count == 4


def test_8_1_4_3_security_events_show_on_the_security_page(client):
    office = UserFactory(role=Role.OFFICE)
    security = UserFactory(role=Role.SECURITY_ADMIN, organisation=office.organisation)
    outsider = UserFactory(role=Role.OFFICE)
    client.force_login(office)
    client.get("/projects/900001/")
    client.force_login(outsider)
    client.get("/projects/900001/")
    client.force_login(security)
    events = client.get("/security/").content.decode().split('data-testid="security-events"')[1]
    assert office.username in events and outsider.username not in events
