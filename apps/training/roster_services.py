"""Writes of a trainee roster (SPEC §6 Excel import; issue 11 item 5): the uploaded workbook
kept for its preview, its rows checked all or nothing, then written in small transactions with
progress (apps.batches), resumable after a crash, each chunk with one audit entry."""

import datetime
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.audit.chain import rows_digest
from apps.audit.models import AuditAction
from apps.audit.services import audit_bulk, json_safe
from apps.batches.models import BatchStatus
from apps.batches.services import batch_is_active, batch_progress, batch_run, batch_start
from apps.core.crypto import blind_index
from apps.findings.models import FindingSeverity
from apps.findings.services import finding_raise
from apps.projects.participation import implementer_require

from .models import RosterImport, RosterImportStatus, Trainee
from .roster import roster_read, roster_rows_check


def roster_preview(*, user, training_class, uploaded_file) -> RosterImport:
    """Reads the workbook and keeps its rows (encrypted) for the preview; nothing is imported."""
    implementer_require(user=user, project=training_class.project)
    raw_rows = roster_read(uploaded_file.read())
    for row in raw_rows:
        for key, value in list(row.items()):
            if isinstance(value, datetime.datetime | datetime.date):
                row[key] = value.isoformat()[:10]
            elif value is not None and not isinstance(value, str | int):
                row[key] = str(value)
    return RosterImport.unscoped.create(
        training_class=training_class,
        file_name=(getattr(uploaded_file, "name", "") or "roster.xlsx")[:200],
        rows=json.dumps(raw_rows, ensure_ascii=False),
        uploaded_by=user,
    )


ROSTER_KIND = "roster_import"
ROSTER_CHUNK = 50


def roster_import_progress(roster_import: RosterImport):
    """The import's latest batch run (apps.batches): how many rows of how many are written."""
    return batch_progress(kind=ROSTER_KIND, key=str(roster_import.pk))


def roster_import_resume_after(roster_import: RosterImport) -> int:
    """The file row after which an import stopped midway resumes (0: none was started): the
    rows up to it are trainees already."""
    run = roster_import_progress(roster_import)
    return run.cursor if run is not None and run.status != BatchStatus.FINISHED else 0


def roster_import_checks(roster_import: RosterImport):
    """The checks of the rows still to import (all of them, unless an import stopped midway:
    then those after the rows it wrote — checked, like any, against the trainees on file)."""
    after = roster_import_resume_after(roster_import)
    rows = [row for row in json.loads(roster_import.rows) if row["_row"] > after]
    return roster_rows_check(training_class=roster_import.training_class, raw_rows=rows)


@dataclass(frozen=True)
class _RosterRow:
    """A checked row as a batch item: its file row number is its key."""

    pk: int
    check: object


def _roster_chunk_write(*, user, roster_import, rows) -> list[Trainee]:
    """One chunk of trainees: inserted at once with one audit entry (row count and the digest
    of the rows as stored — the ID numbers as their blind index, never in clear), then the
    finding of each row whose sex or birth date did not match its ID number."""
    training_class = roster_import.training_class
    project = training_class.project
    trainees = Trainee.unscoped.bulk_create(
        [
            Trainee(
                project=project,
                training_class=training_class,
                name=row.check.values["name"],
                resident_id=row.check.values["resident_id"],
                resident_id_index=blind_index(row.check.values["resident_id"]),
                sex=row.check.values["sex"],
                birth_date=datetime.date.fromisoformat(row.check.values["birth_date"]),
                phone=row.check.values["phone"],
                employer_name=row.check.values["employer_name"],
                employer_credit_code=row.check.values["employer_credit_code"],
                post=row.check.values["post"],
                year=project.year,
            )
            for row in rows
        ]
    )
    stored = list(
        Trainee.unscoped.filter(pk__in=[t.pk for t in trainees])
        .order_by("pk")
        .values(*TRAINEE_AUDITED)
    )
    audit_bulk(
        action=AuditAction.CREATE,
        model=Trainee,
        rows_count=len(trainees),
        digest=rows_digest(json_safe(stored)),
        object_repr=f"{roster_import.file_name} → {training_class}",
        jurisdiction_path=project.jurisdiction.path,
        project_id=project.pk,
        after={
            "roster_import": roster_import.pk,
            "file_rows": [rows[0].pk, rows[-1].pk],
        },
        object_ids=[t.pk for t in trainees],
        message=f"roster import {roster_import.pk}: {len(trainees)} trainees",
    )
    for row, trainee in zip(rows, trainees, strict=True):
        if row.check.warnings:
            finding_raise(
                rule_code="TR-ROSTER-ID-MISMATCH",
                citation="GB 11643; HB §14",
                severity=FindingSeverity.MINOR,
                subject=trainee,
                message=_("Roster row %(row)d: %(issues)s")
                % {"row": row.pk, "issues": " ".join(m for _f, m in row.check.warnings)},
                owner_role=Role.IMPLEMENTER,
                owner_organisation=user.organisation,
                records=[{"what": "trainee", "id": trainee.pk, "roster_import": roster_import.pk}],
            )
    return trainees


