"""Ingest of the online platforms' batches (issue 14 item 7; HB §10 (二), §12 (二)).

One service per kind of batch — `learning_records_ingest`, `face_captures_ingest`,
`exam_results_ingest` — each called by its API view with the parsed JSON rows. Every batch:

- is pushed by the project's online platform (its API client's service user, role
  online_platform, taking part in the project as its online platform) while the project is
  being implemented;
- is checked row by row first; any bad row refuses the whole batch (`BatchRejected`, a 400
  listing every bad row with its fields), nothing is written;
- is idempotent: the batch's digest (its rows, with the trainee's id in place of the ID
  number) is kept with its answer, so the same batch sent again gets the same answer and
  changes nothing; a row whose platform record id was already received is skipped when it is
  identical and refused when it differs (records are immutable);
- is written in one transaction, in bulk — learning records with PostgreSQL's COPY or
  SQLite's executemany, the rest with `bulk_create` — and logged as ONE audit entry with the
  batch's row count and digest (`audit_bulk`), never one per row. Audit entries are inserted
  unchained (the sequencer chains them later), so the log never serialises the ingest.

Trainees are looked up on the project's roster by the keyed blind index of their ID number
(`apps.core.crypto.blind_index`); the number itself is not stored here.
"""

import base64
import binascii
import datetime
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.audit.chain import rows_digest
from apps.audit.models import AuditAction
from apps.audit.services import audit_bulk, audit_record
from apps.core.crypto import blind_index
from apps.core.levels import Level, level_require
from apps.core.validators import normalize_resident_id
from apps.findings.models import FindingSeverity
from apps.findings.services import finding_raise
from apps.projects.models import ParticipantRole, ProjectParticipant, ProjectStage
from apps.training.models import ExamResult, Trainee

from .models import BatchKind, FaceCapture, IngestBatch, LearningRecord, OnlineExamResult
from .supervision import supervision_parameters

ID_MAX = LearningRecord._meta.get_field("platform_record_id").max_length
TEXT_MAX = 200
SECONDS_MAX = 7 * 24 * 3600  # one record covers at most a week of study


class BatchRejected(Exception):
    """A batch with bad rows: nothing was stored. `errors` lists each bad row."""

    def __init__(self, message: str, errors: list[dict] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


@dataclass
class BatchAnswer:
    batch: IngestBatch
    replayed: bool

    @property
    def body(self) -> dict:
        return {"batch": self.batch.pk, **self.batch.response}


@dataclass
class _Rows:
    """Rows being checked: the errors per row index and the trainees by blind index."""

    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)

    def error(self, index: int, name: str, message: str) -> None:
        self.errors.setdefault(index, {}).setdefault(name, []).append(message)

    def report(self, rows) -> list[dict]:
        report = []
        for index in sorted(self.errors):
            row = rows[index] if isinstance(rows[index], dict) else {}
            report.append(
                {
                    "row": index,
                    "platform_record_id": str(row.get("platform_record_id", ""))[:ID_MAX],
                    "errors": self.errors[index],
                }
            )
        return report


# --- who may push ---------------------------------------------------------------------------


def platform_require(user, project) -> None:
    """The project's online platform (HB §12 (二)), while the project is being implemented."""
    level_require(user, roles={Role.ONLINE_PLATFORM}, level=Level.PARTICIPANT, subject=project)
    if (
        not user.is_superuser
        and not ProjectParticipant.objects.filter(
            project=project,
            role=ParticipantRole.ONLINE_PLATFORM,
            organisation_id=user.organisation_id,
        ).exists()
    ):
        raise PermissionDenied(_("Only the project's online training platform may push its data."))
    if project.stage != ProjectStage.IMPLEMENTATION:
        raise ValidationError(
            _("Training data is recorded while the project is being implemented (now: %(s)s).")
            % {"s": project.get_stage_display()}
        )


# --- row checks -----------------------------------------------------------------------------


