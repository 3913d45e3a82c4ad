"""Upload → preview with row-level errors → confirm (all rows or none) or discard."""

import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ImportBatch, ImportStatus
from .reading import rows_read
from .registry import Importer, RowResult, importer_get

MAX_FILE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class ImportContext:
    user: object
    jurisdiction: object
    source: str


def _importer_require(user, kind: str) -> Importer:
    importer = importer_get(kind)
    if importer is None or not importer.may_import(user):
        raise PermissionDenied(_("You may not import this."))
    return importer


def _checked(importer: Importer, rows: list[RowResult], context: ImportContext):
    for row in rows:
        if not row.errors:
            importer.read_row(row, context)
    importer.check_rows(rows, context)


def import_preview(*, user, kind: str, file_name: str, content: bytes, source: str = ""):
    """Reads and checks an uploaded workbook; keeps it as a preview (nothing imported yet)."""
    importer = _importer_require(user, kind)
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."), code="too_large")
    source = source.strip()
    if importer.needs_source and not source:
        raise ValidationError({"source": _("Name the notice this schedule comes from.")})
    context = ImportContext(user=user, jurisdiction=user.organisation.jurisdiction, source=source)
    rows = rows_read(importer, content)
    _checked(importer, rows, context)
    errors = [
        {"row": row.number, "column": key, "message": message}
        for row in rows
        for key, message in row.errors.items()
    ]
    return ImportBatch.unscoped.create(
        kind=kind,
        jurisdiction=context.jurisdiction,
        file_name=file_name[:200],
        file_sha256=hashlib.sha256(content).hexdigest(),
        source=source,
        rows=json.dumps([{"number": r.number, "values": r.values} for r in rows]),
        row_count=len(rows),
        error_count=sum(1 for r in rows if r.errors),
        errors=errors,
        uploaded_by=user,
    )


def batch_rows(batch: ImportBatch) -> list[RowResult]:
    return [RowResult(number=r["number"], values=r["values"]) for r in json.loads(batch.rows)]


def _batch_require(user, batch: ImportBatch) -> tuple[Importer, ImportContext]:
    importer = _importer_require(user, batch.kind)
    if batch.uploaded_by_id != user.pk:
        raise PermissionDenied(_("Only who uploaded an import confirms or discards it."))
    return importer, ImportContext(user=user, jurisdiction=batch.jurisdiction, source=batch.source)


@transaction.atomic
def import_confirm(*, user, batch: ImportBatch) -> ImportBatch:
    """Imports every row or none: the rows are checked again against today's data (another
    import may have come in between), and any error refuses the whole file."""
    batch = ImportBatch.unscoped.select_for_update().get(pk=batch.pk)
    importer, context = _batch_require(user, batch)
    if batch.status != ImportStatus.PREVIEW:
        raise ValidationError(_("This import has already been confirmed or discarded."))
    rows = batch_rows(batch)
    importer.check_rows(rows, context)
    if batch.error_count or any(row.errors for row in rows):
        raise ValidationError(
            _("Nothing was imported: correct the rows with errors and upload the file again.")
        )
    result = importer.apply(rows, context)
    batch.status = ImportStatus.CONFIRMED
    batch.result = result
    batch.decided_at = timezone.now()
    batch.save(update_fields=["status", "result", "decided_at"])
    return batch


def import_discard(*, user, batch: ImportBatch) -> ImportBatch:
    _batch_require(user, batch)
    if batch.status != ImportStatus.PREVIEW:
        raise ValidationError(_("This import has already been confirmed or discarded."))
    batch.status = ImportStatus.DISCARDED
    batch.decided_at = timezone.now()
    batch.save(update_fields=["status", "decided_at"])
    return batch