#: what a chunk's audit digest covers of each trainee (the ID number as its blind index)
TRAINEE_AUDITED = (
    "pk",
    "project_id",
    "training_class_id",
    "name",
    "resident_id_index",
    "sex",
    "birth_date",
    "employer_name",
    "employer_credit_code",
    "post",
    "year",
)


def roster_confirm(*, user, roster_import: RosterImport) -> list[Trainee]:
    """All rows or none are accepted: every row is checked again now (the project may have
    changed since the preview) and one error refuses the file. The trainees are then written
    `ROSTER_CHUNK` rows per transaction with progress (apps.batches), so a roster of thousands
    never holds a lock for long; an import stopped midway (a crash) is resumed by the next
    confirmation from the row after the last chunk written. Returns the trainees written by
    this call."""
    training_class = roster_import.training_class
    implementer_require(user=user, project=training_class.project)

    def check_state(current: RosterImport, run) -> None:
        if current.status != RosterImportStatus.PREVIEW:
            raise ValidationError(_("This roster was already confirmed or discarded."))
        if batch_is_active(run):
            raise ValidationError(
                _("This roster is being imported now; wait until it has finished.")
            )

    current = RosterImport.unscoped.get(pk=roster_import.pk)
    last = roster_import_progress(current)
    check_state(current, last)
    # The checks read outside any transaction: on SQLite a transaction takes the database's
    # one write lock, and checking thousands of rows must not hold it.
    checks = roster_import_checks(current)
    bad = [c for c in checks if c.errors]
    if bad:
        raise ValidationError(
            _(
                "%(n)d row(s) have errors; nothing was imported. "
                "Correct the file and upload it again."
            )
            % {"n": len(bad)}
        )
    with transaction.atomic():
        # Of two confirmations at once, the second waits here and is refused; one that
        # started and wrote since these checks were made leaves them stale: checked again.
        locked = RosterImport.unscoped.select_for_update().get(pk=roster_import.pk)
        now = roster_import_progress(locked)
        check_state(locked, now)
        if (now and now.pk, now and now.cursor) != (last and last.pk, last and last.cursor):
            raise ValidationError(
                _("This roster is being imported now; wait until it has finished.")
            )
        run = batch_start(
            kind=ROSTER_KIND,
            key=str(locked.pk),
            label=_("Roster import: %(file)s") % {"file": locked.file_name},
        )
    trainees, pending = [], []

    def write_chunk():
        trainees.extend(_roster_chunk_write(user=user, roster_import=locked, rows=pending))
        pending.clear()

    batch_run(
        kind=ROSTER_KIND,
        key=str(locked.pk),
        items=[_RosterRow(pk=check.number, check=check) for check in checks],
        work=pending.append,
        flush=write_chunk,
        chunk=ROSTER_CHUNK,
        run=run,
    )
    with transaction.atomic():
        locked = RosterImport.unscoped.select_for_update().get(pk=roster_import.pk)
        locked.status = RosterImportStatus.CONFIRMED
        locked.rows = "[]"  # the rows now live in the trainees; no second copy of ID numbers
        locked.save(update_fields=["status", "rows"])
    return trainees
