"""The whole record of an archived project as one zip, written to a file (never built in memory;
the background build of `tasks.py` writes it to a temporary file of the worker and then into the
platform's storage), for the office of the project's level:

- `documents/…`: every version of every document of the project in the evidence store, copied
  from storage in chunks while hashed (a stored object whose hash no longer matches its address
  is refused: the zip never carries a silently changed document);
- `acceptance/工伤预防项目验收表.{pdf,docx,xlsx}`: the form of the accepted application;
- `completeness.json`: the completeness check by stage at the time of the download;
- `audit/audit_trail.json` and `.csv`: every audit entry of the project in plain words (what,
  who by role and organisation, which fields changed from what to what) with the raw chain
  fields (position, previous hash, entry hash, key id) to check against the audit log;
- `manifest.json` (written last): the project's summary and, for every other file, its path,
  size and SHA-256.

`progress(done, total)` is called after every document and every other part, so that the page
shows how far the build has got.
"""

import csv
import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.db.models import Q
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.audit.plain import _role_label, object_label, plain_changes
from apps.evidence.models import EvidenceVersion
from apps.evidence.services import evidence_storage

from .completeness import project_completeness

CHUNK = 1024 * 1024


class StoredFileChanged(Exception):
    """A stored object does not hash to the address it is stored under."""


@dataclass
class Entry:
    path: str
    size: int
    sha256: str


def _safe(name: str) -> str:
    cleaned = "".join("_" if ch in '/\\:*?"<>|\0' else ch for ch in name).strip(" .")
    return cleaned[:120] or "file"


class _Writer:
    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.entries: list[Entry] = []

    def add_bytes(self, path: str, content: bytes) -> None:
        self.archive.writestr(path, content)
        self.entries.append(Entry(path, len(content), hashlib.sha256(content).hexdigest()))

    def add_stream(self, path: str, source, *, expected_sha256: str | None = None) -> None:
        digest, size = hashlib.sha256(), 0
        with self.archive.open(path, "w", force_zip64=True) as target:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
        sha256 = digest.hexdigest()
        if expected_sha256 is not None and sha256 != expected_sha256:
            raise StoredFileChanged(path)
        self.entries.append(Entry(path, size, sha256))


def _versions(project):
    return (
        EvidenceVersion.objects.filter(evidence_file__project=project)
        .select_related("evidence_file", "blob")
        .order_by("evidence_file_id", "number")
    )


def _documents(writer: _Writer, project, step) -> None:
    storage = evidence_storage()
    for version in _versions(project):
        ef = version.evidence_file
        path = (
            f"documents/{_safe(ef.purpose)}/{ef.pk}-{_safe(ef.title)}/"
            f"v{version.number}-{_safe(version.original_name)}"
        )
        with storage.open(version.blob.storage_name, "rb") as source:
            writer.add_stream(path, source, expected_sha256=version.blob.sha256)
        step()


def _acceptance_form(writer: _Writer, project) -> None:
    from apps.acceptance import form_document
    from apps.acceptance.services import accepted_application

    application = accepted_application(project)
    if application is None:
        return
    for fmt, (build, _content_type) in form_document.FORMATS.items():
        writer.add_bytes(f"acceptance/{form_document.TITLE}.{fmt}", build(application))


def audit_entries(project):
    return AuditEntry.unscoped.filter(
        Q(project_id=project.pk) | Q(object_type="projects.Project", object_id=str(project.pk))
    ).order_by("id")


AUDIT_FIELDS = [
    "id",
    "occurred_at",
    "action",
    "action_label",
    "object_type",
    "object_label",
    "object_id",
    "object_repr",
    "actor_username",
    "actor_role",
    "actor_role_label",
    "actor_organisation",
    "via",
    "message",
    "changes",
    "chained_seq",
    "previous_hash",
    "entry_hash",
    "key_id",
]


