"""No personal data in clear in the audit log (issue 12, item 3).

GB/T 22239-2019 8.1.4.8 (confidentiality of important data, incl. personal information) and
8.1.4.11 (personal information protection); OWASP ASVS 5.0 16.2.5 (no sensitive data in logs).
"""

import json

import pytest

from apps.accounts import services
from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.audit.models import AuditEntry
from apps.audit.signals import snapshot
from tests.factories import CityFactory, UserFactory

pytestmark = pytest.mark.django_db
MOBILE = "13800138000"


def _entries_of(user):
    return AuditEntry.unscoped.filter(object_type="accounts.User", object_id=str(user.pk))


def test_gbt22239_8_1_4_11_encrypted_fields_are_masked_in_audit_snapshots():
    admin = UserFactory(role=Role.USER_ADMIN, organisation__jurisdiction=CityFactory())
    user = services.user_create(
        admin=admin,
        username="wangfang",
        password="Anquan#2027-Zhang",
        full_name="王芳",
        role=Role.OFFICE,
        organisation=admin.organisation,
        mobile=MOBILE,
    )
    services.user_update(admin=admin, user=user, mobile="13900139000")
    entries = list(_entries_of(user))
    assert entries, "the create and the change are audited"
    logged = json.dumps([[e.before, e.after] for e in entries], ensure_ascii=False)
    assert MOBILE not in logged and "13900139000" not in logged
    assert MOBILE[-4:] + '"' not in logged  # not even a display mask with the last digits

    change = _entries_of(user).filter(action="update").latest("id")
    # Masked, but a change of the number is still visible as a change.
    assert change.before["mobile"].startswith("•••")
    assert change.after["mobile"].startswith("•••")
    assert change.before["mobile"] != change.after["mobile"]


def test_asvs_16_2_5_a_field_logs_in_clear_only_if_it_opts_in(monkeypatch):
    user = UserFactory(mobile=MOBILE)
    assert snapshot(user)["mobile"] != MOBILE
    monkeypatch.setattr(User._meta.get_field("mobile"), "audit_clear", True, raising=False)
    assert snapshot(user)["mobile"] == MOBILE


def test_empty_encrypted_values_stay_empty_in_the_log():
    assert snapshot(UserFactory(mobile=""))["mobile"] == ""
