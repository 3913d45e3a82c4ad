"""Learning records: the hours counted under the project's supervision parameters."""

import datetime

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import BatchKind, LearningRecord, NotCounted
from ..supervision import supervision_parameters
from .batches import (
    BatchAnswer,
    _batch_digest,
    _bool,
    _conflict,
    _int,
    _known,
    _record_ids,
    _reject_if,
    _replay,
    _Rows,
    _rows_require,
    _store,
    _text,
    _trainees,
    _when,
    platform_require,
)
from .mismatch import mismatch_within, mismatched_windows

# --- learning records -----------------------------------------------------------------------

LEARNING_COLUMNS = (
    "project_id",
    "trainee_id",
    "platform_id",
    "batch_id",
    "platform_record_id",
    "course",
    "lesson",
    "started_at",
    "ended_at",
    "seconds_watched",
    "captures",
    "fast_forwarded",
    "idle_seconds",
    "counted_seconds",
    "not_counted",
    "received_at",
)
LEARNING_COMPARED = (
    "trainee_id",
    "course",
    "lesson",
    "started_at",
    "ended_at",
    "seconds_watched",
    "captures",
    "fast_forwarded",
    "idle_seconds",
)


def _bulk_insert(model, columns, rows) -> None:
    """Rows (tuples in `columns` order) into the model's table: COPY on PostgreSQL, one
    executemany elsewhere. No model signals: the caller writes the batch's audit entry."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _naive_utc_text(value: datetime.datetime) -> str:
    return value.replace(tzinfo=None).isoformat(" ")


def _same(value):
    return value


def _db_time_converter():
    """What the backend stores for an aware UTC time (SQLite: naive UTC text, as Django does),
    as a function chosen once per batch (the connection's vendor is a thread-local lookup)."""
    return _naive_utc_text if connection.vendor == "sqlite" else _same


def learning_records_ingest(*, user, project, rows, client=None) -> BatchAnswer:
    """A batch of learning records: who studied which course/lesson, from when to when, how
    many seconds, with how many face captures, whether fast-forwarded, how long idle — and
    the seconds that count under the project's supervision parameters."""
    platform_require(user, project)
    _rows_require(rows)
    check = _Rows()
    record_ids = _record_ids(check, rows)
    indexes, trainees = _trainees(check, rows, project)
    params = supervision_parameters(project=project)
    mismatched = mismatched_windows(
        project=project, platform_id=user.organisation_id, trainee_ids=set(trainees.values())
    )
    parsed = []
    digest_rows = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            parsed.append(None)
            continue
        course = _text(check, i, row, "course")
        lesson = _text(check, i, row, "lesson", required=False)
        started = _when(check, i, row, "started_at")
        ended = _when(check, i, row, "ended_at")
        watched = _int(check, i, row, "seconds_watched")
        captures = _int(check, i, row, "captures", maximum=100_000)
        forwarded = _bool(check, i, row, "fast_forwarded")
        idle = _int(check, i, row, "idle_seconds")
        if started and ended and ended < started:
            check.error(i, "ended_at", _("The record ends before it starts."))
        if i in check.errors:
            parsed.append(None)
            continue
        wall = int((ended - started).total_seconds())
        counted, reasons = params.counted_seconds(
            seconds_watched=watched,
            wall_seconds=wall,
            captures=captures,
            fast_forwarded=forwarded,
            idle_seconds=idle,
        )
        trainee_id = trainees[indexes[i]]
        if mismatch_within(mismatched.get(trainee_id, ()), started, ended):
            counted, reasons = 0, (*reasons, NotCounted.FACE_MISMATCH)
        values = (
            trainee_id,
            course,
            lesson,
            started,
            ended,
            watched,
            captures,
            forwarded,
            idle,
            counted,
            ",".join(reasons),
        )
        parsed.append(values)
        digest_rows.append(
            [
                record_ids[i],
                trainee_id,
                course,
                lesson,
                row["started_at"],
                row["ended_at"],
                watched,
                captures,
                forwarded,
                idle,
            ]
        )
    _reject_if(check, rows)

    kind = BatchKind.LEARNING
    digest = _batch_digest(kind, project.pk, digest_rows)
    replay = _replay(user.organisation_id, kind, digest)
    if replay is not None:
        return replay

    known = _known(LearningRecord, user.organisation_id, record_ids, list(LEARNING_COMPARED))
    skip = set()
    for i, record_id in enumerate(record_ids):
        stored = known.get(record_id)
        if stored is None:
            continue
        if tuple(stored[name] for name in LEARNING_COMPARED) != parsed[i][:9]:
            _conflict(check, i)
        else:
            skip.add(i)
    _reject_if(check, rows)

    def write(batch):
        db_time = _db_time_converter()
        now = db_time(timezone.now().astimezone(datetime.UTC))
        project_id, platform_id, batch_id = project.pk, user.organisation_id, batch.pk
        insert = [
            (
                project_id,
                values[0],
                platform_id,
                batch_id,
                record_ids[i],
                values[1],
                values[2],
                db_time(values[3]),
                db_time(values[4]),
                *values[5:],
                now,
            )
            for i, values in enumerate(parsed)
            if i not in skip
        ]
        _bulk_insert(LearningRecord, LEARNING_COLUMNS, insert)
        not_counted = [
            {
                "row": i,
                "platform_record_id": record_ids[i],
                "counted_seconds": values[9],
                "reasons": values[10].split(","),
            }
            for i, values in enumerate(parsed)
            if values[10]
        ]
        extra = {
            "counted_seconds": sum(values[9] for values in parsed),
            "not_fully_counted": not_counted,
            "supervision": {
                "capture_interval_seconds": params.capture_interval_seconds,
                "fast_forward_blocked": params.fast_forward_blocked,
                "idle_cutoff_seconds": params.idle_cutoff_seconds,
            },
        }
        return LearningRecord, len(insert), len(skip), extra

    return _store(
        user=user,
        client=client,
        project=project,
        kind=kind,
        digest=digest,
        total=len(rows),
        write=write,
    )
