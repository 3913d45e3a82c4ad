"""On SQLite, interactive writers go before background ones (apps.core.db.writers): a batch
chunk or the audit sequencer does not begin while a request or a command waits for the write
lock, so a user's save gets the lock at the batch's next commit instead of polling past it."""

import threading

import pytest
from django.conf import settings
from django.db import connections, transaction

from apps.batches.services import batch_run
from apps.core.db.sqlite3.base import DatabaseWrapper
from apps.core.db.writers import WriterQueue, background_writer
from apps.operations.models import Heartbeat
from tests.operations.test_health import _sqlite_settings


def _in_thread(fn):
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", fn()), daemon=True)
    thread.start()
    return thread, result


def test_a_background_writer_waits_while_an_interactive_writer_is_announced(tmp_path):
    database = str(tmp_path / "db.sqlite3")
    user, batch = WriterQueue(database), WriterQueue(database)
    with user.interactive():
        thread, _result = _in_thread(lambda: batch.background_turn(max_wait=30))
        thread.join(0.3)
        assert thread.is_alive()  # still giving way
    thread.join(10)
    assert not thread.is_alive()


def test_a_background_writer_goes_on_at_once_when_nobody_waits(tmp_path):
    thread, result = _in_thread(
        lambda: WriterQueue(str(tmp_path / "db.sqlite3")).background_turn(max_wait=30)
    )
    thread.join(10)
    assert not thread.is_alive() and result["value"] < 30


def test_a_stuck_announcement_holds_a_background_writer_only_for_its_longest_wait(tmp_path):
    database = str(tmp_path / "db.sqlite3")
    with WriterQueue(database).interactive():
        waited = WriterQueue(database).background_turn(max_wait=0.2)
    assert waited >= 0.2


def test_two_interactive_writers_do_not_wait_for_each_other_to_announce(tmp_path):
    database = str(tmp_path / "db.sqlite3")
    announced = threading.Event()

    def second_writer():
        with WriterQueue(database).interactive():
            announced.set()

    with WriterQueue(database).interactive():
        thread, _result = _in_thread(second_writer)
        assert announced.wait(10)  # while the first is still announced
    thread.join(10)


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "apps.core.db.sqlite3",
    reason="the embedded default (SQLite) only; PostgreSQL queues its writers itself",
)
def test_the_sqlite_default_uses_the_backend_that_puts_interactive_writers_first():
    assert isinstance(connections["default"], DatabaseWrapper)


def _wrapper(path):
    options = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    wrapper = DatabaseWrapper({**_sqlite_settings(path), "OPTIONS": options}, alias="writers")
    wrapper.ensure_connection()
    return wrapper


@pytest.mark.django_db  # lets the test open its own connection to a file
def test_a_background_transaction_begins_only_when_no_interactive_writer_waits(tmp_path):
    path = tmp_path / "db.sqlite3"
    began = threading.Event()

    def background():
        wrapper = _wrapper(path)  # a connection belongs to the thread that made it
        with background_writer(wrapper):
            wrapper._start_transaction_under_autocommit()
            began.set()
            wrapper.cursor().execute("COMMIT")
        wrapper.close()

    with WriterQueue(str(path)).interactive():
        thread, _result = _in_thread(background)
        assert not began.wait(0.3)
    thread.join(10)
    assert began.is_set()


@pytest.mark.django_db  # lets the test open its own connection to a file
def test_an_interactive_transaction_begins_while_another_is_announced(tmp_path):
    path = tmp_path / "db.sqlite3"
    wrapper = _wrapper(path)
    with WriterQueue(str(path)).interactive():
        wrapper._start_transaction_under_autocommit()
        wrapper.cursor().execute("COMMIT")
    wrapper.close()


@pytest.mark.django_db
def test_the_chunks_of_a_batch_are_background_work():
    Heartbeat.objects.create(name="one", beat_at="2026-01-01T00:00:00+08:00")
    seen = []

    def work(item):
        seen.append(getattr(transaction.get_connection(), "wipp_background", False))

    batch_run(kind="test", key="writers", items=Heartbeat.objects.all(), work=work)
    assert seen == [True]
    assert getattr(transaction.get_connection(), "wipp_background", False) is False
