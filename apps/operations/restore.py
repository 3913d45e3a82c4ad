"""Restore of a backup (apps.operations.backup) into an empty installation, then the proof that
it is the same: every file against the manifest before anything is touched, every table's row
count and digest after, every evidence file read back from the store, and the audit chain
verified in full against the checkpoints that came with the backup. A restore that verified
then records itself (`RestoreRecord`: who ran it — the `--actor` account or the OS user — the
manifest's SHA-256 and the counts verified); its audit entry is chained after the restored
entries, so the chain stays intact and says that it was restored.

The audit checkpoints of the backup go back into WIPP_AUDIT_CHECKPOINT_DIR. A checkpoint there
that the backup does not have (written after the backup was taken) is kept, never deleted: the
verification then reports the log as truncated after the backup's last entry — which is the
truth about a restore that lost those entries (deploy/RUNBOOK.md says what to do).
"""

import getpass
import json
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from apps.audit.chain import signature_valid
from apps.core.context import ActorContext, acting_as, actor_for_user

from .backup import (
    CHECKPOINT_DIR,
    EVIDENCE_DIR,
    FORMAT,
    MANIFEST,
    BackupError,
    checkpoint_directory,
    file_sha256,
    pg_environment,
    pg_program,
    run_program,
    table_digests,
)

# Rows here mean the installation is in use (migrate alone leaves them empty).
IN_USE_TABLES = ("accounts_user", "accounts_organisation", "audit_auditentry", "projects_project")


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    files: int = 0
    table_mismatches: list[str] = field(default_factory=list)
    file_mismatches: list[str] = field(default_factory=list)
    audit_result: str = ""
    audit_reason: str = ""
    audit_entries_checked: int = 0
    audit_pending: int = 0
    extra_checkpoints: list[str] = field(default_factory=list)
    record_id: int | None = None
    record_position: int | None = None
    actor_missing: str = ""

    @property
    def intact(self) -> bool:
        return (
            not self.table_mismatches and not self.file_mismatches and self.audit_result == "intact"
        )


def manifest_read(directory: Path) -> dict:
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(f"{directory} has no {MANIFEST}: not a WIPP backup.")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    if not signature_valid(manifest):
        raise BackupError(
            "The manifest's signature does not verify under WIPP_AUDIT_KEYS: it was changed, or "
            "the keys are not those of the installation that made the backup."
        )
    return manifest


def backup_files_check(directory: Path, manifest: dict) -> None:
    """Every file the manifest lists is in the backup with its SHA-256, and nothing else."""
    problems = []
    for name, expected in manifest["files"].items():
        path = directory / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif file_sha256(path) != expected:
            problems.append(f"{name}: SHA-256 differs")
    listed = set(manifest["files"]) | {MANIFEST}
    for path in directory.rglob("*"):
        if path.is_file() and path.relative_to(directory).as_posix() not in listed:
            problems.append(f"{path.relative_to(directory).as_posix()}: not in the manifest")
    if problems:
        raise BackupError("The backup is damaged: " + "; ".join(problems[:20]))


def installation_in_use(connection) -> list[str]:
    tables = set(connection.introspection.table_names())
    used = []
    with connection.cursor() as cursor:
        for table in IN_USE_TABLES:
            if table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                count = cursor.fetchone()[0]
                if count:
                    used.append(f"{table}: {count} rows")
    return used


def _file_conflicts(directory: Path, manifest: dict) -> list[str]:
    """Files of the backup that exist in the target with other content (never overwritten)."""
    storage = storages["evidence"]
    conflicts = []
    for name, expected in manifest["files"].items():
        if name.startswith(f"{EVIDENCE_DIR}/"):
            stored = name.removeprefix(f"{EVIDENCE_DIR}/")
            if storage.exists(stored):
                with storage.open(stored, "rb") as fh:
                    if _stream_sha256(fh) != expected:
                        conflicts.append(name)
        elif name.startswith(f"{CHECKPOINT_DIR}/"):
            path = checkpoint_directory() / name.removeprefix(f"{CHECKPOINT_DIR}/")
            if path.exists() and file_sha256(path) != expected:
                conflicts.append(name)
    return conflicts


