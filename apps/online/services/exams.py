"""Exam results: written into the training's pass rate too."""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from apps.training.models import ExamResult

from ..models import BatchKind, OnlineExamResult
from .batches import (
    BatchAnswer,
    _batch_digest,
    _bool,
    _conflict,
    _known,
    _record_ids,
    _reject_if,
    _replay,
    _Rows,
    _rows_require,
    _store,
    _trainees,
    platform_require,
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
