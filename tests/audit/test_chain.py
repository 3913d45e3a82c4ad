import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from apps.audit.models import AuditEntry
from apps.audit.selectors import audit_chain_verify
from apps.audit.services import audit_record
from tests.factories import CityFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _three_entries():
    return [
        audit_record(action="update", object_type="test.Thing", object_id=i, after={"n": i})
        for i in range(3)
    ]


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_every_model_write_is_logged_with_before_and_after():
    organisation = OrganisationFactory(name="甲公司")
    organisation.name = "乙公司"
    organisation.save()
    entry = AuditEntry.unscoped.filter(object_type="accounts.Organisation").order_by("-id")[0]
    assert entry.action == "update"
    assert entry.before["name"] == "甲公司"
    assert entry.after["name"] == "乙公司"
    assert entry.jurisdiction_path == organisation.jurisdiction.path


def test_delete_is_logged_with_the_last_state():
    city = CityFactory(name="待删市")
    city_id = city.pk
    city.delete()
    entry = AuditEntry.unscoped.filter(action="delete", object_type="jurisdictions.Jurisdiction")[0]
    assert entry.object_id == str(city_id)
    assert entry.before["name"] == "待删市"


def test_intact_chain_verifies_and_command_exits_zero(capsys):
    _three_entries()
    assert audit_chain_verify().intact
    call_command("verify_audit_log")
    assert "intact" in capsys.readouterr().out


def test_edited_row_is_detected_and_named():
    entries = _three_entries()
    target = entries[1]
    _raw(
        f"UPDATE {AuditEntry._meta.db_table} SET message = %s WHERE id = %s", ["forged", target.id]
    )
    verdict = audit_chain_verify()
    assert not verdict.intact
    assert verdict.first_bad_entry_id == target.id
    with pytest.raises(CommandError, match=f"first bad entry #{target.id}"):
        call_command("verify_audit_log")


def test_edit_with_recomputed_hash_breaks_the_next_link():
    from apps.audit.chain import entry_digest

    entries = _three_entries()
    forged = AuditEntry.unscoped.get(pk=entries[0].id)
    forged.message = "forged"
    new_hash = entry_digest(forged)
    _raw(
        f"UPDATE {AuditEntry._meta.db_table} SET message = %s, entry_hash = %s WHERE id = %s",
        ["forged", new_hash, forged.id],
    )
    assert audit_chain_verify().first_bad_entry_id == entries[1].id


def test_deleted_row_in_the_middle_is_detected():
    entries = _three_entries()
    _raw(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [entries[1].id])
    verdict = audit_chain_verify()
    assert not verdict.intact
    assert verdict.first_bad_entry_id == entries[1].id


def test_deleted_last_row_is_detected_against_the_head():
    entries = _three_entries()
    _raw(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [entries[-1].id])
    verdict = audit_chain_verify()
    assert not verdict.intact
    assert verdict.first_bad_entry_id == entries[-1].id


def test_entries_cannot_be_changed_or_deleted_through_the_orm():
    entry = _three_entries()[0]
    entry.message = "changed"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_snapshots_keep_decimals_exact():
    from decimal import Decimal

    entry = audit_record(action="update", object_type="t", after={"amount": Decimal("0.10")})
    assert AuditEntry.unscoped.get(pk=entry.pk).after == {"amount": "0.10"}
    assert audit_chain_verify().intact
