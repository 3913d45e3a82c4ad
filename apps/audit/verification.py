"""Verification of the audit chain against the checkpoints kept outside the database.

What is checked, in this order:
1. the head row's checkpoint number is read first (so a checkpoint written meanwhile cannot
   look missing), then every checkpoint (directory, and S3 when configured): each signed with
   a configured key, numbered 1…n without a gap, each linking to its predecessor's signature,
   none going backwards, n not below the number the database recorded, every S3 copy present
   in the directory — a removed or forged checkpoint file is caught here;
2. in one consistent snapshot (a REPEATABLE READ, READ ONLY transaction on PostgreSQL; SQLite
   has one writer and chained rows never change), the entries by chain position from the
   start point: positions dense, each linking to the previous hash, each HMAC valid under the
   key it names, and at every checkpoint's position the checkpoint's hash. An edited entry,
   an edited entry with every later hash recomputed without the key, and a deleted entry in
   the middle are each caught;
3. every checkpoint beyond the last position found means entries were removed at the tail —
   tail truncation with the head moved, or a wipe of the table.

Incremental: a run starts from the checkpoint the last intact run verified up to (its record
is signed with the audit key, so an insider cannot plant a later start), re-checking that
checkpoint's entry; `full=True` starts from the beginning (or the purge boundary). Entries not
chained yet are counted as pending, never as an alarm; entries written or chained while the
run goes are outside its snapshot, so concurrent writes never make it cry wolf.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from .chain import GENESIS_HASH, entry_digest, key_for, sign, signature_valid, signing_key
from .checkpoints import checkpoints_load
from .models import AuditChainHead, AuditEntry, AuditVerification, VerificationResult


@dataclass
class ChainVerdict:
    intact: bool
    checked: int
    first_bad_entry_id: int | None = None
    reason: str = ""
    first_bad_seq: int | None = None
    from_seq: int = 0
    through_seq: int = 0
    through_hash: str = ""
    through_checkpoint: int = 0
    checkpoints_checked: int = 0
    pending: int = 0
    average_entry_bytes: int = 0
    problems: list[str] = field(default_factory=list)


class _Bad(Exception):
    def __init__(self, reason: str, seq: int | None = None, entry_id: int | None = None):
        super().__init__(reason)
        self.reason, self.seq, self.entry_id = reason, seq, entry_id


def _start_point(checkpoints: list[dict], *, full: bool) -> tuple[int, str, dict | None]:
    """(position, hash, checkpoint) to start after: the purge boundary, or for an incremental
    run the checkpoint of the last intact, validly signed verification if it is still there."""
    last = checkpoints[-1] if checkpoints else None
    purged = last["purged_through_seq"] if last else 0
    anchor = last["purge_anchor_hash"] if last and purged else GENESIS_HASH
    start = (purged, anchor, None)
    if full:
        return start
    previous = (
        AuditVerification.objects.filter(result=VerificationResult.INTACT, through_checkpoint__gt=0)
        .order_by("-id")
        .first()
    )
    if previous is None or not signature_valid(_record_payload(previous)):
        return start
    by_number = {c["number"]: c for c in checkpoints}
    checkpoint = by_number.get(previous.through_checkpoint)
    if (
        checkpoint is None
        or checkpoint["last_seq"] != previous.through_seq
        or checkpoint["head_hash"] != previous.through_hash
        or checkpoint["last_seq"] <= purged
    ):
        return start
    return checkpoint["last_seq"], checkpoint["head_hash"], checkpoint


def _record_payload(record: AuditVerification) -> dict:
    return {
        "verification": record.pk,
        "result": record.result,
        "through_seq": record.through_seq,
        "through_hash": record.through_hash,
        "through_checkpoint": record.through_checkpoint,
        "key_id": record.key_id,
        "signature": record.signature,
    }


def verification_sign(record: AuditVerification) -> None:
    """Seals the record's verdict and end point with the audit key."""
    kid, key = signing_key()
    record.key_id = kid
    record.signature = sign(_record_payload(record), key=key)


