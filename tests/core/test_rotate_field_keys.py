"""`manage.py rotate_field_keys` (issue 12, item 3): GB/T 22239-2019 8.1.4.8 (key management of
data kept confidential) and OWASP ASVS 5.0 11.2.2 (keys can be rotated)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from apps.accounts.models import User
from apps.core.crypto import _fernet_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _stored_mobile(user) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT mobile FROM {User._meta.db_table} WHERE id = %s", [user.pk])
        return cursor.fetchone()[0]


def _line(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("accounts.User.mobile:"))


def test_gbt22239_8_1_4_8_rotation_reencrypts_with_the_first_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["old-field-key"]
    users = [UserFactory(mobile=f"1380013800{n}") for n in range(3)]
    UserFactory(mobile="")
    settings.FIELD_ENCRYPTION_KEYS = ["new-field-key", "old-field-key"]

    out = io.StringIO()
    call_command("rotate_field_keys", "--chunk-size", "2", stdout=out)
    assert _line(out.getvalue()) == (
        "accounts.User.mobile: 3 re-encrypted, 0 already under the first key, 0 undecryptable"
    )
    new_only = _fernet_for("new-field-key")
    for n, user in enumerate(users):
        assert new_only.decrypt(_stored_mobile(user).encode()).decode() == f"1380013800{n}"

    # The old key can go now.
    settings.FIELD_ENCRYPTION_KEYS = ["new-field-key"]
    assert User.unscoped.get(pk=users[0].pk).mobile == "13800138000"
    again = io.StringIO()
    call_command("rotate_field_keys", stdout=again)
    assert _line(again.getvalue()).startswith("accounts.User.mobile: 0 re-encrypted, 3 already")


def test_values_no_key_decrypts_are_reported_and_left_alone(settings):
    from django.core.management.base import CommandError

    settings.FIELD_ENCRYPTION_KEYS = ["lost-key"]
    user = UserFactory(mobile="13800138000")
    before = _stored_mobile(user)
    settings.FIELD_ENCRYPTION_KEYS = ["new-field-key"]
    out = io.StringIO()
    with pytest.raises(CommandError, match="could not be decrypted"):
        call_command("rotate_field_keys", stdout=out)
    assert _line(out.getvalue()).endswith("1 undecryptable")
    assert _stored_mobile(user) == before
