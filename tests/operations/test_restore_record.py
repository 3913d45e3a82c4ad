"""Issue 16 item 3: a verified restore records itself — who ran it (the `--actor` account or
the OS user), the manifest's SHA-256, the counts verified — as an audit entry chained after
the restored entries, so the restored chain stays intact and then says it was restored."""

import getpass
import hashlib
import io

import pytest
from django.core.management import call_command

from apps.audit.models import AuditAction, AuditEntry
from apps.operations.backup import MANIFEST
from apps.operations.models import RestoreRecord
from tests.factories import UserFactory

from .test_backup_restore import (
    _backup,
    _empty_database,
    _new_machine,
    _small_installation,
    pristine,  # noqa: F401  (the fixture)
)

pytestmark = pytest.mark.django_db(transaction=True)


def _last_position() -> int:
    return AuditEntry.unscoped.exclude(chained_seq=None).order_by("-chained_seq")[0].chained_seq


def test_the_restore_is_recorded_as_the_actor_after_the_restored_chain(
    pristine,  # noqa: F811
    settings,
    tmp_path,
):
    _small_installation()
    operator = UserFactory(role="user_admin")
    from apps.audit.sequencer import audit_chain_pending

    audit_chain_pending()
    backup = _backup(tmp_path)
    restored_last = _last_position()
    _empty_database(pristine)
    _new_machine(settings, tmp_path / "new-machine")
    out = io.StringIO()
    call_command("restore", str(backup), "--actor", operator.username, stdout=out)
    assert "Restore verified" in out.getvalue()
    assert "Recorded in the audit log: restore #" in out.getvalue()

    record = RestoreRecord.objects.get()
    assert record.run_by == operator.username and record.account_id == operator.pk
    manifest_bytes = (backup / MANIFEST).read_bytes()
    assert record.manifest_sha256 == hashlib.sha256(manifest_bytes).hexdigest()
    assert record.source == str(backup.resolve())
    assert record.tables > 50 and record.rows > 0 and record.files >= 2
    assert record.audit_entries_checked >= restored_last

    entry = AuditEntry.unscoped.get(
        object_type="operations.RestoreRecord", object_id=str(record.pk)
    )
    assert entry.action == AuditAction.CREATE
    assert entry.actor_id == operator.pk and entry.actor_username == operator.username
    assert entry.via == "system"
    assert entry.after["manifest_sha256"] == record.manifest_sha256
    assert entry.after["rows"] == record.rows
    # Chained right after the restored entries, and the whole chain verifies.
    assert entry.chained_seq == restored_last + 1 == _last_position()
    assert f"chain position {entry.chained_seq}" in out.getvalue()
    call_command("verify_audit_log", "--full", stdout=io.StringIO())


def test_without_an_actor_the_os_user_is_named(pristine, settings, tmp_path):  # noqa: F811
    _small_installation()
    backup = _backup(tmp_path)
    _empty_database(pristine)
    _new_machine(settings, tmp_path / "new-machine")
    out = io.StringIO()
    call_command("restore", str(backup), "--actor", "nobody-here", stdout=out)
    assert "No account 'nobody-here'" in out.getvalue()
    record = RestoreRecord.objects.get()
    assert record.run_by == f"os:{getpass.getuser()}" and record.account is None
    entry = AuditEntry.unscoped.get(object_type="operations.RestoreRecord")
    assert entry.actor_username == record.run_by and entry.actor_id is None
    call_command("verify_audit_log", "--full", stdout=io.StringIO())


def test_a_restore_that_does_not_verify_records_nothing(pristine, settings, tmp_path):  # noqa: F811
    """The lost-entries case of the drill: the verification fails, so no record claims a
    good restore."""
    _small_installation()
    backup = _backup(tmp_path)
    UserFactory()
    from apps.audit.sequencer import audit_chain_pending
    from apps.operations.restore import backup_restore

    audit_chain_pending(checkpoint=True)
    kept = settings.WIPP_AUDIT_CHECKPOINT_DIR
    _empty_database(pristine)
    _new_machine(settings, tmp_path / "same-machine")
    settings.WIPP_AUDIT_CHECKPOINT_DIR = kept
    report = backup_restore(backup)
    assert not report.intact and report.record_id is None
    assert not RestoreRecord.objects.exists()