@dataclass
class _Walk:
    checked: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS_HASH
    size_bytes: int = 0
    through: dict | None = None


def _walk(
    *,
    start_seq: int,
    start_hash: str,
    start_checkpoint: dict | None,
    anchors: dict[int, dict],
    batch_size: int,
    progress: Callable[[int], None] | None,
) -> _Walk:
    walk = _Walk(last_seq=start_seq, last_hash=start_hash, through=start_checkpoint)
    if start_checkpoint is not None:
        # Incremental: the entry the last run ended on must still be there, unchanged.
        entry = AuditEntry.unscoped.filter(chained_seq=start_seq).first()
        if entry is None:
            raise _Bad(f"the entry at position {start_seq} is missing", start_seq)
        _check_entry(entry, entry.previous_hash or "")
        if entry.entry_hash != start_hash:
            raise _Bad(
                f"the entry at position {start_seq} differs from checkpoint "
                f"#{start_checkpoint['number']}",
                start_seq,
                entry.id,
            )
    bound = (
        AuditEntry.unscoped.filter(chained_seq__isnull=False)
        .order_by("-chained_seq")
        .values_list("chained_seq", flat=True)
        .first()
    ) or 0
    while walk.last_seq < bound:
        chunk = list(
            AuditEntry.unscoped.filter(
                chained_seq__gt=walk.last_seq, chained_seq__lte=bound
            ).order_by("chained_seq")[:batch_size]
        )
        if not chunk:
            break
        for entry in chunk:
            expected = walk.last_seq + 1
            if entry.chained_seq != expected:
                raise _Bad(f"the entry at position {expected} is missing", expected)
            if entry.previous_hash != walk.last_hash:
                raise _Bad("link to the previous entry is broken", expected, entry.id)
            _check_entry(entry, walk.last_hash)
            anchor = anchors.get(expected)
            if anchor is not None:
                if entry.entry_hash != anchor["head_hash"]:
                    raise _Bad(f"differs from checkpoint #{anchor['number']}", expected, entry.id)
                walk.through = anchor
            walk.last_seq, walk.last_hash = expected, entry.entry_hash
            walk.checked += 1
            walk.size_bytes += _size(entry.before) + _size(entry.after)
        if progress is not None:
            progress(walk.checked)
    return walk


def _size(value) -> int:
    if value is None:
        return 0
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def _check_entry(entry: AuditEntry, previous_hash: str) -> None:
    key = key_for(entry.key_id)
    if key is None:
        raise _Bad(
            f"signed with key {entry.key_id or '—'}, which is not configured",
            entry.chained_seq,
            entry.id,
        )
    if entry_digest(entry, previous_hash=previous_hash, key=key) != entry.entry_hash:
        raise _Bad("content does not match its hash", entry.chained_seq, entry.id)


