"""The batch machinery every ingest shares: who may push, row checks, one batch once
(digest, replay, known rows), storing and the one audit entry per batch."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.audit.chain import rows_digest
from apps.audit.models import AuditAction
from apps.audit.services import audit_bulk, audit_record
from apps.core.crypto import blind_index
from apps.core.levels import Level, level_require
from apps.core.validators import normalize_resident_id
from apps.projects.models import ParticipantRole, ProjectParticipant, ProjectStage
from apps.training.models import Trainee

from ..models import IngestBatch, LearningRecord

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
