"""Separation of duties (issue 12 item 6).

等保 GB/T 22239-2019 8.1.4.2 (least privilege, separation of privileged users' powers),
8.1.5.1 (system administrator), 8.1.5.3 (security administrator), 8.1.5.2 (audit
administrator); OWASP ASVS 5.0 8.2.1–8.2.2 (function- and data-level access).
"""

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from apps.accounts import services
from apps.accounts.roles import ADMIN_ROLES, OrganisationKind, Role
from apps.audit.models import AuditAction, AuditEntry
from tests.accounts.html_forms import read_form
from tests.factories import CityFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
GOOD_PASSWORD = "Lanse-Hezi#4821"


@pytest.fixture
def city():
    return CityFactory()


@pytest.fixture
def user_admin(city):
    return UserFactory(role=Role.USER_ADMIN, organisation__jurisdiction=city)


def _create(admin, **overrides):
    data = {
        "admin": admin,
        "username": "lisi",
        "password": GOOD_PASSWORD,
        "full_name": "李四",
        "role": Role.OFFICE,
        "organisation": admin.organisation,
    }
    data.update(overrides)
    return services.user_create(**data)


@pytest.mark.parametrize("role", sorted(ADMIN_ROLES))
def test_8_1_4_2_user_admin_cannot_create_administrators(user_admin, role):
    with pytest.raises(PermissionDenied):
        _create(user_admin, role=role)


def test_8_1_4_2_superuser_creates_the_administrators(user_admin):
    root = UserFactory(is_superuser=True, role="", organisation=None)
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        created = _create(
            root, username=f"admin-{role}", role=role, organisation=user_admin.organisation
        )
        assert created.role == role
        entry = AuditEntry.unscoped.get(
            object_type="accounts.User", action="create", object_id=str(created.pk)
        )
        assert entry.after["role"] == role