def _rows_require(rows) -> None:
    limit = settings.WIPP_ONLINE_BATCH_MAX_ROWS
    if not isinstance(rows, list) or not rows:
        raise BatchRejected(_("A batch has at least one row."))
    if len(rows) > limit:
        raise BatchRejected(
            _("A batch has at most %(max)d rows; this one has %(n)d.")
            % {"max": limit, "n": len(rows)}
        )


def _text(rows: _Rows, i: int, row: dict, name: str, *, required=True, max_length=TEXT_MAX):
    value = row.get(name)
    if type(value) is str:  # the common case, checked without the slow path's branches
        stripped = value.strip()
        if stripped and len(stripped) <= max_length:
            return stripped
    if value is None or value == "":
        if required:
            rows.error(i, name, _("This field is required."))
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        rows.error(i, name, _("Expected text."))
        return ""
    value = value.strip()
    if len(value) > max_length:
        rows.error(i, name, _("At most %(max)d characters.") % {"max": max_length})
        return ""
    if required and not value:
        rows.error(i, name, _("This field is required."))
    return value


def _int(rows: _Rows, i: int, row: dict, name: str, *, maximum=SECONDS_MAX):
    value = row.get(name)
    if type(value) is not int or value < 0 or value > maximum:
        rows.error(i, name, _("Expected a whole number from 0 to %(max)d.") % {"max": maximum})
        return 0
    return value


def _bool(rows: _Rows, i: int, row: dict, name: str, *, required=True):
    value = row.get(name)
    if value is None and not required:
        return None
    if type(value) is not bool:
        rows.error(i, name, _("Expected true or false."))
        return False
    return value


def _when(rows: _Rows, i: int, row: dict, name: str):
    value = row.get(name)
    try:
        parsed = datetime.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        rows.error(
            i,
            name,
            _("Expected an ISO 8601 time with its offset, e.g. 2027-05-10T09:00:00+08:00."),
        )
        return None
    return parsed.astimezone(datetime.UTC)


def _trainees(rows: _Rows, data: list, project) -> tuple[list, dict]:
    """The blind index of each row's ID number and the project's trainees by index."""
    indexes = []
    cache: dict[str, str] = {}
    for i, row in enumerate(data):
        if not isinstance(row, dict):
            rows.error(i, "row", _("Expected an object."))
            indexes.append(None)
            continue
        raw = row.get("resident_id")
        if not isinstance(raw, str) or not raw.strip():
            rows.error(i, "resident_id", _("This field is required."))
            indexes.append(None)
            continue
        index = cache.get(raw)
        if index is None:
            index = cache[raw] = blind_index(normalize_resident_id(raw))
        indexes.append(index)
    wanted = {index for index in indexes if index}
    found = dict(
        Trainee.unscoped.filter(project=project, resident_id_index__in=wanted).values_list(
            "resident_id_index", "pk"
        )
    )
    for i, index in enumerate(indexes):
        if index and index not in found:
            rows.error(
                i, "resident_id", _("No trainee with this ID number is on the project's roster.")
            )
    return indexes, found


def _record_ids(rows: _Rows, data: list) -> list[str]:
    ids, seen = [], {}
    for i, row in enumerate(data):
        record_id = (
            _text(rows, i, row, "platform_record_id", max_length=ID_MAX)
            if isinstance(row, dict)
            else ""
        )
        if record_id in seen:
            rows.error(
                i,
                "platform_record_id",
                _("Sent twice in this batch (also row %(row)d).") % {"row": seen[record_id]},
            )
        elif record_id:
            seen[record_id] = i
        ids.append(record_id)
    return ids


def _reject_if(rows: _Rows, data: list) -> None:
    if rows.errors:
        raise BatchRejected(
            _(
                "%(n)d row(s) have errors; nothing was stored. "
                "Correct them and send the batch again."
            )
            % {"n": len(rows.errors)},
            rows.report(data),
        )


# --- one batch, once ------------------------------------------------------------------------


def _batch_digest(kind: str, project_id: int, digest_rows: list) -> str:
    return rows_digest([[kind, project_id], *digest_rows])


