"""/healthz tells the truth (issue 16 item 4): database read and write, storage and the task
worker's heartbeat; 503 with JSON when one fails; a missing SQLite file is reported, never
created."""

import datetime
import sqlite3
import time

import pytest
from django.db import connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.utils import timezone

from apps.operations.health import (
    database_read_status,
    database_write_status,
    health_report,
    worker_status,
)
from apps.operations.models import Heartbeat
from apps.operations.tasks import WORKER, heartbeat_enqueue, heartbeat_record, worker_heartbeat

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="copies the SQLite test database to a file"
)


def _sqlite_settings(path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        "TIME_ZONE": None,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }


@pytest.fixture
def file_database(tmp_path):
    """The migrated test database copied to a file, as a second connection (only outside a
    test transaction: the backup API waits for the source's write lock)."""
    path = tmp_path / "copy.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    wrapper = SQLiteWrapper(_sqlite_settings(path), alias="file-copy")
    connections["file-copy"] = wrapper
    yield wrapper, path
    wrapper.close()
    del connections["file-copy"]


def test_all_checks_pass_with_a_fresh_heartbeat(client):
    heartbeat_record()
    body = client.get("/healthz").json()
    assert body == {
        "status": "ok",
        "database": "ok",
        "database_write": "ok",
        "storage": "ok",
        "worker": "ok",
    }
    # The write check rolled its probe back.
    assert not Heartbeat.objects.filter(name="healthz-probe").exists()


def test_no_heartbeat_yet_is_a_503_with_json(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["worker"] == "error: no heartbeat yet"
    assert response.json()["database"] == "ok"


def test_a_stale_heartbeat_fails_and_the_age_is_configurable(client, settings):
    Heartbeat.objects.create(name=WORKER, beat_at=timezone.now() - datetime.timedelta(seconds=400))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"].startswith("error: last heartbeat 4")
    settings.WIPP_WORKER_HEARTBEAT_MAX_AGE_SECONDS = 600
    assert client.get("/healthz").status_code == 200
    settings.WIPP_WORKER_HEARTBEAT_MAX_AGE_SECONDS = 0
    assert worker_status(connection) == "not checked"


def test_the_heartbeat_task_records_the_time_and_is_not_audited():
    from apps.audit.models import AuditEntry

    entries = AuditEntry.unscoped.count()
    before = timezone.now()
    worker_heartbeat.enqueue(chain=False)  # the immediate backend runs it now
    worker_heartbeat.enqueue(chain=False)
    beat = Heartbeat.objects.get(name=WORKER)
    assert beat.beat_at >= before
    assert "pid" in beat.detail
    assert AuditEntry.unscoped.count() == entries  # liveness, not business data


def test_the_worker_keeps_one_heartbeat_queued(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert heartbeat_enqueue(delay_seconds=0) is True
    assert heartbeat_enqueue() is False  # one is waiting already
    waiting = DBTaskResult.objects.filter(task_path=worker_heartbeat.module_path)
    assert waiting.count() == 1
    # Run as the worker would: the task writes the heartbeat and queues the next one, later.
    result = waiting.get()
    result.claim("test-worker")
    result.task.call(**result.args_kwargs["kwargs"])
    nxt = waiting.filter(status="READY").get()
    assert nxt.run_after > timezone.now() + datetime.timedelta(seconds=30)
    assert Heartbeat.objects.filter(name=WORKER).exists()


def test_a_missing_sqlite_file_is_reported_and_never_created(client, tmp_path):
    missing = tmp_path / "gone" / "wipp.sqlite3"
    missing.parent.mkdir()
    wrapper = SQLiteWrapper(_sqlite_settings(missing), alias="default")
    original = connections["default"]
    connections["default"] = wrapper
    try:
        response = client.get("/healthz")
    finally:
        connections["default"] = original
        wrapper.close()
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == body["database_write"] == "error: database file missing"
    assert body["worker"] == "error: database file missing"
    assert not missing.exists()
    assert list(missing.parent.iterdir()) == []


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_held_write_lock_fails_the_write_check_quickly_but_not_the_read(file_database):
    wrapper, path = file_database
    locker = sqlite3.connect(path, timeout=0, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        assert database_write_status(wrapper) == "error: OperationalError"
        assert time.monotonic() - started < 10  # the connection's own timeout is 20 s
        assert database_read_status(wrapper) == "ok"
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert database_write_status(wrapper) == "ok"


def test_health_report_names_a_broken_storage(settings, tmp_path):
    heartbeat_record()
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocked)},
        },
    }
    report = health_report()
    assert report["status"] == "error"
    assert report["storage"].startswith("error")
    assert report["database"] == report["database_write"] == report["worker"] == "ok"
