"""Backup and restore (issue 16 item 3): the drill round-trips the demo through `manage.py
backup` and `manage.py restore` into an empty installation — a new database, evidence store and
checkpoint directory — with every table, every file and the audit chain intact. It runs on the
database the suite runs on: SQLite, and PostgreSQL in CI's second pass (pg_dump/pg_restore of
the server's version); a JSON dump and load would break the chain at its first entry."""

import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from apps.audit.sequencer import audit_chain_pending
from apps.operations.backup import MANIFEST, BackupError, backup_create, table_digests
from apps.operations.restore import backup_restore, sqlite_restore
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _new_machine(settings, root: Path) -> None:
    """Point the evidence store and the checkpoint directory at empty places."""
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root / "evidence")},
        },
    }
    settings.WIPP_AUDIT_CHECKPOINT_DIR = str(root / "checkpoints")


@pytest.fixture(autouse=True)
def pristine(transactional_db, tmp_path):
    """The migrated, empty test database as it is before the test. On SQLite the training
    app's triggers refuse to delete attendance records (they are immutable), so neither
    `flush` nor pytest-django's teardown can empty a database holding the demo: the pristine
    copy is put back instead, with the same page copy `restore` uses."""
    if connection.vendor != "sqlite":
        yield None
        return
    path = tmp_path / "pristine.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    yield path
    sqlite_restore(connection, path)


def _empty_database(pristine=None) -> None:
    """A freshly migrated installation: the pristine copy on SQLite, `flush` (TRUNCATE,
    which row triggers do not see) on PostgreSQL."""
    if pristine is not None:
        sqlite_restore(connection, pristine)
    else:
        call_command("flush", interactive=False, verbosity=0)


def _backup(tmp_path) -> Path:
    out = io.StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=out)
    return Path(out.getvalue().strip().rsplit(" ", 1)[-1])


def _small_installation() -> None:
    UserFactory.create_batch(3)
    storages["evidence"].save("sha256/ab/cd/abcdef", ContentFile(b"evidence bytes"))
    audit_chain_pending()


def test_drill_round_trips_the_demo_with_the_audit_chain_intact(pristine, settings, tmp_path):
    from demo.seed import demo_seed

    demo_seed()
    assert audit_chain_pending().chained > 0
    before = table_digests(connection)
    chained = AuditEntry.unscoped.exclude(chained_seq=None).count()
    hashes = list(AuditEntry.unscoped.order_by("pk").values_list("pk", "entry_hash"))
    backup = _backup(tmp_path)

    manifest = json.loads((backup / MANIFEST).read_text())
    assert manifest["vendor"] == connection.vendor
    assert manifest["tables"]["audit_auditentry"]["rows"] == AuditEntry.unscoped.count()
    assert manifest["tables"]["accounts_user"]["rows"] == User.unscoped.count() > 10
    assert any(name.startswith("evidence/sha256/") for name in manifest["files"])
    assert any(name.startswith("checkpoints/") for name in manifest["files"])

    _empty_database(pristine)
    _new_machine(settings, tmp_path / "new-machine")
    out = io.StringIO()
    call_command("restore", str(backup), stdout=out)
    output = out.getvalue()
    assert "Audit chain: intact" in output
    assert "Restore verified" in output

    # Every table as it was, but for what the restore then records of itself: its
    # verification, its RestoreRecord and that record's one audit entry, chained last.
    after = table_digests(connection)
    recorded = {
        "audit_auditverification",
        "operations_restorerecord",
        "audit_auditentry",
        "audit_auditchainhead",
    }
    assert {t: after[t] for t in before if t not in recorded} == {
        t: v for t, v in before.items() if t not in recorded
    }
    assert AuditEntry.unscoped.exclude(chained_seq=None).count() == chained + 1
    restored = list(AuditEntry.unscoped.order_by("pk").values_list("pk", "entry_hash"))
    assert restored[:-1] == hashes
    assert AuditEntry.unscoped.order_by("pk").last().object_type == "operations.RestoreRecord"
    call_command("verify_audit_log", "--full", stdout=io.StringIO())
    evidence = storages["evidence"]
    for name in manifest["files"]:
        if name.startswith("evidence/"):
            assert evidence.exists(name.removeprefix("evidence/")), name


def test_a_damaged_backup_is_refused_before_anything_is_touched(pristine, settings, tmp_path):
    _small_installation()
    backup = _backup(tmp_path)
    (backup / "evidence/sha256/ab/cd/abcdef").write_bytes(b"changed")
    _empty_database(pristine)
    with pytest.raises(BackupError, match="damaged: evidence/sha256/ab/cd/abcdef: SHA-256"):
        backup_restore(backup)
    assert User.unscoped.count() == 0


def test_an_edited_manifest_is_refused(tmp_path):
    _small_installation()
    backup = _backup(tmp_path)
    manifest = json.loads((backup / MANIFEST).read_text())
    manifest["tables"]["accounts_user"]["rows"] += 1
    (backup / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="signature does not verify"):
        call_command("restore", str(backup), "--force", stdout=io.StringIO())


def test_an_installation_in_use_is_not_replaced_without_force(settings, tmp_path):
    _small_installation()
    users = User.unscoped.count()
    backup = _backup(tmp_path)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(backup), stdout=io.StringIO())
    UserFactory()
    _new_machine(settings, tmp_path / "other")
    out = io.StringIO()
    call_command("restore", str(backup), "--force", stdout=out)
    assert User.unscoped.count() == users
    assert "Restore verified" in out.getvalue()


def test_checkpoints_newer_than_the_backup_show_the_lost_entries(pristine, settings, tmp_path):
    """Restoring on the machine that kept its checkpoint directory: the entries written after
    the backup are gone, and the verification says so instead of passing."""
    _small_installation()
    backup = _backup(tmp_path)
    UserFactory()
    audit_chain_pending(checkpoint=True)  # a checkpoint the backup does not have
    kept_checkpoints = settings.WIPP_AUDIT_CHECKPOINT_DIR
    _empty_database(pristine)
    _new_machine(settings, tmp_path / "same-machine")
    settings.WIPP_AUDIT_CHECKPOINT_DIR = kept_checkpoints
    report = backup_restore(backup)
    assert report.extra_checkpoints
    assert not report.table_mismatches and not report.file_mismatches
    assert report.audit_result != "intact"
    assert not report.intact
    # Moved aside (RUNBOOK), the backup's own checkpoints verify the restored log.
    archive = tmp_path / "checkpoints-after-backup"
    archive.mkdir()
    for name in report.extra_checkpoints:
        shutil.move(Path(kept_checkpoints) / name, archive / name)
    call_command("verify_audit_log", "--full", stdout=io.StringIO())


def test_the_backup_of_another_engine_is_refused(tmp_path):
    _small_installation()
    backup = _backup(tmp_path)
    manifest = json.loads((backup / MANIFEST).read_text())
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    manifest["vendor"] = other
    from apps.operations.backup import manifest_sign

    manifest.pop("signature")
    (backup / MANIFEST).write_text(json.dumps(manifest_sign(manifest)))
    with pytest.raises(BackupError, match=f"backup is of {other}"):
        backup_restore(backup, force=True)


def test_each_backup_is_a_new_directory(tmp_path):
    first = backup_create(tmp_path)
    assert first.parent == tmp_path and first.name.startswith("wipp-backup-")
    assert (first / MANIFEST).exists()
