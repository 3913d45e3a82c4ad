"""The sequencer: links committed audit entries into the keyed chain, and writes checkpoints.

Why: a writer (`apps.audit.services.audit_record`) only inserts its entry in its own
transaction — no position, no hash, no shared row — so no writer ever waits for another.
The chain is built here, by one process at a time (`audit_chain_pending`, run by the
`audit_chain` command from a timer or `--every N`, or as the django-tasks task
`audit_chain_task`; the demo seed and tests call it directly).

Order: each run takes the head row's lock (`AuditChainHead`, touched only by the sequencer and
the purge, so only sequencer runs serialise on it), reads the committed entries that have no
position yet, oldest id first, and gives them the next positions 1, 2, 3 … with
hash = HMAC-SHA256(key, previous hash + canonical content incl. position)
(`apps.audit.chain.entry_digest`). The chain order is therefore the order in which entries
became visible (committed) to the sequencer — batch after batch — and id order within one
batch. Positions are dense; database ids need not be.

Gap rule (what happens to entries of transactions that are not committed yet):
* A rolled-back transaction's entries never exist: they were never visible, they get no
  position, and the ids they consumed are simply unused. An id gap is not a missing entry;
  only a gap in positions is, and verification reports it.
* An in-flight transaction's entries (lower ids, not yet visible) are never skipped: the
  sequencer does not keep an id cursor ("chain everything above id N", which would jump over
  them for ever) but selects by state — every visible entry whose `chained_seq` is NULL,
  through a partial index that holds only those. Such an entry is chained by the first run
  after its transaction commits, at a later position than newer entries that committed
  earlier. So neither a settle interval nor the oldest running transaction id
  (`pg_snapshot_xmin`) is needed, and nothing waits for a long transaction.
* Until it is chained an entry is protected only by the PostgreSQL trigger (no UPDATE or
  DELETE); run the sequencer every minute to keep that window short. The audit page shows
  per entry whether it is chained yet.

Checkpoints: after a run that chained something, a signed checkpoint (apps.audit.checkpoints)
goes to the checkpoint directory and, if configured, to S3 under object lock; the head row
records its number. Not after every run: run every minute, that would be 1,440 files a day. A
run writes one when there is none yet, when the last one is at least
`WIPP_AUDIT_CHECKPOINT_MIN_INTERVAL` seconds old (default 900), or when at least
`WIPP_AUDIT_CHECKPOINT_MIN_ENTRIES` entries (default 100,000) were chained since it; the purge
and `audit_chain --checkpoint` always write one. Entries chained after the last checkpoint are
still verified link by link and by key; only a tail truncation within that window is beyond
what the checkpoints can show. The sequencer refuses to continue from a head that disagrees with
its own last checkpoint (a rewound or edited head): it raises `ChainStateError`, entries stay
recorded but unchained, and verification names the damage.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.core.db.writers import background_writer

from .chain import GENESIS_HASH, entry_digest, signing_key
from .checkpoints import checkpoint_build, checkpoint_read_number, checkpoint_store
from .models import AuditChainHead, AuditEntry


class ChainStateError(RuntimeError):
    """The head row disagrees with the last checkpoint: the chain will not be extended."""


@dataclass(frozen=True)
class ChainRun:
    chained: int
    last_seq: int
    checkpoint: int | None


def _locked_head() -> AuditChainHead:
    AuditChainHead.objects.get_or_create(pk=1)
    return AuditChainHead.objects.select_for_update().get(pk=1)


def _check_head(head: AuditChainHead) -> None:
    """The head must match the checkpoint it says is the last one, and no later checkpoint
    may exist (a crash between writing checkpoint n+1 and recording it is adopted if the
    checkpoint describes the head exactly)."""
    last = checkpoint_read_number(head.last_checkpoint)
    if head.last_checkpoint and last is None:
        raise ChainStateError(f"checkpoint #{head.last_checkpoint} is missing")
    if last is not None and last["last_seq"] > head.last_seq:
        raise ChainStateError(
            f"the head (position {head.last_seq}) is behind checkpoint "
            f"#{last['number']} (position {last['last_seq']})"
        )
    following = checkpoint_read_number(head.last_checkpoint + 1)
    if following is not None:
        if following["last_seq"] == head.last_seq and following["head_hash"] == head.last_hash:
            head.last_checkpoint = following["number"]
            head.save(update_fields=["last_checkpoint"])
        else:
            raise ChainStateError(
                f"checkpoint #{following['number']} is ahead of the head (position "
                f"{head.last_seq}): the database was rewound"
            )
    if head.last_seq:
        tail = (
            AuditEntry.unscoped.filter(chained_seq=head.last_seq)
            .values_list("entry_hash", flat=True)
            .first()
        )
        purged_through = last["purged_through_seq"] if last else 0
        if tail is None and head.last_seq > purged_through:
            raise ChainStateError(f"the entry at position {head.last_seq} is missing")
        if tail is not None and tail != head.last_hash:
            raise ChainStateError(f"the entry at position {head.last_seq} was altered")


def _store_chain_columns(rows: list[AuditEntry]) -> None:
    """One plain UPDATE per row, sent as a batch (psycopg pipelines executemany), only on rows
    still unchained — what the PostgreSQL trigger allows."""
    table = AuditEntry._meta.db_table
    sql = (
        f"UPDATE {table} SET chained_seq = %s, previous_hash = %s, entry_hash = %s, "
        "key_id = %s WHERE id = %s AND chained_seq IS NULL"
    )
    params = [(e.chained_seq, e.previous_hash, e.entry_hash, e.key_id, e.pk) for e in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def checkpoint_due(head: AuditChainHead) -> bool:
    """Whether the chain has moved on far enough, or long enough ago, since the last
    checkpoint for a new one (see the module's docstring)."""
    if head.last_seq == 0:
        return False
    last = checkpoint_read_number(head.last_checkpoint)
    if last is None:
        return True
    if last["last_seq"] >= head.last_seq:
        return False
    if head.last_seq - last["last_seq"] >= settings.WIPP_AUDIT_CHECKPOINT_MIN_ENTRIES:
        return True
    written = datetime.datetime.fromisoformat(last["time"])
    age = (timezone.now() - written).total_seconds()
    return age >= settings.WIPP_AUDIT_CHECKPOINT_MIN_INTERVAL


def audit_chain_pending(*, batch: int | None = None, checkpoint: bool | None = None) -> ChainRun:
    """Chains every committed, not-yet-chained entry (in transactions of `batch` entries),
    then writes a checkpoint when one is due (`checkpoint_due`; `checkpoint=True`: whenever
    the chain moved on since the last one, `False`: never)."""
    batch = batch or settings.WIPP_AUDIT_SEQUENCER_BATCH
    chained = 0
    while True:
        with background_writer(connection), transaction.atomic():
            head = _locked_head()
            if chained == 0:
                _check_head(head)
            rows = list(AuditEntry.unscoped.filter(chained_seq__isnull=True).order_by("id")[:batch])
            if not rows:
                break
            kid, key = signing_key()
            previous, seq = head.last_hash or GENESIS_HASH, head.last_seq
            for entry in rows:
                seq += 1
                entry.chained_seq = seq
                entry.previous_hash = previous
                entry.key_id = kid
                entry.entry_hash = entry_digest(entry, key=key)
                previous = entry.entry_hash
            _store_chain_columns(rows)
            head.last_seq, head.last_hash = seq, previous
            head.entry_count += len(rows)
            head.save(update_fields=["last_seq", "last_hash", "entry_count"])
        chained += len(rows)
        if len(rows) < batch:
            break
    head = AuditChainHead.objects.filter(pk=1).first()
    number = None
    if head is not None and checkpoint is not False:
        last = checkpoint_read_number(head.last_checkpoint)
        moved = head.last_seq > (last["last_seq"] if last else 0)
        if moved and (checkpoint or checkpoint_due(head)):
            number = checkpoint_write(kind="chain")
    return ChainRun(chained, head.last_seq if head and chained else 0, number)


def checkpoint_write(
    *, kind: str, purged_through_seq=None, purge_anchor_hash=None, purged_entries=0
) -> int:
    """Writes the next checkpoint of the head's state (called with or without an open
    transaction; the head row's lock keeps the numbering gap-free)."""
    with transaction.atomic():
        head = _locked_head()
        previous = checkpoint_read_number(head.last_checkpoint)
        payload = checkpoint_build(
            number=head.last_checkpoint + 1,
            kind=kind,
            last_seq=head.last_seq,
            head_hash=head.last_hash,
            previous=previous,
            purged_through_seq=purged_through_seq,
            purge_anchor_hash=purge_anchor_hash,
            purged_entries=purged_entries,
        )
        checkpoint_store(payload)
        head.last_checkpoint = payload["number"]
        head.save(update_fields=["last_checkpoint"])
    return payload["number"]
