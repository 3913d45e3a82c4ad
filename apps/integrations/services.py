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
    """Applies `apply_row` to every row in one transaction and answers (status, body,
    replayed). A row's `ValidationError` is collected (its savepoint rolled back) and the
    others still checked; if any row failed, `BatchRejected` rolls everything back."""
    key = (key or "").strip()
    if not key or len(key) > KEY_MAX or not key.isprintable():
        raise ValidationError(
            {"Idempotency-Key": _("Send an Idempotency-Key header of 1 to 100 characters.")}
        )
    digest = _digest(body)
    found = IdempotentBatch.objects.filter(user=user, operation=operation, key=key).first()
    if found is not None:
        if found.digest != digest:
            raise KeyReused
        return found.status_code, found.response, True
    errors, results = [], []
    try:
        with transaction.atomic():
            for index, row in enumerate(rows):
                try:
                    with transaction.atomic():
                        results.append(apply_row(row))
                except ValidationError as exc:
                    errors.append({"row": index, "errors": _messages(exc)})
            if errors:
                raise BatchRejected(_("Some rows are invalid; nothing was stored."), errors)
            answer = {"operation": operation, "rows": len(rows), "results": results}
            IdempotentBatch.objects.create(
                jurisdiction=jurisdiction,
                user=user,
                operation=operation,
                key=key,
                digest=digest,
                rows=len(rows),
                status_code=status_code,
                response=answer,
            )
    except IntegrityError:
        # The same key sent twice at once: the other request stored its answer first.
        found = IdempotentBatch.objects.filter(user=user, operation=operation, key=key).first()
        if found is None or found.digest != digest:
            raise KeyReused from None
        return found.status_code, found.response, True
    return status_code, answer, False