def _replay(platform_id: int, kind: str, digest: str) -> BatchAnswer | None:
    batch = IngestBatch.unscoped.filter(platform_id=platform_id, kind=kind, digest=digest).first()
    return BatchAnswer(batch, True) if batch is not None else None


def _known(model, platform_id: int, record_ids: list[str], fields: list[str]) -> dict:
    """{platform record id: stored values} for the ids already received from this platform."""
    return {
        row["platform_record_id"]: row
        for row in model.unscoped.filter(
            platform_id=platform_id, platform_record_id__in=record_ids
        ).values("platform_record_id", *fields)
    }


def _conflict(rows: _Rows, i: int) -> None:
    rows.error(
        i,
        "platform_record_id",
        _(
            "A record with this id was already received with other values; received records "
            "are not changed. Send a correction under a new record id."
        ),
    )


def _batch_create(*, user, client, project, kind, digest, rows, created, response) -> IngestBatch:
    """The batch row, without a per-row audit entry (its one entry is written with the rows)."""
    batch = IngestBatch(
        project=project,
        platform_id=user.organisation_id,
        client=client,
        kind=kind,
        digest=digest,
        rows=rows,
        created=created,
        response=response,
        received_at=timezone.now(),
    )
    IngestBatch.unscoped.bulk_create([batch])
    if batch.pk is None:  # backends that do not return ids from bulk inserts
        batch = IngestBatch.unscoped.get(platform_id=user.organisation_id, kind=kind, digest=digest)
    return batch


def _audit(*, batch, model, created: int, unchanged: int, project) -> None:
    """The batch's one audit entry: row count and digest (a batch whose rows were all received
    before still leaves its entry, with no rows)."""
    after = {
        "batch": batch.pk,
        "kind": batch.kind,
        "created": created,
        "unchanged": unchanged,
        "platform": batch.platform_id,
    }
    message = f"online platform batch {batch.kind}: {created} new, {unchanged} unchanged"
    context = {"jurisdiction_path": project.jurisdiction.path, "project_id": project.pk}
    if created:
        audit_bulk(
            action=AuditAction.CREATE,
            model=model,
            rows_count=created,
            digest=batch.digest,
            after=after,
            message=message,
            **context,
        )
    else:
        audit_record(
            action=AuditAction.CREATE,
            object_type=model._meta.label,
            object_repr=f"0 × {model._meta.label}",
            after={**after, "rows": 0, "digest": batch.digest},
            message=message,
            **context,
        )


def _store(*, user, client, project, kind, digest, total, write) -> BatchAnswer:
    """Runs `write(batch)` (returns (model, created, unchanged, extra answer)) in one
    transaction with the batch row and its audit entry; a concurrent identical batch that
    committed first wins and its answer is returned."""
    try:
        with transaction.atomic():
            batch = _batch_create(
                user=user,
                client=client,
                project=project,
                kind=kind,
                digest=digest,
                rows=total,
                created=0,
                response={},
            )
            model, created, unchanged, extra = write(batch)
            response = {
                "kind": kind,
                "project": project.pk,
                "rows": total,
                "created": created,
                "unchanged": unchanged,
                **extra,
            }
            IngestBatch.unscoped.filter(pk=batch.pk).update(created=created, response=response)
            batch.created, batch.response = created, response
            _audit(batch=batch, model=model, created=created, unchanged=unchanged, project=project)
    except IntegrityError:
        replay = _replay(user.organisation_id, kind, digest)
        if replay is None:
            raise
        return replay
    return BatchAnswer(batch, False)


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


# --- face captures --------------------------------------------------------------------------


def _photo(check: _Rows, i: int, row: dict) -> bytes | None:
    raw = row.get("image")
    if raw in (None, ""):
        return None
    if not isinstance(raw, str):
        check.error(i, "image", _("Expected the photo as base64 text."))
        return None
    try:
        content = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        check.error(i, "image", _("The photo is not valid base64."))
        return None
    from apps.training.facestore import photo_inspect

    try:
        photo_inspect(content)
    except ValidationError as exc:
        for message in exc.messages:
            check.error(i, "image", message)
        return None
    return content


