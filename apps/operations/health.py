"""/healthz: what a load balancer or monitor needs to know, told truthfully.

- database read: a query on the connection;
- database write: an insert into the heartbeat table inside a transaction that is rolled back,
  with a short lock timeout (a database that cannot take a write within two seconds is not
  healthy for a platform whose every action writes);
- storage: the evidence store writes, reads back and deletes a small object;
- worker: the task worker's last heartbeat (apps.operations.tasks) is recent.

A SQLite database file that does not exist is reported missing and never created: nothing here
connects before the file has been seen on disk.
"""

import datetime
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

WRITE_TIMEOUT_SECONDS = 2


def _error(exc: Exception) -> str:
    return f"error: {exc.__class__.__name__}"


def sqlite_file_missing(connection) -> Path | None:
    """The path of a SQLite database file that does not exist (None otherwise)."""
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"])
    if connection.is_in_memory_db() or name.startswith("file:"):
        return None
    path = Path(name)
    return None if path.exists() else path


def database_read_status(connection) -> str:
    if sqlite_file_missing(connection):
        return "error: database file missing"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return _error(exc)
    return "ok"


def _short_lock_timeout(cursor, vendor: str) -> None:
    if vendor == "postgresql":
        cursor.execute(f"SET LOCAL lock_timeout = '{WRITE_TIMEOUT_SECONDS}s'")
        cursor.execute(f"SET LOCAL statement_timeout = '{WRITE_TIMEOUT_SECONDS * 2}s'")


def database_write_status(connection) -> str:
    if sqlite_file_missing(connection):
        return "error: database file missing"
    from .models import Heartbeat

    table = connection.ops.quote_name(Heartbeat._meta.db_table)
    sql = f"INSERT INTO {table} (name, beat_at, detail) VALUES (%s, %s, %s)"
    probe = ("healthz-probe", timezone.now(), uuid.uuid4().hex)
    sqlite_timeout = None
    try:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            sqlite_timeout = connection.connection.execute("PRAGMA busy_timeout").fetchone()[0]
            connection.connection.execute(f"PRAGMA busy_timeout = {WRITE_TIMEOUT_SECONDS * 1000}")
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                _short_lock_timeout(cursor, connection.vendor)
                cursor.execute(sql, probe)
            transaction.set_rollback(True, using=connection.alias)
    except Exception as exc:
        return _error(exc)
    finally:
        if sqlite_timeout is not None:
            connection.connection.execute(f"PRAGMA busy_timeout = {int(sqlite_timeout)}")
    return "ok"


def storage_status() -> str:
    storage = storages["evidence"]
    name = f"healthz/{uuid.uuid4().hex}"
    try:
        saved = storage.save(name, ContentFile(b"ok"))
        with storage.open(saved) as fh:
            readable = fh.read() == b"ok"
        storage.delete(saved)
    except Exception as exc:
        return _error(exc)
    return "ok" if readable else "error: read-back mismatch"


def worker_status(connection, *, now: datetime.datetime | None = None) -> str:
    """`ok` when the worker's heartbeat is at most WIPP_WORKER_HEARTBEAT_MAX_AGE_SECONDS old.
    `WIPP_WORKER_HEARTBEAT_MAX_AGE_SECONDS=0` leaves the worker out (an installation that runs
    no worker, e.g. with the immediate task backend)."""
    max_age = settings.WIPP_WORKER_HEARTBEAT_MAX_AGE_SECONDS
    if not max_age:
        return "not checked"
    if sqlite_file_missing(connection):
        return "error: database file missing"
    from .models import Heartbeat
    from .tasks import WORKER

    try:
        beat = Heartbeat.objects.using(connection.alias).filter(name=WORKER).first()
    except Exception as exc:
        return _error(exc)
    if beat is None:
        return "error: no heartbeat yet"
    age = ((now or timezone.now()) - beat.beat_at).total_seconds()
    if age > max_age:
        return f"error: last heartbeat {int(age)} s ago"
    return "ok"


def health_report(*, alias: str = DEFAULT_DB_ALIAS) -> dict:
    connection = connections[alias]
    checks = {
        "database": database_read_status(connection),
        "database_write": database_write_status(connection),
        "storage": storage_status(),
        "worker": worker_status(connection),
    }
    healthy = all(value in ("ok", "not checked") for value in checks.values())
    return {"status": "ok" if healthy else "error", **checks}