def test_8_1_4_2_the_form_offers_only_roles_inside_the_remit(client, user_admin):
    client.force_login(user_admin)
    page = client.get("/users/new/").content.decode()
    for role in ADMIN_ROLES:
        assert f'value="{role}"' not in page
    assert f'value="{Role.OFFICE}"' in page
    response = client.post(
        "/users/new/",
        {
            "username": "wangwu",
            "full_name": "王五",
            "role": Role.SECURITY_ADMIN,
            "organisation": user_admin.organisation.pk,
            "password": GOOD_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert not services.User.unscoped.filter(username="wangwu").exists()


def test_8_1_4_2_user_admin_cannot_change_its_own_role(user_admin):
    with pytest.raises(PermissionDenied):
        services.user_update(admin=user_admin, user=user_admin, role=Role.OFFICE)
    user_admin.refresh_from_db()
    assert user_admin.role == Role.USER_ADMIN


def test_8_1_4_2_own_role_is_not_editable_on_the_page(client, user_admin):
    client.force_login(user_admin)
    page = client.get(f"/users/{user_admin.pk}/").content.decode()
    form = read_form(page, data_testid="user-form")
    assert "role" in form.disabled
    url = f"/users/{user_admin.pk}/"
    client.post(url, {**form.submission(full_name="新名字"), "role": Role.OFFICE})
    user_admin.refresh_from_db()
    assert user_admin.role == Role.USER_ADMIN and user_admin.full_name == "新名字"


def test_8_1_4_2_user_admin_cannot_promote_an_account_to_administrator(user_admin):
    user = _create(user_admin)
    with pytest.raises(PermissionDenied):
        services.user_update(admin=user_admin, user=user, role=Role.USER_ADMIN)
    user.refresh_from_db()
    assert user.role == Role.OFFICE


def test_8_1_4_2_user_admin_does_not_manage_other_administrators(client, user_admin):
    other = UserFactory(role=Role.AUDIT_ADMIN, organisation=user_admin.organisation)
    colleague = UserFactory(role=Role.USER_ADMIN, organisation=user_admin.organisation)
    for target in (other, colleague):
        with pytest.raises(PermissionDenied):
            services.user_deactivate(admin=user_admin, user=target)
        with pytest.raises(PermissionDenied):
            services.user_update(admin=user_admin, user=target, full_name="x")
    client.force_login(user_admin)
    assert client.get(f"/users/{other.pk}/").status_code == 404
    listing = client.get("/users/").content.decode()
    assert other.username not in listing and user_admin.username in listing


def test_8_1_4_2_no_accounts_in_organisations_not_administered(user_admin, city):
    other_level = OrganisationFactory(kind=OrganisationKind.GOVERNMENT_OFFICE)
    with pytest.raises(PermissionDenied):
        _create(user_admin, organisation=other_level)
    closed = OrganisationFactory(
        kind=OrganisationKind.GOVERNMENT_OFFICE, jurisdiction=city, is_active=False
    )
    with pytest.raises(PermissionDenied):
        _create(user_admin, organisation=closed)


ADMIN_PAGES = {
    "/system/": {Role.SYSTEM_ADMIN},
    "/security/": {Role.SECURITY_ADMIN},
    "/audit/": {Role.AUDIT_ADMIN, Role.AUDITOR, Role.OFFICE, Role.HRSS},
}


@pytest.mark.parametrize("url", ADMIN_PAGES)
@pytest.mark.parametrize(
    "role",
    [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.USER_ADMIN, Role.OFFICE],
)
def test_8_1_5_each_administrator_has_its_own_page(client, city, url, role):
    client.force_login(UserFactory(role=role, organisation__jurisdiction=city))
    expected = 200 if role in ADMIN_PAGES[url] else 403
    assert client.get(url).status_code == expected


def test_8_1_5_1_system_page_is_read_only_and_shows_no_secret(client, city, settings):
    client.force_login(UserFactory(role=Role.SYSTEM_ADMIN, organisation__jurisdiction=city))
    body = client.get("/system/").content.decode()
    assert 'data-testid="health"' in body and 'data-testid="settings"' in body
    assert settings.SECRET_KEY not in body
    assert "<form" not in body.split('data-testid="health"')[1]
    assert client.post("/system/").status_code == 200  # nothing to post: same read-only page


def test_8_1_5_2_chain_verification_is_the_audit_administrators(client, city):
    """Others see the last result; only the audit administrator starts a verification, which
    runs as a background task (inline in tests), never as a walk inside the request."""
    from apps.audit.sequencer import audit_chain_pending

    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=city)
    audit_chain_pending()
    client.force_login(office)
    page = client.get("/audit/")
    assert page.status_code == 200 and 'data-testid="verify-form"' not in page.content.decode()
    assert client.post("/audit/verify/").status_code == 403
    assert client.get("/api/v1/audit-entries/verify/").status_code == 403
    assert client.post("/api/v1/audit-entries/verify/").status_code == 403
    client.force_login(UserFactory(role=Role.AUDIT_ADMIN, organisation__jurisdiction=city))
    assert 'data-testid="verify-form"' in client.get("/audit/").content.decode()
    assert client.post("/audit/verify/").status_code == 302
    verified = client.get("/audit/")
    assert (
        verified.status_code == 200 and 'data-testid="chain-verdict"' in verified.content.decode()
    )
    assert client.get("/api/v1/audit-entries/verify/").json()["intact"] is True
    # The office now sees that result too, without walking anything.
    client.force_login(office)
    assert 'data-testid="chain-verdict"' in client.get("/audit/").content.decode()


def _lock(username, ip="10.1.1.1"):
    return AccessAttempt.objects.create(
        username=username,
        ip_address=ip,
        user_agent="test",
        failures_since_start=5,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )


def test_8_1_5_3_security_admin_sees_and_lifts_lockouts_of_its_level(client, city):
    security = UserFactory(role=Role.SECURITY_ADMIN, organisation__jurisdiction=city)
    locked = UserFactory(role=Role.OFFICE, organisation__jurisdiction=city)
    stranger = UserFactory(role=Role.OFFICE)
    _lock(locked.username)
    _lock(stranger.username)
    client.force_login(security)
    page = client.get("/security/").content.decode()
    lockouts = page.split('data-testid="lockouts"')[1].split("</table>")[0]
    assert locked.username in lockouts and stranger.username not in lockouts
    form = read_form(page, method="post", action="/security/lockouts/reset/")
    assert client.post(form.action, form.submission()).status_code == 302
    assert not AccessAttempt.objects.filter(username=locked.username).exists()
    entry = AuditEntry.unscoped.filter(action=AuditAction.LOCKOUT_RESET).latest("id")
    assert entry.actor_username == security.username and entry.object_repr == locked.username
    with pytest.raises(PermissionDenied):
        services.lockout_reset(admin=security, username=stranger.username)
    assert AccessAttempt.objects.filter(username=stranger.username).exists()


def test_8_1_5_3_security_admin_resets_a_second_factor_but_not_its_own(client, city):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    security = UserFactory(role=Role.SECURITY_ADMIN, organisation__jurisdiction=city)
    user = UserFactory(role=Role.OFFICE, organisation__jurisdiction=city)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    TOTPDevice.objects.create(user=security, name="app", confirmed=True)
    client.force_login(security)
    response = client.post(f"/users/{user.pk}/second-factor/reset/", {"reason": "换手机"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEntry.unscoped.filter(action=AuditAction.OTP_RESET, object_id=str(user.pk))
    client.post(f"/users/{security.pk}/second-factor/reset/", {"reason": "self"})
    assert TOTPDevice.objects.filter(user=security).exists()


def test_8_1_5_administrators_do_not_administer_accounts(client, city):
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        admin = UserFactory(role=role, organisation__jurisdiction=city)
        with pytest.raises(PermissionDenied):
            _create(admin, username=f"x-{role}")
        client.force_login(admin)
        assert client.get("/users/").status_code == 403


def test_the_account_list_searches_sorts_and_pages(client, user_admin):
    for n in range(3):
        UserFactory(role=Role.OFFICE, organisation=user_admin.organisation, username=f"office_{n}")
    client.force_login(user_admin)
    page = client.get("/users/?per_page=25&sort=-username").content.decode()
    assert 'data-testid="user-table"' in page
    assert page.index("office_2") < page.index("office_0")
    searched = client.get("/users/?q=office_1").content.decode()
    assert "office_1" in searched and "office_2" not in searched