def _verify_here(check: _Rows, i: int, trainee_id: int, content: bytes):
    """(model, distance, matched) of a photo against the trainee's enrolment template, through
    apps.training's FaceVerifier; the trainee's consent to face recognition comes first."""
    from apps.training.faces import FaceError, face_matches, face_verifier
    from apps.training.models import FaceConsent, FaceTemplate

    if not FaceConsent.objects.filter(trainee_id=trainee_id, withdrawn_at__isnull=True).exists():
        check.error(
            i,
            "image",
            _(
                "The trainee has not consented to face recognition on the platform: send no "
                "photo, only the platform's own match result."
            ),
        )
        return None
    template = FaceTemplate.objects.filter(trainee_id=trainee_id, deleted_at__isnull=True).first()
    verifier = face_verifier()
    if template is None or template.model_name != verifier.name:
        check.error(
            i,
            "image",
            _(
                "The trainee has no enrolment template to verify against; send the "
                "platform's match result (matched, match_score) instead."
            ),
        )
        return None
    try:
        vector = verifier.embed(content)
    except FaceError:
        check.error(i, "image", _("No single face could be found in the photo."))
        return None
    distance = verifier.distance(vector, json.loads(template.vector))
    return verifier.name, distance, face_matches(distance)


def face_captures_ingest(*, user, project, rows, client=None) -> BatchAnswer:
    """A batch of face captures taken during study. Each carries the platform's match result
    (`matched`, optionally `match_score`), or a photo (`image`, base64) that is verified here
    against the trainee's enrolment template. A capture that does not match is a finding."""
    platform_require(user, project)
    _rows_require(rows)
    check = _Rows()
    record_ids = _record_ids(check, rows)
    indexes, trainees = _trainees(check, rows, project)
    learning_ids = [
        row.get("learning_record_id") if isinstance(row, dict) else None for row in rows
    ]
    wanted = {str(x) for x in learning_ids if x not in (None, "")}
    learning = dict(
        LearningRecord.unscoped.filter(
            platform_id=user.organisation_id, project=project, platform_record_id__in=wanted
        ).values_list("platform_record_id", "pk")
    )
    parsed, digest_rows = [], []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            parsed.append(None)
            continue
        captured = _when(check, i, row, "captured_at")
        matched = _bool(check, i, row, "matched", required=False)
        score = row.get("match_score")
        if score is not None and (
            type(score) not in (int, float) or not 0 <= score <= 1 or isinstance(score, bool)
        ):
            check.error(i, "match_score", _("Expected a number from 0 to 1."))
        learning_ref = learning_ids[i]
        learning_pk = None
        if learning_ref not in (None, ""):
            learning_pk = learning.get(str(learning_ref))
            if learning_pk is None:
                check.error(
                    i,
                    "learning_record_id",
                    _("No learning record with this id was received for the project."),
                )
        content = _photo(check, i, row)
        if matched is None and content is None:
            check.error(
                i, "matched", _("Send the platform's match result, or the photo to verify.")
            )
        if i in check.errors:
            parsed.append(None)
            continue
        trainee_id = trainees[indexes[i]]
        parsed.append(
            {
                "trainee_id": trainee_id,
                "learning_record_id": learning_pk,
                "captured_at": captured,
                "match_score": None if score is None else float(score),
                "matched": matched,
                "content": content,
            }
        )
        digest_rows.append(
            [
                record_ids[i],
                trainee_id,
                learning_ref,
                row["captured_at"],
                matched,
                score,
                hashlib.sha256(content).hexdigest() if content else None,
            ]
        )
    _reject_if(check, rows)

    kind = BatchKind.CAPTURES
    digest = _batch_digest(kind, project.pk, digest_rows)
    replay = _replay(user.organisation_id, kind, digest)
    if replay is not None:
        return replay
    known = _known(
        FaceCapture, user.organisation_id, record_ids, ["trainee_id", "captured_at", "matched"]
    )
    skip = set()
    for i, record_id in enumerate(record_ids):
        stored = known.get(record_id)
        if stored is None:
            continue
        values = parsed[i]
        same = (
            stored["trainee_id"] == values["trainee_id"]
            and stored["captured_at"] == values["captured_at"]
            and (values["matched"] is None or stored["matched"] == values["matched"])
        )
        if same:
            skip.add(i)
        else:
            _conflict(check, i)
    # Verification here (slow: a face model per photo) before the transaction.
    for i, values in enumerate(parsed):
        if i in skip or values["content"] is None or values["matched"] is not None:
            continue
        verdict = _verify_here(check, i, values["trainee_id"], values["content"])
        if verdict is not None:
            values["face_model"], values["face_distance"], values["matched"] = verdict
            values["verified_here"] = True
    _reject_if(check, rows)

    def write(batch):
        from apps.training.models import FaceImage, FaceImageKind

        now = timezone.now()
        images = {}
        photos = [
            (i, values)
            for i, values in enumerate(parsed)
            if i not in skip and values["content"] is not None
        ]
        if photos:
            images = _photos_store(photos, project=project, user=user, now=now)
        captures = [
            FaceCapture(
                project=project,
                trainee_id=values["trainee_id"],
                platform_id=user.organisation_id,
                batch=batch,
                platform_record_id=record_ids[i],
                learning_record_id=values["learning_record_id"],
                captured_at=values["captured_at"],
                match_score=values["match_score"],
                matched=values["matched"],
                verified_here=values.get("verified_here", False),
                face_model=values.get("face_model", ""),
                face_distance=values.get("face_distance"),
                photo=images.get(i),
                received_at=now,
            )
            for i, values in enumerate(parsed)
            if i not in skip
        ]
        FaceCapture.unscoped.bulk_create(captures)
        if photos:
            audit_bulk(
                action=AuditAction.CREATE,
                model=FaceImage,
                rows_count=len(images),
                digest=rows_digest(sorted(image.sha256 for image in images.values())),
                jurisdiction_path=project.jurisdiction.path,
                project_id=project.pk,
                after={"batch": batch.pk, "kind": FaceImageKind.CHECK},
            )
        mismatches = [c for c in captures if not c.matched]
        if mismatches and mismatches[0].pk is None:
            mismatches = list(
                FaceCapture.unscoped.filter(batch=batch, matched=False).select_related("trainee")
            )
        for capture in mismatches:
            _mismatch_finding(capture)
        extra = {
            "matched": sum(1 for c in captures if c.matched),
            "not_matched": [
                {"platform_record_id": c.platform_record_id, "verified_here": c.verified_here}
                for c in mismatches
            ],
        }
        return FaceCapture, len(captures), len(skip), extra

    return _store(
        user=user,
        client=client,
        project=project,
        kind=kind,
        digest=digest,
        total=len(rows),
        write=write,
    )


