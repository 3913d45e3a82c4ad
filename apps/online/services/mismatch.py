"""Study time behind a face that does not match is not counted (HB §12 (二): the captures
during study prove who studied). A learning record counts nothing when a capture of its
trainee taken between its start and end — or linked to it by the platform — did not match
the enrolled face, whichever of the two arrived first."""

from django.db.models import Q

from apps.audit.chain import rows_digest
from apps.audit.models import AuditAction
from apps.audit.services import audit_bulk

from ..models import FaceCapture, LearningRecord, NotCounted

CHUNK = 200


def mismatched_windows(*, project, platform_id, trainee_ids) -> dict[int, list]:
    """The times of the captures that did not match, per trainee of a learning batch."""
    times: dict[int, list] = {}
    rows = FaceCapture.unscoped.filter(
        project=project, platform_id=platform_id, matched=False, trainee_id__in=trainee_ids
    ).values_list("trainee_id", "captured_at")
    for trainee_id, captured_at in rows:
        times.setdefault(trainee_id, []).append(captured_at)
    return times


def mismatch_within(times, started, ended) -> bool:
    return any(started <= at <= ended for at in times)


def learning_uncount_for_mismatches(*, project, platform_id, mismatches) -> list[str]:
    """Sets to zero the counted seconds of the learning records the mismatched captures of
    one batch fall in; one audit entry per chunk with each record's seconds before. Returns
    the platform's ids of the records changed."""
    changed = []
    for start in range(0, len(mismatches), CHUNK):
        chunk = mismatches[start : start + CHUNK]
        linked = [c.learning_record_id for c in chunk if c.learning_record_id]
        window = Q(pk__in=linked)
        for capture in chunk:
            window |= Q(
                trainee_id=capture.trainee_id,
                started_at__lte=capture.captured_at,
                ended_at__gte=capture.captured_at,
            )
        records = list(
            LearningRecord.unscoped.filter(window, project=project, platform_id=platform_id)
            .exclude(not_counted__contains=NotCounted.FACE_MISMATCH)
            .order_by("pk")
        )
        if not records:
            continue
        before = [[r.platform_record_id, r.counted_seconds, r.not_counted] for r in records]
        for record in records:
            record.counted_seconds = 0
            reasons = [r for r in record.not_counted.split(",") if r]
            record.not_counted = ",".join([*reasons, NotCounted.FACE_MISMATCH])
        LearningRecord.unscoped.bulk_update(records, ["counted_seconds", "not_counted"])
        audit_bulk(
            action=AuditAction.UPDATE,
            model=LearningRecord,
            rows_count=len(records),
            digest=rows_digest(before),
            object_repr=f"{len(records)} learning records behind a face that did not match",
            jurisdiction_path=project.jurisdiction.path,
            project_id=project.pk,
            before={"records": before[:50]},
            after={"counted_seconds": 0, "reason": NotCounted.FACE_MISMATCH},
            object_ids=[r.pk for r in records],
            message="study time not counted: a face capture during it did not match",
        )
        changed += [r.platform_record_id for r in records]
    return changed
