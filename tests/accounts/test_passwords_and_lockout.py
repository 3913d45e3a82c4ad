"""Passwords and lockout (issue 12 item 5).

OWASP ASVS 5.0 6.2.1 (at least 12 characters in the default setting... 8 minimum, 15
recommended), 6.2.3 / 7.5.1 (change needs the current password), 6.2.4 (common passwords),
6.2.11 (context words), 6.3.1 (brute force defeated without a lockout at will);
等保 GB/T 22239-2019 8.1.4.1 a (complexity and periodic change), 8.1.4.1 b (failure handling).
"""

import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone, translation

from apps.accounts.roles import Role
from apps.audit.models import AuditAction, AuditEntry
from tests.accounts.html_forms import read_form
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Wipp-Test-2026!"
NEW_PASSWORD = "Lanse-Hezi#4821"


def _refused(password, user) -> list[str]:
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        validate_password(password, user)
    return exc.value.messages


def test_asvs_6_2_1_twelve_characters_minimum():
    user = UserFactory(role=Role.APPLICANT)
    assert any("at least 12" in m for m in _refused("Ky8#vbq2Lmz", user))
    validate_password("Ky8#vbq2Lmzx", user)


def test_asvs_6_2_4_common_passwords_are_refused():
    user = UserFactory(role=Role.APPLICANT)
    assert any("too common" in m for m in _refused("Qwerty123456", user))


@pytest.mark.parametrize(
    ("password", "what"),
    [
        ("zhangwei2027!Lk", "username"),
        ("Lk!Zhangwei2027-Qp", "username"),
        ("Anpei-Training-77", "organisation"),
        ("Wipp-Lanse-2027", "site"),
    ],
)
def test_asvs_6_2_11_context_words_are_refused(password, what):
    organisation = OrganisationFactory(name="Anpei Safety Training")
    user = UserFactory(role=Role.APPLICANT, username="zhangwei2027", organisation=organisation)
    assert any(what in m for m in _refused(password, user))


def test_8_1_4_1_a_composition_rule_is_on_for_government_roles_only_by_default():
    """等保 complexity for the government roles; ASVS 6.2.5 (no composition rules) for the
    external parties."""
    uniform = "lanseheziqiche"
    assert any("at least 3" in m for m in _refused(uniform, UserFactory(role=Role.OFFICE)))
    assert any("at least 3" in m for m in _refused(uniform, UserFactory(role=Role.USER_ADMIN)))
    validate_password(uniform, UserFactory(role=Role.APPLICANT))
    with override_settings(WIPP_PASSWORD_COMPOSITION_ROLES=["*"]):
        assert _refused(uniform, UserFactory(role=Role.APPLICANT))
    with override_settings(WIPP_PASSWORD_COMPOSITION_ROLES=[]):
        validate_password(uniform, UserFactory(role=Role.OFFICE))


def _age_password(user, days):
    user.password_changed_at = timezone.now() - datetime.timedelta(days=days)
    user.save(update_fields=["password_changed_at"])


def test_8_1_4_1_a_expired_password_forces_the_change_page(client):
    office = UserFactory(role=Role.OFFICE)
    _age_password(office, 91)
    client.force_login(office)
    response = client.get("/projects/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/password/")
    api = client.get("/api/v1/projects/")
    assert api.status_code == 403 and api.json()["code"] == "password_expired"
    page = client.get("/accounts/password/")
    assert 'data-testid="password-expired"' in page.content.decode()


def test_8_1_4_1_a_periodic_change_is_a_setting_and_off_for_external_roles(client):
    applicant = UserFactory(role=Role.APPLICANT)
    _age_password(applicant, 400)
    client.force_login(applicant)
    assert client.get("/projects/").status_code == 200
    office = UserFactory(role=Role.OFFICE)
    _age_password(office, 89)
    client.force_login(office)
    assert client.get("/projects/").status_code == 200
    _age_password(office, 91)
    with override_settings(WIPP_PASSWORD_MAX_AGE_DAYS=0):
        assert client.get("/projects/").status_code == 200


def _change_form(client):
    page = client.get("/accounts/password/")
    assert page.status_code == 200
    return read_form(page.content.decode(), data_testid="password-change-form")


