"""Trainee rosters pushed by the implementing agency's system (issue 16 item 7; HB §10, §12,
§14): the rows the web page takes from an Excel roster (apps.training.roster), sent as JSON in
one atomic batch under the caller's Idempotency-Key. The online training platforms find
their learners on this roster (apps.online), so an integrating agency enrols them here
before the platform pushes learning records.

Every row is checked as an uploaded roster's row is — ID number (GB 11643), name, sex and
birth date against it, mobile, employer credit code (GB 32100), duplicates in the batch, in
the project and in the province's projects of the year — and one bad row refuses the batch,
every bad row named. The good batch is written by the roster import itself
(`roster_confirm`: the trainees, one audit entry per chunk, a finding for a row whose sex or
birth date does not match its ID number) inside the batch's transaction."""

import json

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.core.crypto import blind_index
from apps.core.validators import normalize_resident_id
from apps.projects.participation import implementer_require
from apps.training.models import RosterImport
from apps.training.roster import COLUMNS
from apps.training.roster import roster_rows_check as rows_check
from apps.training.roster_services import roster_confirm

from .services import BatchRejected, batch_once

MAX_ROWS = 500
FIELDS = tuple(name for name, _header, _required in COLUMNS)


def _digest_body(rows: list[dict]) -> list[dict]:
    """The body the batch's digest covers: the ID numbers as their keyed blind index, so the
    stored digest and its audit entry never derive from an ID number in clear."""
    body = []
    for row in rows:
        row = dict(row)
        if row.get("resident_id"):
            row["resident_id"] = blind_index(normalize_resident_id(str(row["resident_id"])))
        body.append(row)
    return body


def _shape_errors(rows) -> list[dict]:
    """Rows that are not objects of text fields (the API's serializer checks them first;
    this holds for any caller)."""
    errors = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            errors.append(
                {"row": index, "errors": {"non_field_errors": [_("A row is an object.")]}}
            )
            continue
        unknown = sorted(set(row) - set(FIELDS))
        bad = {
            name: [_("Expected text.")]
            for name, value in row.items()
            if name in FIELDS and value is not None and not isinstance(value, str)
        }
        for name in unknown:
            bad[name] = [_("Unknown field.")]
        if bad:
            errors.append({"row": index, "errors": bad})
    return errors


def trainees_batch(*, user, training_class, key: str, rows) -> tuple[int, dict, bool]:
    """Adds the trainees of `rows` to the class's roster, all or none; answers (status, body,
    replayed) — the body's `results` give each row's trainee id and its warnings."""
    project = training_class.project
    implementer_require(user=user, project=project)
    if not isinstance(rows, list) or not 1 <= len(rows) <= MAX_ROWS:
        raise ValidationError(
            {"trainees": [_("Send 1 to %(n)d trainees in one batch.") % {"n": MAX_ROWS}]}
        )
    shape = _shape_errors(rows)
    if shape:
        raise BatchRejected(_("Some rows are invalid; nothing was stored."), shape)

    def apply() -> list:
        # The roster's own row numbers start at 1 (its batch resumes after a row number);
        # the errors name the 0-based index of the batch.
        raw = [{**row, "_row": index + 1} for index, row in enumerate(rows)]
        checks = rows_check(training_class=training_class, raw_rows=raw)
        errors = [
            {"row": check.number - 1, "errors": _by_field(check.errors)}
            for check in checks
            if check.errors
        ]
        if errors:
            raise BatchRejected(_("Some rows are invalid; nothing was stored."), errors)
        roster_import = RosterImport.unscoped.create(
            training_class=training_class,
            file_name=(_("API batch %(key)s") % {"key": key.strip()})[:200],
            rows=json.dumps(raw, ensure_ascii=False),
            uploaded_by=user,
        )
        trainees = roster_confirm(user=user, roster_import=roster_import)
        return [
            {"row": check.number - 1, "id": trainee.pk, "warnings": _by_field(check.warnings)}
            for check, trainee in zip(checks, trainees, strict=True)
        ]

    return batch_once(
        user=user,
        jurisdiction=project.jurisdiction,
        operation=f"training-roster:{training_class.pk}",
        key=key,
        body=_digest_body(rows),
        rows_count=len(rows),
        apply=apply,
    )


def _by_field(pairs) -> dict:
    found: dict[str, list[str]] = {}
    for name, message in pairs:
        found.setdefault(name, []).append(str(message))
    return found
