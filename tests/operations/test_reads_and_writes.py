"""Page reads do not take SQLite's write lock (issue 16 item 4): only requests that may write
run in a transaction (BEGIN IMMEDIATE on SQLite), and a signed-in reader's session is renewed
at most once a minute, so a GET answers while another connection holds the write lock."""

import sqlite3
import time

import pytest
from django.db import connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

from apps.operations.models import Heartbeat
from tests.factories import UserFactory
from tests.operations.test_health import _sqlite_settings

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def atomic_urls(settings):
    settings.ROOT_URLCONF = "tests.operations.atomic_views"


def test_reads_run_outside_a_transaction_and_writes_inside(client, atomic_urls):
    assert client.get("/in-transaction").json() == {"atomic": False}
    assert client.head("/in-transaction").status_code == 200
    assert client.post("/in-transaction").json() == {"atomic": True}
    assert client.post("/not-atomic").json() == {"atomic": False}


def test_a_write_request_that_fails_leaves_nothing(client, atomic_urls):
    client.raise_request_exception = False
    assert client.post("/write-then-fail").status_code == 500
    assert client.post("/write-then-refuse").status_code == 400
    assert client.post("/write").status_code == 200
    assert list(Heartbeat.objects.values_list("name", flat=True)) == ["written"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single write lock")
def test_a_signed_in_page_read_answers_while_another_connection_holds_the_write_lock(
    client, tmp_path
):
    path = tmp_path / "live.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    options = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL",
    }
    wrapper = SQLiteWrapper({**_sqlite_settings(path), "OPTIONS": options}, alias="default")
    original = connections["default"]
    connections["default"] = wrapper
    locker = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        user = UserFactory()
        client.force_login(user)
        assert client.get("/projects/").status_code == 200  # renews the session
        locker.execute("BEGIN IMMEDIATE")
        locker.execute("DELETE FROM operations_heartbeat")  # a writer, mid-transaction
        started = time.monotonic()
        response = client.get("/projects/")
        elapsed = time.monotonic() - started
        assert response.status_code == 200
        assert elapsed < 10, elapsed  # a queued read would wait the 20 s timeout and fail
    finally:
        locker.execute("ROLLBACK") if locker.in_transaction else None
        locker.close()
        connections["default"] = original
        wrapper.close()


def test_the_session_is_renewed_at_most_once_a_minute(client, settings):
    from django.contrib.sessions.models import Session

    user = UserFactory()
    client.force_login(user)
    client.get("/projects/")
    row = Session.objects.get(session_key=client.session.session_key)
    first = row.expire_date
    client.get("/projects/")
    assert Session.objects.get(pk=row.pk).expire_date == first
    settings.WIPP_SESSION_RENEW_SECONDS = 0
    client.get("/projects/")
    assert Session.objects.get(pk=row.pk).expire_date > first
