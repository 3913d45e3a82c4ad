"""Running a batch of an integrating system: atomic (every row or none), idempotent by the
caller's key, every bad row reported (the same approach as the online platforms' ingest,
apps.online)."""

import hashlib
import json
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import IdempotentBatch

KEY_MAX = 100


class BatchRejected(Exception):
    """Some rows are bad: nothing was stored. `errors` has one entry per bad row."""

    def __init__(self, message: str, errors: list[dict]):
        super().__init__(message)
        self.message = message
        self.errors = errors


class KeyReused(Exception):
    """The key was used before with another body."""


def _digest(body) -> str:
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _messages(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in errors] for field, errors in exc.message_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def _key_check(key: str) -> str:
    key = (key or "").strip()
    if not key or len(key) > KEY_MAX or not key.isprintable():
        raise ValidationError(
            {"Idempotency-Key": _("Send an Idempotency-Key header of 1 to 100 characters.")}
        )
    return key


def _stored(*, user, operation: str, key: str) -> IdempotentBatch | None:
    return IdempotentBatch.objects.filter(user=user, operation=operation, key=key).first()


def batch_once(
    *,
    user,
    jurisdiction,
    operation: str,
    key: str,
    body,
    rows_count: int,
    apply: Callable[[], list],
    status_code: int = 201,
) -> tuple[int, dict, bool]:
    """Runs `apply()` — the whole batch, returning one result per row or raising
    `BatchRejected` — in one transaction with the record of the key, and answers (status,
    body, replayed). A key seen before answers its stored result (same body) or raises
    `KeyReused` (another body) without running anything. The record's creation is the batch's
    one audit entry of its own: operation, key, row count and the body's SHA-256."""
    key = _key_check(key)
    digest = _digest(body)
    found = _stored(user=user, operation=operation, key=key)
    if found is not None:
        if found.digest != digest:
            raise KeyReused
        return found.status_code, found.response, True
    raced = False
    with transaction.atomic():
        results = apply()
        answer = {"operation": operation, "rows": rows_count, "results": results}
        try:
            with transaction.atomic():
                IdempotentBatch.objects.create(
                    jurisdiction=jurisdiction,
                    user=user,
                    operation=operation,
                    key=key,
                    digest=digest,
                    rows=rows_count,
                    status_code=status_code,
                    response=answer,
                )
        except IntegrityError:
            # The same key sent twice at once: the other request stored its answer first;
            # this one's rows are rolled back with it.
            raced = True
            transaction.set_rollback(True)
    if raced:
        found = _stored(user=user, operation=operation, key=key)
        if found is None or found.digest != digest:
            raise KeyReused
        return found.status_code, found.response, True
    return status_code, answer, False


def batch_run(
    *,
    user,
    jurisdiction,
    operation: str,
    key: str,
    body,
    rows: list,
    apply_row: Callable[[dict], dict],
    status_code: int = 201,
) -> tuple[int, dict, bool]:
    """`batch_once` applying `apply_row` to every row: a row's `ValidationError` is collected
    (its savepoint rolled back) and the others still checked; if any row failed,
    `BatchRejected` rolls everything back."""

    def apply() -> list:
        errors, results = [], []
        for index, row in enumerate(rows):
            try:
                with transaction.atomic():
                    results.append(apply_row(row))
            except ValidationError as exc:
                errors.append({"row": index, "errors": _messages(exc)})
        if errors:
            raise BatchRejected(_("Some rows are invalid; nothing was stored."), errors)
        return results

    return batch_once(
        user=user,
        jurisdiction=jurisdiction,
        operation=operation,
        key=key,
        body=body,
        rows_count=len(rows),
        apply=apply,
        status_code=status_code,
    )
