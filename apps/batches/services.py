"""Running batch work in small transactions, resumable, with progress.

`batch_run(kind=, key=, items=, work=, chunk=)` walks `items` (a queryset, ordered here by
primary key, read a chunk at a time after the last key done, so rows the work changes do not
shift the next chunk; or a list of objects with a distinct integer `pk`, such as the rows of an
uploaded file numbered by their row) in chunks of `chunk` items, or fewer once they took
`max_seconds`. Each chunk is one transaction: `work(item)` for each of its items, then
`flush()` if given (a bulk write of what the chunk's items gathered, with its one audit
entry), then the run's progress (`done`, `cursor` = the chunk's last key) — so a crash
midway leaves the finished chunks done and recorded, and the rerun (the same kind and key)
continues after the cursor. No transaction spans the batch, so a batch never holds a lock
(or, on SQLite, the database's one write lock) for longer than one chunk, and every other
writer waits at most that long."""

import datetime
import time
from collections.abc import Callable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.core.context import current_actor
from apps.core.db.writers import background_writer

from .models import BatchRun, BatchStatus

DEFAULT_CHUNK = 20
#: a chunk commits once its items took this long, even if it has fewer than `chunk` items
CHUNK_SECONDS = 0.5
#: SQLite has one write lock and no queue: a waiting writer polls (at most every 100 ms). There
#: the chunks are shorter, each gives way to an interactive writer waiting for the lock
#: (apps.core.db.writers), and the batch pauses after each commit, longer than one poll.
SQLITE_CHUNK_SECONDS = 0.25
SQLITE_PAUSE_SECONDS = 0.15
#: a run marked running whose progress has not moved for this long was stopped by a crash (a
#: chunk commits within a second or so): a new start resumes it instead of waiting for it
STALE_AFTER = datetime.timedelta(minutes=2)


def batch_is_active(run: BatchRun | None) -> bool:
    """Whether `run` is going on now (running, its progress recorded lately) — a caller that
    must not start the same batch twice at once refuses while it is."""
    if run is None or run.status != BatchStatus.RUNNING:
        return False
    return run.updated_at > timezone.now() - STALE_AFTER


def batch_start(*, kind: str, key: str, label: str = "") -> BatchRun:
    """The unfinished run of this batch (resumed, one attempt more), or a new one."""
    now = timezone.now()
    with transaction.atomic():
        run = (
            BatchRun.objects.select_for_update()
            .filter(kind=kind, key=str(key))
            .exclude(status=BatchStatus.FINISHED)
            .first()
        )
        if run is None:
            return BatchRun.objects.create(
                kind=kind,
                key=str(key),
                label=label[:300],
                started_at=now,
                updated_at=now,
                started_by=current_actor().username[:150],
            )
        run.status, run.error = BatchStatus.RUNNING, ""
        run.attempts += 1
        run.updated_at = now
        run.save(update_fields=["status", "error", "attempts", "updated_at"])
        return run


def batch_advance(run: BatchRun, *, done: int, cursor: int) -> None:
    run.done += done
    run.cursor = cursor
    run.updated_at = timezone.now()
    BatchRun.objects.filter(pk=run.pk).update(
        done=run.done, cursor=run.cursor, updated_at=run.updated_at
    )


def batch_finish(run: BatchRun) -> BatchRun:
    run.status, run.finished_at = BatchStatus.FINISHED, timezone.now()
    run.updated_at = run.finished_at
    run.save(update_fields=["status", "finished_at", "updated_at"])
    return run


def batch_fail(run: BatchRun, error: BaseException) -> None:
    BatchRun.objects.filter(pk=run.pk).update(
        status=BatchStatus.FAILED, error=f"{type(error).__name__}: {error}"[:500]
    )


def _remaining(items, cursor: int) -> int:
    if isinstance(items, QuerySet):
        return items.filter(pk__gt=cursor).count()
    return sum(1 for item in items if item.pk > cursor)


def _next_chunk(items, cursor: int, chunk: int) -> list:
    if isinstance(items, QuerySet):
        return list(items.filter(pk__gt=cursor).order_by("pk")[:chunk])
    return [item for item in items if item.pk > cursor][:chunk]


def batch_run(
    *,
    kind: str,
    key: str,
    items,
    work: Callable[[object], object],
    chunk: int = DEFAULT_CHUNK,
    label: str = "",
    total: int | None = None,
    max_seconds: float | None = None,
    flush: Callable[[], object] | None = None,
    run: BatchRun | None = None,
) -> BatchRun:
    """Runs `work(item)` for every item after the run's cursor, `chunk` items per transaction
    — fewer when they took `max_seconds` together: the transaction commits after the item that
    reaches it, so even on a busy machine it holds its locks (on SQLite, the database's one
    write lock) about that long at most — recording progress with each chunk. An error marks
    the run failed (the chunk it happened in is rolled back, the earlier ones stay) and is
    raised again; the next call with the same kind and key resumes. `flush()`, if given, runs
    at the end of each chunk, in its transaction. `run`: the run already started by the caller
    (`batch_start` under the caller's own lock, so that two starts at once cannot both go on).
    Returns the finished run.
    (Called inside a transaction — a test's — the chunks are savepoints of it and nothing
    commits until it does.)"""
    connection = transaction.get_connection()
    sqlite = connection.vendor == "sqlite"
    if max_seconds is None:
        max_seconds = SQLITE_CHUNK_SECONDS if sqlite else CHUNK_SECONDS
    pause = SQLITE_PAUSE_SECONDS if sqlite and not connection.in_atomic_block else 0
    if not isinstance(items, QuerySet):
        items = sorted(items, key=lambda item: item.pk)
    if run is None:
        run = batch_start(kind=kind, key=key, label=label)
    remaining = _remaining(items, run.cursor) if total is None else total
    run.total = run.done + remaining
    BatchRun.objects.filter(pk=run.pk).update(total=run.total)
    try:
        cursor = run.cursor
        while True:
            rows = _next_chunk(items, cursor, chunk)
            if not rows:
                break
            with background_writer(connection), transaction.atomic():
                started = time.monotonic()
                done = 0
                for item in rows:
                    work(item)
                    done += 1
                    if time.monotonic() - started >= max_seconds:
                        break
                if flush is not None:
                    flush()
                cursor = rows[done - 1].pk
                batch_advance(run, done=done, cursor=cursor)
            if pause:
                time.sleep(pause)
    except BaseException as error:
        batch_fail(run, error)
        raise
    return batch_finish(run)


def batch_progress(*, kind: str, key: str) -> BatchRun | None:
    """The latest run of a batch (for a page showing how far it is)."""
    return BatchRun.objects.filter(kind=kind, key=str(key)).order_by("-id").first()
