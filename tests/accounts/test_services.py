import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts import services
from apps.accounts.models import User
from apps.accounts.roles import OrganisationKind, Role
from apps.core.validators import mask_mobile
from tests.factories import CityFactory, OrganisationFactory, ProvinceFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Anquan#2027ok"


@pytest.fixture
def city_admin():
    return UserFactory(role=Role.USER_ADMIN, organisation__jurisdiction=CityFactory())


def _create(admin, **overrides):
    data = {
        "admin": admin,
        "username": "wangfang",
        "password": GOOD_PASSWORD,
        "full_name": "王芳",
        "role": Role.OFFICE,
        "organisation": admin.organisation,
    }
    data.update(overrides)
    return services.user_create(**data)


def test_user_admin_creates_an_account_of_its_own_level(city_admin):
    user = _create(city_admin, mobile="+86 138-0013-8000")
    assert user.organisation == city_admin.organisation
    assert user.check_password(GOOD_PASSWORD)
    assert user.mobile == "13800138000"


def test_mobile_is_encrypted_at_rest(city_admin):
    from django.db import connection

    user = _create(city_admin, mobile="13800138000")
    with connection.cursor() as cursor:
        cursor.execute("SELECT mobile FROM accounts_user WHERE id = %s", [user.pk])
        stored = cursor.fetchone()[0]
    assert "13800138000" not in stored
    assert mask_mobile(User.unscoped.get(pk=user.pk).mobile) == "138****8000"


def test_user_admin_cannot_create_accounts_of_another_city(city_admin):
    other = OrganisationFactory(kind=OrganisationKind.GOVERNMENT_OFFICE)
    with pytest.raises(PermissionDenied):
        _create(city_admin, organisation=other)


def test_province_admin_cannot_create_city_accounts():
    province_admin = UserFactory(role=Role.USER_ADMIN, organisation__jurisdiction=ProvinceFactory())
    city_org = OrganisationFactory(kind=OrganisationKind.GOVERNMENT_OFFICE)
    with pytest.raises(PermissionDenied):
        _create(province_admin, organisation=city_org)


def test_other_roles_cannot_create_accounts():
    office = UserFactory(role=Role.OFFICE)
    with pytest.raises(PermissionDenied):
        _create(office, organisation=office.organisation)


def test_role_must_fit_the_organisation_kind(city_admin):
    with pytest.raises(ValidationError) as exc:
        _create(city_admin, role=Role.EXPERT)
    assert "role" in exc.value.message_dict


@pytest.mark.parametrize(
    "password",
    ["Ab1!", "alllowercase1", "ALLUPPER1", "NoDigitsOrSymbols"],
)
def test_weak_passwords_are_refused(city_admin, password):
    with pytest.raises(ValidationError):
        _create(city_admin, password=password)


def test_bad_mobile_is_refused_with_a_specific_message(city_admin):
    with pytest.raises(ValidationError) as exc:
        _create(city_admin, mobile="12345")
    assert exc.value.messages


def test_deactivation_blocks_login_and_ends_sessions(city_admin, client):
    user = _create(city_admin)
    client.force_login(user)
    services.user_deactivate(admin=city_admin, user=user)
    user.refresh_from_db()
    assert not user.is_active
    assert client.get("/projects/").status_code == 302


def test_admin_cannot_deactivate_users_of_another_level(city_admin):
    stranger = UserFactory(role=Role.OFFICE)
    with pytest.raises(PermissionDenied):
        services.user_deactivate(admin=city_admin, user=stranger)


def test_user_update_changes_fields_and_is_audited(city_admin):
    from apps.audit.models import AuditEntry

    user = _create(city_admin)
    services.user_update(admin=city_admin, user=user, full_name="王芳芳")
    entry = AuditEntry.unscoped.filter(object_type="accounts.User", action="update").latest("id")
    assert entry.after["full_name"] == "王芳芳"
    assert entry.before["full_name"] == "王芳"
    assert entry.after["password"] == "•••"


def test_user_list_masks_mobiles_and_the_edit_form_logs_the_reveal(city_admin, client):
    from apps.audit.models import AuditEntry

    user = _create(city_admin, mobile="13800138000")
    client.force_login(city_admin)
    listing = client.get("/users/").content.decode()
    assert "138****8000" in listing and "13800138000" not in listing
    client.get(f"/users/{user.pk}/")
    entry = AuditEntry.unscoped.filter(action="pii_access").latest("id")
    assert entry.object_id == str(user.pk) and entry.actor_username == city_admin.username
