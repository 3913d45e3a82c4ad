"""The audit log's keyed chain, its checkpoints and its verification (issue 11 items 1–3).

Writers insert unchained entries; the sequencer (`audit_chain_pending`) links them with
HMAC-SHA256 under WIPP_AUDIT_KEYS and writes signed checkpoints outside the database;
verification checks the chain against every checkpoint. Tamper tests play an insider who can
write the database (the PostgreSQL trigger switched off, as the table owner can) but holds
neither the key nor the checkpoint directory.
"""

import itertools
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from apps.audit.chain import GENESIS_HASH, entry_digest, key_id
from apps.audit.models import AuditChainHead, AuditEntry, AuditVerification
from apps.audit.selectors import audit_chain_verify
from apps.audit.sequencer import ChainStateError, audit_chain_pending
from apps.audit.services import audit_record
from apps.audit.verification import audit_verification_run
from tests.factories import CityFactory, OrganisationFactory

from .conftest import insider_sql

pytestmark = pytest.mark.django_db
TABLE = AuditEntry._meta.db_table


def _entries(n=3, start=0):
    return [
        audit_record(action="update", object_type="test.Thing", object_id=i, after={"n": i})
        for i in range(start, start + n)
    ]


def _chained(entries):
    return [AuditEntry.unscoped.get(pk=e.pk) for e in entries]


def _chain_in_runs(runs=3, per_run=2):
    """Entries chained in several sequencer runs: one checkpoint per run."""
    entries = []
    for run in range(runs):
        entries += _entries(per_run, start=run * per_run)
        audit_chain_pending()
    return _chained(entries)


def _verify_command(*args):
    from io import StringIO

    out = StringIO()
    call_command("verify_audit_log", *args, stdout=out)
    return out.getvalue()


# --- writers and the sequencer ------------------------------------------------------------


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


def test_an_entry_is_written_at_once_unchained_and_touches_no_shared_row():
    entry = audit_record(action="update", object_type="test.Thing", after={"n": 1})
    stored = AuditEntry.unscoped.get(pk=entry.pk)
    assert stored.chained_seq is None and stored.entry_hash is None and not stored.is_chained
    assert not AuditChainHead.objects.exists()  # the writer never touched the head row


def test_the_sequencer_chains_in_order_with_the_first_key(settings):
    entries = _entries(3)
    run = audit_chain_pending()
    assert run.chained >= 3 and run.checkpoint == 1
    rows = list(AuditEntry.unscoped.order_by("chained_seq"))
    assert [r.chained_seq for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0].previous_hash == GENESIS_HASH
    for previous, row in itertools.pairwise(rows):
        assert row.previous_hash == previous.entry_hash
    assert {r.key_id for r in rows} == {key_id(settings.WIPP_AUDIT_KEYS[0])}
    assert {e.pk for e in entries} <= {r.pk for r in rows}
    assert audit_chain_pending().chained == 0  # nothing left, no new checkpoint


def test_small_batches_chain_everything_in_several_transactions():
    _entries(7)
    assert audit_chain_pending(batch=2).chained >= 7
    assert not AuditEntry.unscoped.filter(chained_seq__isnull=True).exists()
    assert audit_chain_verify().intact