def _photos_store(photos, *, project, user, now) -> dict:
    """The photos into apps.training's encrypted face store, the rows in bulk (the batch's
    audit covers them): {row index: FaceImage}."""
    import uuid

    from django.core.files.base import ContentFile

    from apps.core.crypto import _cipher
    from apps.evidence.services import evidence_storage
    from apps.training.facestore import photo_inspect
    from apps.training.models import FaceImage, FaceImageKind

    storage = evidence_storage()
    images = {}
    for i, values in photos:
        content = values["content"]
        content_type, phash = photo_inspect(content)
        name = storage.save(
            f"faces/{project.pk}/{uuid.uuid4().hex}", ContentFile(_cipher().encrypt(content))
        )
        images[i] = FaceImage(
            project=project,
            trainee_id=values["trainee_id"],
            kind=FaceImageKind.CHECK,
            storage_name=name,
            sha256=hashlib.sha256(content).hexdigest(),
            phash=phash,
            content_type=content_type,
            size=len(content),
            created_at=now,
            uploaded_by=user,
        )
    FaceImage.unscoped.bulk_create(list(images.values()))
    return images


def _mismatch_finding(capture: FaceCapture):
    from apps.training.services import agency_of

    return finding_raise(
        rule_code="OL-FACE-MISMATCH",
        citation="HB §12 (二); SPEC §5",
        severity=FindingSeverity.MAJOR,
        subject=capture,
        message=_(
            "A face capture of %(name)s during online study at %(at)s does not match the "
            "enrolled trainee (%(how)s)."
        )
        % {
            "name": capture.trainee.name,
            "at": timezone.localtime(capture.captured_at).strftime("%Y-%m-%d %H:%M"),
            "how": _("verified by the management platform")
            if capture.verified_here
            else _("the online platform's result"),
        },
        owner_role=Role.IMPLEMENTER,
        owner_organisation=agency_of(capture.project),
        records=[{"what": "online_face_capture", "id": capture.pk}],
    )