def audit_rows(project) -> list[dict]:
    rows = []
    for entry in audit_entries(project).iterator():
        rows.append(
            {
                "id": entry.pk,
                "occurred_at": timezone.localtime(entry.occurred_at).isoformat(),
                "action": entry.action,
                "action_label": str(entry.get_action_display()),
                "object_type": entry.object_type,
                "object_label": object_label(entry),
                "object_id": entry.object_id,
                "object_repr": entry.object_repr,
                "actor_username": entry.actor_username,
                "actor_role": entry.actor_role,
                "actor_role_label": _role_label(entry.actor_role) if entry.actor_role else "",
                "actor_organisation": entry.actor_organisation,
                "via": entry.via,
                "message": entry.message,
                "changes": [
                    {"field": label, "before": before, "after": after}
                    for label, before, after in plain_changes(entry)
                ],
                "chained_seq": entry.chained_seq,
                "previous_hash": entry.previous_hash,
                "entry_hash": entry.entry_hash,
                "key_id": entry.key_id,
            }
        )
    return rows


def _audit_trail(writer: _Writer, project) -> tuple[int, int]:
    """Writes the trail; returns how many entries it holds and the last one's id."""
    rows = audit_rows(project)
    writer.add_bytes(
        "audit/audit_trail.json",
        json.dumps(rows, ensure_ascii=False, indent=1, default=str).encode("utf-8"),
    )
    text = io.StringIO()
    table = csv.DictWriter(text, fieldnames=AUDIT_FIELDS)
    table.writeheader()
    for row in rows:
        changes = "；".join(f"{c['field']}: {c['before']} → {c['after']}" for c in row["changes"])
        table.writerow(row | {"changes": changes})
    writer.add_bytes("audit/audit_trail.csv", ("\ufeff" + text.getvalue()).encode("utf-8"))
    return len(rows), (rows[-1]["id"] if rows else 0)


def project_summary(project) -> dict:
    from apps.acceptance.services import agreement_of

    agreement = agreement_of(project)
    return {
        "id": project.pk,
        "code": project.code,
        "name": project.name,
        "year": project.year,
        "type": project.project_type,
        "jurisdiction": project.jurisdiction.name,
        "applicant": project.applicant.name if project.applicant_id else "",
        "stage": project.stage,
        "contract_amount": str(agreement.amount) if agreement else None,
        "paid_total": str(agreement.paid_total) if agreement else None,
    }


#: parts of a zip besides its documents: the acceptance form, completeness.json, the audit
#: trail and the manifest
OTHER_PARTS = 4


def archive_parts_count(project) -> int:
    """How many steps a build of `project`'s zip takes (its progress total)."""
    return _versions(project).count() + OTHER_PARTS


def archive_zip_build(
    *,
    project,
    target: IO[bytes],
    generated_by: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Writes the zip of `project`'s record into `target` (a writable binary file); returns the
    manifest (with `audit_last_id`, the last audit entry the trail holds)."""
    total = archive_parts_count(project)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(min(done, total), total)

    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        writer = _Writer(archive)
        _documents(writer, project, step)
        _acceptance_form(writer, project)
        step()
        writer.add_bytes(
            "completeness.json",
            json.dumps(
                project_completeness(project).as_dict(), ensure_ascii=False, indent=1
            ).encode("utf-8"),
        )
        step()
        audit_count, audit_last_id = _audit_trail(writer, project)
        step()
        manifest = {
            "project": project_summary(project),
            "generated_at": timezone.localtime().isoformat(),
            "generated_by": generated_by,
            "audit_entries": audit_count,
            "audit_last_id": audit_last_id,
            "files": [{"path": e.path, "size": e.size, "sha256": e.sha256} for e in writer.entries],
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        step()
    return manifest


def archive_zip_write(*, project, generated_by: str = "", progress=None) -> IO[bytes]:
    """The record as a zip in a temporary file (on disk), positioned at its start; the caller
    closes it (which deletes it)."""
    target = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115 — returned open, to stream
    try:
        archive_zip_build(
            project=project, target=target, generated_by=generated_by, progress=progress
        )
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target