def test_gap_rule_a_rolled_back_transactions_entries_never_exist():
    kept = _entries(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        _entries(2, start=10)
        raise RuntimeError("rolled back")
    later = _entries(1, start=20)
    audit_chain_pending()
    assert not AuditEntry.unscoped.filter(object_id__in=["10", "11"]).exists()
    # Their ids are unused (PostgreSQL) or reused (SQLite); the positions are dense.
    seqs = sorted(AuditEntry.unscoped.values_list("chained_seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert _chained(kept + later)[1].chained_seq > _chained(kept)[0].chained_seq
    assert audit_chain_verify().intact


def _entry_with_id(pk: int) -> AuditEntry:
    from django.utils import timezone

    entry = AuditEntry(id=pk, occurred_at=timezone.now(), action="update", object_type="t")
    AuditEntry.unscoped.bulk_create([entry])
    return entry


def test_gap_rule_an_entry_that_appears_below_a_newer_one_is_chained_later_not_skipped():
    """Selection is by state (chained_seq NULL), not by an id cursor: an entry with a lower
    id that becomes visible after a newer one was chained (its transaction committed later)
    gets the next position. The PostgreSQL test does this with a real open transaction."""
    top = max(AuditEntry.unscoped.values_list("id", flat=True), default=0)
    newer = _entry_with_id(top + 100)
    audit_chain_pending()
    older = _entry_with_id(top + 50)
    audit_chain_pending()
    older, newer = _chained([older, newer])
    assert older.chained_seq == newer.chained_seq + 1
    assert older.previous_hash == newer.entry_hash
    assert audit_chain_verify().intact


def test_entries_cannot_be_changed_or_deleted_through_the_orm():
    entry = _entries(1)[0]
    entry.message = "changed"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_snapshots_keep_decimals_exact():
    entry = audit_record(action="update", object_type="t", after={"amount": Decimal("0.10")})
    assert AuditEntry.unscoped.get(pk=entry.pk).after == {"amount": "0.10"}
    audit_chain_pending()
    assert audit_chain_verify().intact


# --- verification -----------------------------------------------------------------------------


def test_intact_chain_verifies_and_command_exits_zero_reporting_the_entry_size():
    _chain_in_runs()
    verdict = audit_chain_verify()
    assert verdict.intact and verdict.checked >= 6 and verdict.checkpoints_checked == 3
    out = _verify_command()
    assert "intact" in out and "average before/after size" in out and "bytes per entry" in out


def test_unchained_entries_are_pending_not_an_alarm():
    _chain_in_runs(1)
    _entries(2, start=50)
    verdict = audit_chain_verify()
    assert verdict.intact and verdict.pending >= 2


def test_edited_entry_is_detected_and_named():
    entries = _chain_in_runs()
    target = entries[1]
    insider_sql(f"UPDATE {TABLE} SET message = %s WHERE id = %s", ["forged", target.id])
    verdict = audit_chain_verify()
    assert not verdict.intact
    assert verdict.first_bad_entry_id == target.id
    with pytest.raises(CommandError, match=f"first bad entry #{target.id}"):
        _verify_command()


@pytest.mark.parametrize("attacker_key", [b"", b"a guessed key"])
def test_edit_with_every_later_hash_recomputed_without_the_key_is_caught(attacker_key):
    entries = _chain_in_runs()
    rows = list(AuditEntry.unscoped.order_by("chained_seq"))
    target = next(r for r in rows if r.pk == entries[2].pk)
    previous = target.previous_hash
    for row in rows[rows.index(target) :]:
        if row.pk == target.pk:
            row.message = "forged"
        row.previous_hash = previous
        row.entry_hash = entry_digest(row, key=attacker_key)
        insider_sql(
            f"UPDATE {TABLE} SET message = %s, previous_hash = %s, entry_hash = %s WHERE id = %s",
            [row.message, row.previous_hash, row.entry_hash, row.pk],
        )
        previous = row.entry_hash
    verdict = audit_chain_verify()
    assert not verdict.intact
    assert verdict.first_bad_entry_id == target.pk
    assert verdict.reason == "content does not match its hash"


def test_deleted_entry_in_the_middle_is_detected():
    entries = _chain_in_runs()
    target = entries[1]
    insider_sql(f"DELETE FROM {TABLE} WHERE id = %s", [target.id])
    verdict = audit_chain_verify()
    assert not verdict.intact
    assert verdict.first_bad_seq == target.chained_seq
    assert f"position {target.chained_seq} is missing" in verdict.reason


def test_tail_truncation_with_the_head_moved_is_caught_by_the_checkpoints():
    _chain_in_runs()
    rows = list(AuditEntry.unscoped.order_by("chained_seq"))
    keep = rows[: len(rows) // 2]
    insider_sql(f"DELETE FROM {TABLE} WHERE chained_seq > %s", [keep[-1].chained_seq])
    AuditChainHead.objects.update(
        last_seq=keep[-1].chained_seq, last_hash=keep[-1].entry_hash, entry_count=len(keep)
    )
    verdict = audit_chain_verify()
    assert not verdict.intact
    assert f"entries after position {keep[-1].chained_seq} are missing" in verdict.reason
    with pytest.raises(CommandError, match="NOT intact"):
        _verify_command()
    # And the sequencer refuses to build on the rewound head.
    _entries(1, start=99)
    with pytest.raises(ChainStateError):
        audit_chain_pending()


def test_wiped_table_and_head_are_caught():
    _chain_in_runs()
    insider_sql(f"DELETE FROM {TABLE}")
    AuditChainHead.objects.all().delete()
    verdict = audit_chain_verify()
    assert not verdict.intact
    assert "entries after position 0 are missing" in verdict.reason


def test_recomputed_chain_with_a_fresh_start_is_caught():
    """An insider wipes and rebuilds a plausible chain with a key of their own."""
    _chain_in_runs()
    insider_sql(f"DELETE FROM {TABLE}")
    AuditChainHead.objects.all().delete()
    for i, entry in enumerate(_entries(6, start=100), start=1):
        entry.chained_seq, entry.previous_hash, entry.key_id = i, GENESIS_HASH, "forged"
    verdict = audit_chain_verify()
    assert not verdict.intact


def test_removed_checkpoint_file_is_caught(checkpoint_files):
    _chain_in_runs(3)
    files = checkpoint_files()
    assert len(files) == 3
    files[1].unlink()
    verdict = audit_chain_verify()
    assert not verdict.intact and "checkpoint #2 is missing" in verdict.reason


def test_removed_last_checkpoint_file_is_caught(checkpoint_files):
    _chain_in_runs(3)
    checkpoint_files()[-1].unlink()
    verdict = audit_chain_verify()
    assert not verdict.intact and "checkpoint #3 is missing" in verdict.reason


def test_edited_checkpoint_file_is_caught(checkpoint_files):
    _chain_in_runs(2)
    path = checkpoint_files()[0]
    payload = json.loads(path.read_text())
    payload["last_seq"] += 1
    path.write_text(json.dumps(payload))
    verdict = audit_chain_verify()
    assert not verdict.intact and "no valid signature" in verdict.reason


def test_checkpoint_files_are_never_overwritten(checkpoint_files):
    from apps.audit.checkpoints import checkpoint_read_number, checkpoint_store

    _chain_in_runs(1)
    with pytest.raises(FileExistsError):
        checkpoint_store(checkpoint_read_number(1))


def test_key_rotation_new_key_signs_old_key_still_verifies(settings):
    old, new = "old-audit-key-0123456789abcdef", "new-audit-key-0123456789abcdef"
    settings.WIPP_AUDIT_KEYS = [old]
    _chain_in_runs(1)
    settings.WIPP_AUDIT_KEYS = [new, old]
    _chain_in_runs(1)
    assert {key_id(old), key_id(new)} == set(AuditEntry.unscoped.values_list("key_id", flat=True))
    assert audit_chain_verify().intact
    # The old key stays listed while entries it signed are kept: without it they are unproven.
    settings.WIPP_AUDIT_KEYS = [new]
    verdict = audit_chain_verify()
    assert not verdict.intact and "not configured" in verdict.reason


def test_incremental_run_starts_from_the_last_verified_checkpoint():
    _chain_in_runs(2)
    first = AuditVerification.objects.create(started_at="2026-01-01T00:00Z")
    first = audit_verification_run(verification_id=first.pk)
    assert first.result == "intact" and first.through_checkpoint == 2 and first.signature
    _chain_in_runs(1)
    second = AuditVerification.objects.create(started_at="2026-01-01T00:00Z")
    second = audit_verification_run(verification_id=second.pk)
    assert second.result == "intact" and second.from_seq == first.through_seq
    assert second.entries_checked < AuditEntry.unscoped.count()
    assert second.through_checkpoint == 3


def test_a_planted_verification_record_does_not_move_the_start():
    _chain_in_runs(2)
    AuditVerification.objects.create(
        started_at="2026-01-01T00:00Z",
        result="intact",
        through_checkpoint=2,
        through_seq=AuditChainHead.objects.get().last_seq,
        through_hash=AuditChainHead.objects.get().last_hash,
        signature="0" * 64,
    )
    verdict = audit_chain_verify(full=False)
    assert verdict.intact and verdict.from_seq == 0


def test_verification_command_records_the_run():
    _chain_in_runs(1)
    _verify_command("--full")
    record = AuditVerification.objects.get()
    assert record.result == "intact" and record.finished_at and record.full
    assert record.average_entry_bytes > 0


# --- retention -------------------------------------------------------------------------------


def test_purge_deletes_old_entries_and_verification_still_passes(settings):
    from datetime import timedelta

    from django.utils import timezone

    from apps.audit.retention import audit_purge

    old = _entries(4)
    # The old entries (and anything written before them) date from 200 days ago.
    insider_sql(
        f"UPDATE {TABLE} SET occurred_at = %s WHERE id <= %s",
        [timezone.now() - timedelta(days=200), old[-1].pk],
    )
    fresh = _entries(2, start=10)
    audit_chain_pending()
    result = audit_purge()
    assert result.purged >= 4 and result.checkpoint
    assert not AuditEntry.unscoped.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEntry.unscoped.filter(pk__in=[e.pk for e in fresh]).count() == 2
    purge_entry = AuditEntry.unscoped.filter(object_type="audit.AuditEntry").get()
    assert purge_entry.after["purged"] == result.purged
    audit_chain_pending()
    assert audit_chain_verify(full=True).intact
    # A deletion of entries after the purge boundary is still caught.
    insider_sql(f"DELETE FROM {TABLE} WHERE id = %s", [fresh[0].pk])
    assert not audit_chain_verify(full=True).intact


def test_retention_below_six_months_is_refused(settings):
    settings.WIPP_AUDIT_RETENTION_DAYS = 90
    with pytest.raises(CommandError, match="at least 183"):
        call_command("audit_purge")


def test_the_demo_seed_command_ends_with_a_chained_log(monkeypatch):
    from io import StringIO

    import demo.management.commands.seed_demo as seed_command

    monkeypatch.setattr(seed_command, "demo_seed", lambda: _entries(2))
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "entries chained" in out.getvalue()
    assert not AuditEntry.unscoped.filter(chained_seq__isnull=True).exists()


def test_the_audit_chain_command_chains_and_checkpoints(checkpoint_files):
    from io import StringIO

    _entries(2)
    out = StringIO()
    call_command("audit_chain", stdout=out)
    assert "checkpoint 1" in out.getvalue() and len(checkpoint_files()) == 1