# --- exam results ---------------------------------------------------------------------------


def _score(check: _Rows, i: int, row: dict):
    raw = row.get("score")
    try:
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise InvalidOperation
        score = Decimal(str(raw)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        score = None
    if score is None or not Decimal(0) <= score <= Decimal(100):
        check.error(i, "score", _("Expected a score from 0 to 100."))
        return None
    return score


def exam_results_ingest(*, user, project, rows, client=None) -> BatchAnswer:
    """A batch of exam results taken on the platform; they count in the project's pass rate
    (apps.training's ExamResult)."""
    platform_require(user, project)
    _rows_require(rows)
    check = _Rows()
    record_ids = _record_ids(check, rows)
    indexes, trainees = _trainees(check, rows, project)
    parsed, digest_rows = [], []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            parsed.append(None)
            continue
        taken = row.get("taken_on")
        try:
            taken_on = datetime.date.fromisoformat(taken) if isinstance(taken, str) else None
        except ValueError:
            taken_on = None
        if taken_on is None:
            check.error(i, "taken_on", _("Expected a date, e.g. 2027-05-10."))
        score = _score(check, i, row)
        passed = _bool(check, i, row, "passed")
        if i in check.errors:
            parsed.append(None)
            continue
        trainee_id = trainees[indexes[i]]
        parsed.append((trainee_id, taken_on, score, passed))
        digest_rows.append([record_ids[i], trainee_id, taken, str(score), passed])
    _reject_if(check, rows)

    kind = BatchKind.EXAMS
    digest = _batch_digest(kind, project.pk, digest_rows)
    replay = _replay(user.organisation_id, kind, digest)
    if replay is not None:
        return replay
    known = _known(
        OnlineExamResult,
        user.organisation_id,
        record_ids,
        [
            "exam_result__trainee_id",
            "exam_result__taken_on",
            "exam_result__score",
            "exam_result__passed",
        ],
    )
    skip = set()
    for i, record_id in enumerate(record_ids):
        stored = known.get(record_id)
        if stored is None:
            continue
        if (
            stored["exam_result__trainee_id"],
            stored["exam_result__taken_on"],
            stored["exam_result__score"],
            stored["exam_result__passed"],
        ) == parsed[i]:
            skip.add(i)
        else:
            _conflict(check, i)
    _reject_if(check, rows)

    def write(batch):
        new = [(i, values) for i, values in enumerate(parsed) if i not in skip]
        results = ExamResult.unscoped.bulk_create(
            [
                ExamResult(
                    trainee_id=values[0],
                    taken_on=values[1],
                    score=values[2],
                    passed=values[3],
                    recorded_by=user,
                )
                for _i, values in new
            ]
        )
        OnlineExamResult.unscoped.bulk_create(
            [
                OnlineExamResult(
                    project=project,
                    platform_id=user.organisation_id,
                    batch=batch,
                    platform_record_id=record_ids[i],
                    exam_result=result,
                )
                for (i, _values), result in zip(new, results, strict=True)
            ]
        )
        passed = sum(1 for _i, values in new if values[3])
        return ExamResult, len(new), len(skip), {"passed": passed}

    return _store(
        user=user,
        client=client,
        project=project,
        kind=kind,
        digest=digest,
        total=len(rows),
        write=write,
    )
