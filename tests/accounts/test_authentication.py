"""Login, lockout, idle timeout, logout everywhere, second factor, API keys."""

import datetime

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import services
from apps.accounts.roles import Role
from apps.audit.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Wipp-Test-2026!"


def _login(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = UserFactory()
    assert identify_hasher(user.password).algorithm == "argon2"


def test_login_succeeds_and_is_audited(client):
    user = UserFactory()
    assert _login(client, user.username).status_code == 302
    entry = AuditEntry.unscoped.filter(action="login").latest("id")
    assert entry.actor_username == user.username
    assert entry.actor_role == user.role
    assert entry.actor_organisation == user.organisation.name
    assert entry.ip_address == "127.0.0.1"


def test_wrong_password_shows_an_error_and_is_audited(client):
    user = UserFactory()
    response = _login(client, user.username, "wrong")
    assert response.status_code == 200
    assert AuditEntry.unscoped.filter(action="login_failed", object_repr=user.username).exists()


def test_five_failures_lock_the_account_even_with_the_right_password(client):
    user = UserFactory()
    for _ in range(5):
        _login(client, user.username, "wrong")
    response = _login(client, user.username)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client):
    user = UserFactory()
    for _ in range(4):
        _login(client, user.username, "wrong")
    assert _login(client, user.username).status_code == 302


@pytest.fixture
def logged_in(client):
    user = UserFactory()
    client.force_login(user)
    return client, user


def _session_row(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key)


def test_each_request_renews_the_session_for_the_idle_timeout(logged_in):
    from django.utils import timezone

    client, _user = logged_in
    client.get("/projects/")
    remaining = _session_row(client).expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < remaining <= datetime.timedelta(minutes=30)


def test_session_idle_longer_than_the_timeout_is_logged_out(logged_in):
    client, _user = logged_in
    assert client.get("/projects/").status_code == 200
    row = _session_row(client)
    row.expire_date -= datetime.timedelta(minutes=31)
    row.save()
    response = client.get("/projects/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_logout_everywhere_ends_other_sessions(client):
    from django.test import Client

    user = UserFactory()
    other_device = Client()
    other_device.force_login(user)
    client.force_login(user)
    client.post("/accounts/logout-everywhere/")
    assert other_device.get("/projects/").status_code == 302


@override_settings(SECOND_FACTOR_REQUIRED_ROLES=[Role.OFFICE])
def test_second_factor_is_required_for_configured_roles(client):
    user = UserFactory(role=Role.OFFICE)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    _login(client, user.username)
    response = client.get("/projects/")
    assert response.status_code == 302
    assert "/accounts/second-factor/" in response["Location"]
    token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    client.post("/accounts/second-factor/", {"token": f"{token:06d}", "next": "/projects/"})
    assert client.get("/projects/").status_code == 200


@override_settings(SECOND_FACTOR_REQUIRED_ROLES=[Role.OFFICE])
def test_wrong_second_factor_code_is_refused(client):
    user = UserFactory(role=Role.OFFICE)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    _login(client, user.username)
    response = client.post("/accounts/second-factor/", {"token": "000000"})
    assert response.status_code == 200
    assert client.get("/projects/").status_code == 302


def test_api_key_authenticates_a_machine_client(client):
    admin = UserFactory(role=Role.USER_ADMIN)
    service_user = UserFactory(role=Role.OFFICE, organisation=admin.organisation)
    _client, key = services.api_client_create(
        admin=admin, name="考勤设备", service_user=service_user
    )
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert response.status_code == 200
    assert response.json()["username"] == service_user.username


def test_wrong_api_key_is_refused(client):
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Api-Key abc.def")
    assert response.status_code == 401


def test_api_key_of_deactivated_account_stops_working(client):
    admin = UserFactory(role=Role.USER_ADMIN)
    service_user = UserFactory(role=Role.OFFICE, organisation=admin.organisation)
    _client, key = services.api_client_create(admin=admin, name="设备", service_user=service_user)
    services.user_deactivate(admin=admin, user=service_user)
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Api-Key {key}").status_code == 401


def test_user_admin_creates_shows_once_and_revokes_an_api_key(client):
    admin = UserFactory(role=Role.USER_ADMIN)
    device = UserFactory(role=Role.OFFICE, organisation=admin.organisation)
    client.force_login(admin)
    page = client.post("/api-clients/", {"name": "考勤终端", "service_user": device.pk})
    key = page.context["new_key"]
    api = Client()
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Api-Key {key}").status_code == 200
    assert key not in client.get("/api-clients/").content.decode()
    api_client = device.api_clients.get()
    client.post(f"/api-clients/{api_client.pk}/revoke/")
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Api-Key {key}").status_code == 401


def test_api_keys_of_another_level_cannot_be_revoked(client):
    admin = UserFactory(role=Role.USER_ADMIN)
    other_admin = UserFactory(role=Role.USER_ADMIN)
    stranger = UserFactory(role=Role.OFFICE, organisation=other_admin.organisation)
    api_client, _key = services.api_client_create(
        admin=other_admin, name="x", service_user=stranger
    )
    client.force_login(admin)
    assert client.post(f"/api-clients/{api_client.pk}/revoke/").status_code == 404