def test_asvs_7_5_1_own_password_change_through_the_page(client):
    """The form as rendered: current password first, then the new one twice; the session
    goes on, other sessions end, the change is audited and the expiry restarts."""
    office = UserFactory(role=Role.OFFICE)
    _age_password(office, 91)
    other_device = Client()
    other_device.force_login(office)
    client.force_login(office)
    home = client.get("/accounts/password/")
    form = _change_form(client)
    assert form.method == "post" and form.action == "/accounts/password/"
    assert {"old_password", "new_password1", "new_password2"} <= set(form.fields)
    assert form.types["old_password"] == "password"
    response = client.post(
        form.action,
        form.submission(
            old_password=PASSWORD, new_password1=NEW_PASSWORD, new_password2=NEW_PASSWORD
        ),
    )
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.check_password(NEW_PASSWORD)
    assert timezone.now() - office.password_changed_at < datetime.timedelta(minutes=1)
    assert client.get("/projects/").status_code == 200
    assert other_device.get("/projects/").status_code == 302
    entry = AuditEntry.unscoped.filter(action=AuditAction.PASSWORD_CHANGED).latest("id")
    assert entry.object_id == str(office.pk) and entry.actor_username == office.username
    assert home.status_code == 200


def test_asvs_6_2_3_wrong_current_password_changes_nothing_and_is_audited(client):
    office = UserFactory(role=Role.OFFICE)
    client.force_login(office)
    form = _change_form(client)
    with translation.override("en"):
        response = client.post(
            form.action,
            form.submission(
                old_password="not-my-password",
                new_password1=NEW_PASSWORD,
                new_password2=NEW_PASSWORD,
            ),
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert "Your current password was entered incorrectly." in response.content.decode()
    office.refresh_from_db()
    assert office.check_password(PASSWORD)
    assert AuditEntry.unscoped.filter(
        action=AuditAction.PASSWORD_CHANGE_FAILED, object_repr=office.username
    ).exists()


def test_asvs_6_2_1_the_change_page_applies_the_password_rules(client):
    office = UserFactory(role=Role.OFFICE)
    client.force_login(office)
    form = _change_form(client)
    response = client.post(
        form.action,
        form.submission(old_password=PASSWORD, new_password1="short", new_password2="short"),
    )
    assert response.status_code == 200
    assert 'data-testid="error-new_password1"' in response.content.decode()
    office.refresh_from_db()
    assert office.check_password(PASSWORD)


def test_asvs_7_5_1_user_menu_links_the_change_page(client):
    client.force_login(UserFactory(role=Role.APPLICANT))
    body = client.get("/projects/").content.decode()
    assert 'data-testid="password-change-link"' in body and 'href="/accounts/password/"' in body


def _login(client, username, password, ip):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_asvs_6_3_1_account_locked_from_the_failing_address_only(client):
    """Nobody locks someone else out at will: five failures from one address lock the
    account there; its owner still logs in from its own address."""
    victim = UserFactory()
    for _ in range(5):
        _login(client, victim.username, "wrong", "10.0.0.66")
    assert _login(client, victim.username, PASSWORD, "10.0.0.66").status_code == 429
    assert _login(Client(), victim.username, PASSWORD, "10.0.0.7").status_code == 302


@override_settings(WIPP_LOGIN_FAILURE_LIMIT_PER_ADDRESS=12)
def test_asvs_6_3_1_one_address_cannot_spray_every_account():
    """One failure each on many accounts from one address: the address is locked once it
    reaches its own limit, even for a correct password; other addresses are not."""
    accounts = [UserFactory() for _ in range(13)]
    sprayer = Client()
    statuses = [
        _login(sprayer, user.username, "Password2026!", "10.0.0.99").status_code
        for user in accounts[:12]
    ]
    assert statuses == [200] * 11 + [429]  # the twelfth failure reaches the address limit
    assert _login(sprayer, accounts[12].username, PASSWORD, "10.0.0.99").status_code == 429
    assert _login(Client(), accounts[12].username, PASSWORD, "10.0.0.8").status_code == 302


@override_settings(WIPP_LOGIN_FAILURE_LIMIT_PER_ADDRESS=6)
def test_asvs_6_3_1_a_valid_login_does_not_wipe_the_address_tally():
    own = UserFactory()
    others = [UserFactory() for _ in range(6)]
    sprayer = Client()
    for user in others[:3]:
        _login(sprayer, user.username, "wrong", "10.0.0.98")
    assert _login(Client(), own.username, PASSWORD, "10.0.0.98").status_code == 302
    for user in others[3:]:
        _login(sprayer, user.username, "wrong", "10.0.0.98")
    assert _login(Client(), own.username, PASSWORD, "10.0.0.98").status_code == 429


def test_8_1_4_1_b_lockout_is_audited(client):
    victim = UserFactory()
    for _ in range(5):
        _login(client, victim.username, "wrong", "10.0.0.66")
    entry = AuditEntry.unscoped.filter(action=AuditAction.LOCKED_OUT).latest("id")
    assert entry.object_repr == victim.username
    assert entry.ip_address == "10.0.0.66"
