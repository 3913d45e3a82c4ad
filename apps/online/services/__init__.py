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

The package: `batches` (who may push, row checks, one batch once, storing, the audit entry),
`learning`, `captures`, `exams` (one service per kind of batch).
"""

from .batches import BatchAnswer, BatchRejected, platform_require
from .captures import face_captures_ingest
from .exams import exam_results_ingest
from .learning import LEARNING_COLUMNS, learning_records_ingest

__all__ = [
    "LEARNING_COLUMNS",
    "BatchAnswer",
    "BatchRejected",
    "exam_results_ingest",
    "face_captures_ingest",
    "learning_records_ingest",
    "platform_require",
]
