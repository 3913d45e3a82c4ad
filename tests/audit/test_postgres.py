"""The audit chain on PostgreSQL: the append-only trigger, the gap rule with a really open
transaction, and verification while others write (threads, each with its own connection)."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from apps.audit import db_guard
from apps.audit.models import AuditEntry, AuditVerification
from apps.audit.selectors import audit_chain_verify
from apps.audit.sequencer import audit_chain_pending
from apps.audit.services import audit_record
from apps.audit.verification import audit_verification_run

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL: trigger, snapshots, concurrency"
)
TABLE = AuditEntry._meta.db_table


def _write(n=1, kind="test.Thing"):
    return [audit_record(action="update", object_type=kind, after={"n": i}) for i in range(n)]


def _refused(sql, params=()):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_trigger_refuses_update_and_delete_but_lets_the_sequencer_and_the_purge_through():
    db_guard.install(connection)  # migration 0004 does this; the tests run --nomigrations too
    entry = _write()[0]
    _refused(f"UPDATE {TABLE} SET message = 'forged' WHERE id = %s", [entry.pk])
    _refused(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])
    # Setting the chain columns together with content is refused as well.
    _refused(
        f"UPDATE {TABLE} SET chained_seq = 999, entry_hash = 'x', message = 'forged' WHERE id = %s",
        [entry.pk],
    )
    audit_chain_pending()  # the sequencer's one-time setting of the chain columns passes
    chained = AuditEntry.unscoped.get(pk=entry.pk)
    assert chained.chained_seq is not None
    # Once chained, the chain columns are fixed too.
    _refused(f"UPDATE {TABLE} SET entry_hash = 'x' WHERE id = %s", [entry.pk])
    _refused(f"UPDATE {TABLE} SET chained_seq = NULL, entry_hash = NULL WHERE id = %s", [entry.pk])
    # The purge's switch opens DELETE of chained entries only.
    pending = _write()[0]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL wipp.audit_purge = 'on'")
    _refused(f"DELETE FROM {TABLE} WHERE id = %s", [pending.pk])
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])
        cursor.execute("SET LOCAL wipp.audit_purge = 'off'")
    assert not AuditEntry.unscoped.filter(pk=entry.pk).exists()
    _refused(f"DELETE FROM {TABLE} WHERE id = %s", [pending.pk])


@pytest.mark.django_db
def test_purge_passes_the_trigger_and_verification_still_passes():
    from apps.audit.retention import audit_purge

    db_guard.install(connection)
    old = _write(3)
    audit_chain_pending()
    with connection.cursor() as cursor:  # backdate as the owner (trigger off for this only)
        cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        cursor.execute(
            f"UPDATE {TABLE} SET occurred_at = %s WHERE id <= %s",
            [timezone.now() - timedelta(days=400), old[-1].pk],
        )
        cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
    _write(2)
    result = audit_purge()
    assert result.purged >= 3
    audit_chain_pending()
    assert audit_chain_verify(full=True).intact


def _in_thread(target):
    errors = []

    def run():
        try:
            target()
        except Exception as error:  # reported to the test
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


@pytest.mark.django_db(transaction=True)
def test_gap_rule_a_transaction_committing_after_a_newer_one_is_chained_not_skipped():
    """Entry A (lower id) is written in a transaction held open; entry B (higher id) commits
    first and is chained. A is invisible, so not chained and not skipped: the first run
    after A's commit chains it, at the next position."""
    written, release = threading.Event(), threading.Event()
    held = {}

    def hold_open():
        with transaction.atomic():
            held["id"] = _write(kind="test.Held")[0].pk
            written.set()
            assert release.wait(20)

    thread, errors = _in_thread(hold_open)
    assert written.wait(20)
    newer = _write(kind="test.Newer")[0]
    assert newer.pk > held["id"]
    first = audit_chain_pending()  # does not wait for the open transaction
    assert first.chained >= 1
    assert AuditEntry.unscoped.get(pk=newer.pk).chained_seq is not None
    assert not AuditEntry.unscoped.filter(pk=held["id"]).exists()  # not visible yet
    release.set()
    thread.join(20)
    assert not errors
    audit_chain_pending()
    older = AuditEntry.unscoped.get(pk=held["id"])
    newer = AuditEntry.unscoped.get(pk=newer.pk)
    assert older.chained_seq == newer.chained_seq + 1
    assert older.previous_hash == newer.entry_hash
    assert audit_chain_verify().intact


@pytest.mark.django_db(transaction=True)
def test_verification_during_concurrent_writes_and_chaining_reports_intact():
    _write(300)
    audit_chain_pending()
    stop = threading.Event()

    def writer():
        while not stop.is_set():
            with transaction.atomic():
                _write(3, kind="test.Concurrent")
            time.sleep(0.002)

    def sequencer():
        while not stop.is_set():
            audit_chain_pending(batch=50)
            time.sleep(0.005)

    workers = [_in_thread(writer), _in_thread(writer), _in_thread(sequencer)]
    verdicts = []
    try:
        for _ in range(3):
            verdicts.append(
                audit_chain_verify(full=True, batch_size=25, progress=lambda n: time.sleep(0.01))
            )
        record = AuditVerification.objects.create(started_at=timezone.now(), full=True)
        record = audit_verification_run(verification_id=record.pk, full=True)
    finally:
        stop.set()
        for thread, _errors in workers:
            thread.join(30)
    assert not any(errors for _thread, errors in workers)
    assert all(v.intact for v in verdicts), [v.reason for v in verdicts if not v.intact]
    assert record.result == "intact" and record.entries_checked >= 300
    written = AuditEntry.unscoped.filter(object_type="test.Concurrent").count()
    assert written > 0  # the writers really wrote while the walks ran
    audit_chain_pending()
    final = audit_chain_verify(full=True)
    assert final.intact and final.pending == 0
