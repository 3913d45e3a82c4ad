"""Backup of a WIPP installation (issue 16 item 3): the database as the engine copies it, the
evidence store, the audit checkpoints and a signed manifest.

The database is copied physically — SQLite's online backup API, `pg_dump --format=custom` on
PostgreSQL — never re-serialised through the ORM: the audit chain's HMACs cover the stored bytes
of each entry, and a JSON dump and load changes them (the chain then breaks at entry 1). The
manifest gives for every table its row count and a SHA-256 over its rows (in primary-key order,
read through the same engine, so a restore can be compared table by table), and the SHA-256 of
every file in the backup; it is signed with the audit key (WIPP_AUDIT_KEYS), so a restore can
tell a manifest that was edited. On PostgreSQL the table digests and pg_dump read one exported
snapshot; on SQLite they are read from the copy itself.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from apps.audit.chain import sign, signing_key

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
EVIDENCE_DIR = "evidence"
CHECKPOINT_DIR = "checkpoints"
CHUNK = 1024 * 1024
# Left behind by /healthz's write-read-delete probe (an empty directory, at most).
SKIPPED_PREFIXES = ("healthz/",)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


# --- digests ---------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _value(value):
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        return {"hex": value.hex()}
    return value


def table_digests(connection) -> dict[str, dict]:
    """{table: {"rows": n, "sha256": digest}} for every table of the connection's database."""
    quote = connection.ops.quote_name
    result = {}
    with connection.cursor() as cursor:
        introspection = connection.introspection
        for table in sorted(introspection.table_names(cursor)):
            columns = [c.name for c in introspection.get_table_description(cursor, table)]
            order = introspection.get_primary_key_columns(cursor, table) or columns
            cursor.execute(
                f"SELECT * FROM {quote(table)} ORDER BY {', '.join(quote(c) for c in order)}"
            )
            digest, rows = hashlib.sha256(), 0
            while batch := cursor.fetchmany(2000):
                for row in batch:
                    line = json.dumps([_value(v) for v in row], default=str, ensure_ascii=False)
                    digest.update(line.encode() + b"\n")
                    rows += 1
            result[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return result


# --- database copies -------------------------------------------------------------------------


def _sqlite_wrapper(connection, path: Path):
    """A Django connection to another SQLite file, read like the live one (same converters),
    without the live one's start-up PRAGMAs (WAL would rewrite the copy's header)."""
    options = {
        k: v for k, v in connection.settings_dict.get("OPTIONS", {}).items() if k != "init_command"
    }
    settings_dict = {**connection.settings_dict, "NAME": str(path), "OPTIONS": options}
    return connection.__class__(settings_dict, alias="wipp-backup-copy")


def sqlite_backup(connection, target: Path) -> dict[str, dict]:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        # A self-contained file: no -wal/-shm beside it, readable read-only.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
    reader = _sqlite_wrapper(connection, target)
    connections[reader.alias] = reader  # Django's introspection looks the alias up
    try:
        return table_digests(reader)
    finally:
        reader.close()
        del connections[reader.alias]
        # The backend's writer-queue lock file (apps.core.db.writers) beside the copy it
        # opened: not part of the backup.
        Path(f"{target}-writers").unlink(missing_ok=True)


def pg_bin_dir(connection) -> Path | None:
    """Client programs of the server's major version: WIPP_PG_BIN_DIR, else Debian's
    /usr/lib/postgresql/<major>/bin, else None (PATH)."""
    if settings.WIPP_PG_BIN_DIR:
        return Path(settings.WIPP_PG_BIN_DIR)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    candidate = Path(f"/usr/lib/postgresql/{major}/bin")
    return candidate if (candidate / "pg_dump").exists() else None


def pg_program(connection, name: str) -> str:
    directory = pg_bin_dir(connection)
    program = str(directory / name) if directory else shutil.which(name)
    if not program or not Path(program).exists():
        raise BackupError(
            f"{name} not found: install the PostgreSQL client of the server's version "
            "or set WIPP_PG_BIN_DIR."
        )
    return program


def pg_environment(connection) -> dict[str, str]:
    params = connection.settings_dict
    env = {**os.environ, "PGDATABASE": str(params["NAME"])}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if params.get(key):
            env[variable] = str(params[key])
    return env


def run_program(arguments: list[str], *, env: dict[str, str]) -> None:
    completed = subprocess.run(arguments, env=env, capture_output=True, text=True, check=False)
    if completed.returncode:
        raise BackupError(
            f"{Path(arguments[0]).name} failed ({completed.returncode}): "
            f"{completed.stderr.strip()[-2000:]}"
        )


def pg_backup(connection, target: Path) -> dict[str, dict]:
    """pg_dump and the table digests read the same snapshot, exported from one REPEATABLE
    READ transaction kept open while pg_dump runs."""
    program = pg_program(connection, "pg_dump")
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        run_program(
            [program, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            env=pg_environment(connection),
        )
        return table_digests(connection)


# --- files -----------------------------------------------------------------------------------


def storage_names(storage, prefix: str = ""):
    """Every file name in a Django storage (local or S3), walking its directories."""
    directories, files = storage.listdir(prefix)
    for name in sorted(files):
        yield f"{prefix}{name}"
    for directory in sorted(directories):
        yield from storage_names(storage, f"{prefix}{directory}/")


def _copy_stream(source, target: Path) -> str:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with open(target, "wb") as out:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def evidence_copy_out(directory: Path) -> dict[str, str]:
    storage = storages["evidence"]
    copied = {}
    try:
        names = list(storage_names(storage))
    except FileNotFoundError:  # a local store nothing was ever saved to
        names = []
    for name in names:
        if name.startswith(SKIPPED_PREFIXES):
            continue
        with storage.open(name, "rb") as source:
            copied[f"{EVIDENCE_DIR}/{name}"] = _copy_stream(source, directory / EVIDENCE_DIR / name)
    return copied


def checkpoint_directory() -> Path:
    return Path(settings.WIPP_AUDIT_CHECKPOINT_DIR)


def checkpoints_copy_out(directory: Path) -> dict[str, str]:
    source_dir = checkpoint_directory()
    copied = {}
    if not source_dir.is_dir():
        return copied
    for path in sorted(p for p in source_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(source_dir).as_posix()
        with open(path, "rb") as source:
            copied[f"{CHECKPOINT_DIR}/{relative}"] = _copy_stream(
                source, directory / CHECKPOINT_DIR / relative
            )
    return copied


# --- the backup ------------------------------------------------------------------------------


def _migrations(connection) -> dict[str, str]:
    latest = {}
    for app, name in MigrationRecorder(connection).migration_qs.values_list("app", "name"):
        latest[app] = max(latest.get(app, name), name)
    return dict(sorted(latest.items()))


def _audit_summary(tables: dict[str, dict], connection) -> dict:
    from apps.audit.models import AuditEntry

    entries = AuditEntry.unscoped.using(connection.alias)
    last = (
        entries.exclude(chained_seq=None)
        .order_by("-chained_seq")
        .values_list("chained_seq", flat=True)
        .first()
    )
    return {
        "entries": tables.get(AuditEntry._meta.db_table, {}).get("rows", 0),
        "last_chained_position": last,
    }


def manifest_sign(manifest: dict) -> dict:
    manifest["key_id"] = signing_key()[0]
    manifest["signature"] = sign(manifest)
    return manifest


def backup_create(output: Path, *, alias: str = DEFAULT_DB_ALIAS) -> Path:
    """Writes a new directory `wipp-backup-<time>` under `output`; returns its path."""
    connection = connections[alias]
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"No backup for the {connection.vendor} engine.")
    if connection.in_atomic_block:
        raise BackupError("A backup cannot run inside a transaction.")
    started = timezone.now()
    stamp = started.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    directory = Path(output) / f"wipp-backup-{stamp}"
    directory.mkdir(parents=True, exist_ok=False)
    if connection.vendor == "sqlite":
        database_file = SQLITE_FILE
        tables = sqlite_backup(connection, directory / database_file)
    else:
        database_file = PG_FILE
        tables = pg_backup(connection, directory / database_file)
    files = {database_file: file_sha256(directory / database_file)}
    files.update(checkpoints_copy_out(directory))
    files.update(evidence_copy_out(directory))
    manifest = {
        "format": FORMAT,
        "created_at": started.isoformat(),
        "finished_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "database_file": database_file,
        "migrations": _migrations(connection),
        "audit": _audit_summary(tables, connection),
        "tables": tables,
        "files": dict(sorted(files.items())),
    }
    manifest_sign(manifest)
    (directory / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
    )
    return directory