def _stream_sha256(fh) -> str:
    import hashlib

    digest = hashlib.sha256()
    for chunk in iter(lambda: fh.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


# --- database --------------------------------------------------------------------------------


def sqlite_restore(connection, source: Path) -> None:
    """Copies the backup's pages over the live database with SQLite's backup API (the web
    server and the worker must be stopped: RUNBOOK)."""
    connection.ensure_connection()
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        backup.backup(connection.connection)
    finally:
        backup.close()


def pg_restore(connection, source: Path) -> None:
    """Replaces every object of the dump in one transaction (--clean drops the empty tables
    `migrate` made); owners and grants are those of the restoring role."""
    program = pg_program(connection, "pg_restore")
    env = pg_environment(connection)
    connection.close()
    run_program(
        [
            program,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={env['PGDATABASE']}",
            str(source),
        ],
        env=env,
    )


# --- files -----------------------------------------------------------------------------------


def files_copy_in(directory: Path, manifest: dict) -> int:
    storage = storages["evidence"]
    copied = 0
    for name in manifest["files"]:
        source = directory / name
        if name.startswith(f"{EVIDENCE_DIR}/"):
            stored = name.removeprefix(f"{EVIDENCE_DIR}/")
            if storage.exists(stored):
                continue
            with open(source, "rb") as fh:
                saved = storage.save(stored, fh)
            if saved != stored:
                raise BackupError(f"The evidence store saved {stored} as {saved}.")
            copied += 1
        elif name.startswith(f"{CHECKPOINT_DIR}/"):
            target = checkpoint_directory() / name.removeprefix(f"{CHECKPOINT_DIR}/")
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            copied += 1
    return copied


def evidence_check(manifest: dict) -> list[str]:
    storage = storages["evidence"]
    problems = []
    for name, expected in manifest["files"].items():
        if not name.startswith(f"{EVIDENCE_DIR}/"):
            continue
        stored = name.removeprefix(f"{EVIDENCE_DIR}/")
        try:
            with storage.open(stored, "rb") as fh:
                if _stream_sha256(fh) != expected:
                    problems.append(f"{name}: SHA-256 differs")
        except FileNotFoundError:
            problems.append(f"{name}: missing from the evidence store")
    return problems


def _extra_checkpoints(manifest: dict) -> list[str]:
    directory = checkpoint_directory()
    if not directory.is_dir():
        return []
    known = {
        name.removeprefix(f"{CHECKPOINT_DIR}/")
        for name in manifest["files"]
        if name.startswith(f"{CHECKPOINT_DIR}/")
    }
    return sorted(
        p.relative_to(directory).as_posix()
        for p in directory.rglob("*")
        if p.is_file() and p.relative_to(directory).as_posix() not in known
    )


def _audit_verify(report: RestoreReport) -> None:
    from apps.audit.models import AuditVerification
    from apps.audit.verification import audit_verification_run

    record = AuditVerification.objects.create(
        started_at=timezone.now(), started_by="manage.py restore", full=True
    )
    record = audit_verification_run(verification_id=record.pk, full=True)
    report.audit_result = record.result
    report.audit_reason = record.reason or ""
    report.audit_entries_checked = record.entries_checked
    report.audit_pending = record.pending


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for the process's uid (a bare container)
        import os

        return f"uid {os.getuid()}"


def restore_record(
    report: RestoreReport, *, directory: Path, manifest: dict, actor: str = ""
) -> None:
    """Writes the `RestoreRecord` of a verified restore as the `actor` account of the restored
    installation (else the OS user), and chains its audit entry at once."""
    from apps.accounts.models import User
    from apps.audit.models import AuditEntry
    from apps.audit.sequencer import audit_chain_pending

    from .models import RestoreRecord

    account = User.unscoped.filter(username=actor).first() if actor else None
    if actor and account is None:
        report.actor_missing = actor
    if account is not None:
        context = actor_for_user(account, via="system")
        run_by = account.get_username()
    else:
        run_by = f"os:{os_user()}"
        context = ActorContext(username=run_by, via="system")
    with acting_as(context):
        record = RestoreRecord.objects.create(
            restored_at=timezone.now(),
            run_by=run_by,
            account=account,
            source=str(directory.resolve())[:500],
            manifest_sha256=file_sha256(directory / MANIFEST),
            backup_created_at=str(manifest.get("created_at", ""))[:40],
            vendor=manifest["vendor"],
            tables=report.tables,
            rows=report.rows,
            files=len(manifest["files"]),
            audit_entries_checked=report.audit_entries_checked,
        )
    audit_chain_pending()
    report.record_id = record.pk
    report.record_position = (
        AuditEntry.unscoped.filter(object_type=RestoreRecord._meta.label, object_id=str(record.pk))
        .values_list("chained_seq", flat=True)
        .first()
    )


def backup_restore(
    directory: Path, *, force: bool = False, alias: str = DEFAULT_DB_ALIAS, actor: str = ""
) -> RestoreReport:
    directory = Path(directory)
    connection = connections[alias]
    manifest = manifest_read(directory)
    backup_files_check(directory, manifest)
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"The backup is of {manifest['vendor']}; this installation runs {connection.vendor}."
        )
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a transaction.")
    in_use = installation_in_use(connection)
    if in_use and not force:
        raise BackupError(
            "This installation is not empty (" + ", ".join(in_use) + "); restore into a fresh "
            "`migrate`d database, or pass --force to replace it."
        )
    conflicts = _file_conflicts(directory, manifest)
    if conflicts:
        raise BackupError(
            "Files of the backup exist here with other content (never overwritten): "
            + ", ".join(conflicts[:20])
        )

    source = directory / manifest["database_file"]
    if connection.vendor == "sqlite":
        sqlite_restore(connection, source)
    else:
        pg_restore(connection, source)
    ContentType.objects.clear_cache()

    report = RestoreReport(files=files_copy_in(directory, manifest))
    restored = table_digests(connection)
    for table, expected in manifest["tables"].items():
        if restored.get(table) != expected:
            got = restored.get(table, {}).get("rows", "no table")
            report.table_mismatches.append(f"{table}: {expected['rows']} rows expected, {got}")
    report.tables = len(manifest["tables"])
    report.rows = sum(t["rows"] for t in manifest["tables"].values())
    report.file_mismatches = evidence_check(manifest)
    report.extra_checkpoints = _extra_checkpoints(manifest)
    _audit_verify(report)
    if report.intact:
        restore_record(report, directory=directory, manifest=manifest, actor=actor)
    return report