def audit_chain_verify(
    *,
    full: bool = True,
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> ChainVerdict:
    """Verifies the chain against every checkpoint (see the module docstring)."""
    head = AuditChainHead.objects.filter(pk=1).values_list("last_checkpoint", flat=True).first()
    recorded_checkpoints = head or 0
    checkpoints, problems = checkpoints_load()
    if len(checkpoints) < recorded_checkpoints and not problems:
        problems.append(
            f"checkpoint #{recorded_checkpoints} is missing (the database recorded it written)"
        )
    if problems:
        return ChainVerdict(
            False,
            0,
            reason="; ".join(problems),
            problems=problems,
            checkpoints_checked=len(checkpoints),
        )
    start_seq, start_hash, start_checkpoint = _start_point(checkpoints, full=full)
    anchors = {c["last_seq"]: c for c in checkpoints if c["last_seq"] > start_seq}
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        pending = AuditEntry.unscoped.filter(chained_seq__isnull=True).count()
        try:
            walk = _walk(
                start_seq=start_seq,
                start_hash=start_hash,
                start_checkpoint=start_checkpoint,
                anchors=anchors,
                batch_size=batch_size,
                progress=progress,
            )
        except _Bad as bad:
            return ChainVerdict(
                False,
                0,
                first_bad_entry_id=bad.entry_id,
                first_bad_seq=bad.seq,
                reason=bad.reason,
                from_seq=start_seq,
                checkpoints_checked=len(checkpoints),
                pending=pending,
            )
    beyond = [c for c in checkpoints if c["last_seq"] > walk.last_seq]
    average = walk.size_bytes // walk.checked if walk.checked else 0
    if beyond:
        first = beyond[0]
        return ChainVerdict(
            False,
            walk.checked,
            first_bad_seq=walk.last_seq + 1,
            reason=(
                f"entries after position {walk.last_seq} are missing (checkpoint "
                f"#{first['number']} records {first['last_seq']})"
            ),
            from_seq=start_seq,
            checkpoints_checked=len(checkpoints),
            pending=pending,
            average_entry_bytes=average,
        )
    through = walk.through
    return ChainVerdict(
        True,
        walk.checked,
        from_seq=start_seq,
        through_seq=through["last_seq"] if through else 0,
        through_hash=through["head_hash"] if through else "",
        through_checkpoint=through["number"] if through else 0,
        checkpoints_checked=len(checkpoints),
        pending=pending,
        average_entry_bytes=average,
    )


class _Progress:
    """Writes the entries checked so far where others can read them while the run's own
    snapshot transaction is open: through a second connection on PostgreSQL (autocommit),
    on the run's connection elsewhere (visible at the end)."""

    def __init__(self, record: AuditVerification):
        self.record = record
        self.side = None
        if connection.vendor == "postgresql":
            from django.db import connections

            self.side = connections.create_connection(connection.alias)

    def __call__(self, checked: int) -> None:
        if self.side is not None:
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {AuditVerification._meta.db_table} SET entries_checked = %s "
                    "WHERE id = %s",
                    [checked, self.record.pk],
                )
        else:
            self.record.entries_checked = checked
            self.record.save(update_fields=["entries_checked"])

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def audit_verification_run(*, verification_id: int, full: bool = False) -> AuditVerification:
    """Runs one verification and stores its verdict (the body of the background task)."""
    record = AuditVerification.objects.get(pk=verification_id)
    progress = _Progress(record)
    try:
        verdict = audit_chain_verify(full=full, progress=progress)
    except Exception as error:  # stored, so the page never shows a run stuck "running"
        record.result = VerificationResult.FAILED
        record.reason = str(error)[:500]
        record.finished_at = timezone.now()
        record.save()
        raise
    finally:
        progress.close()
    record.refresh_from_db()
    record.finished_at = timezone.now()
    record.result = VerificationResult.INTACT if verdict.intact else VerificationResult.ALTERED
    record.entries_checked = verdict.checked
    record.checkpoints_checked = verdict.checkpoints_checked
    record.from_seq = verdict.from_seq
    record.first_bad_entry = verdict.first_bad_entry_id
    record.reason = verdict.reason[:500]
    record.through_seq = verdict.through_seq
    record.through_hash = verdict.through_hash
    record.through_checkpoint = verdict.through_checkpoint
    record.pending = verdict.pending
    record.average_entry_bytes = verdict.average_entry_bytes
    verification_sign(record)
    record.save()
    return record


def audit_verification_start(*, started_by: str = "", full: bool = False) -> AuditVerification:
    """Records a verification and hands it to the task worker; the page shows its progress."""
    from .services import audit_record
    from .tasks import audit_verify_task

    record = AuditVerification.objects.create(
        started_at=timezone.now(), started_by=started_by, full=full
    )
    audit_record(
        action="create",
        object_type=AuditVerification._meta.label,
        object_id=record.pk,
        object_repr=str(record),
        after={"full": full},
        message="audit log verification started",
    )
    audit_verify_task.enqueue(verification_id=record.pk, full=full)
    return record
