"""Writes of the evidence store: content-addressed uploads and permission-checked downloads.

How an upload stays whole (SPEC §6: "nothing half-saved")
---------------------------------------------------------
Everything that can refuse the upload (purpose, name, size, real content type) is checked, and
the content is hashed in chunks, before anything is written. Then, in one transaction:

1. For a new version, the evidence file's row is locked (versions are numbered without gaps).
2. The content's `StoredBlob` row is locked, or inserted. The row acts as the lock on the
   content's storage name: a second upload of the same content waits on it until the first one
   commits (and then reuses its blob) or rolls back. The insert uses `bulk_create`, which skips
   the model signals, so the audit chain is not held while a large file is streamed to storage;
   the creation is audited explicitly afterwards.
3. The content is written to `sha256/ab/cd/<hash>` unless the store already holds it intact.
4. The evidence file, its version and the current-version pointer are saved (audited).

If anything in 3–4 fails, the object written by this upload is deleted *before* the transaction
rolls back, while the blob row is still locked, so no other upload can have started to reuse
it. If an enclosing transaction of the caller rolls back after this function returned, the
object stays without a row: it is unreachable, the next upload of the same content verifies and
reuses (or cleans) it, and `evidence_orphans_sweep` deletes it once it is old enough.
"""

import hashlib
import logging
import os
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.models import AuditAction
from apps.audit.services import audit_record

from .content_checks import pdf_has_active_content, zip_bomb_reason
from .models import EvidenceFile, EvidenceVersion, StoredBlob
from .purposes import Kind, Purpose, file_type_for_extension, purpose_get
from .selectors import evidence_replace_refusal
from .sniffing import Detected, sniff_file_type

logger = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024
BLOB_PREFIX = "sha256"
TITLE_MAX = EvidenceFile._meta.get_field("title").max_length
NOTE_MAX = EvidenceVersion._meta.get_field("note").max_length
NAME_MAX = EvidenceVersion._meta.get_field("original_name").max_length


def evidence_storage():
    """Looked up on every use, so that a changed `STORAGES` setting takes effect."""
    return storages["evidence"]


def blob_storage_name(sha256: str) -> str:
    return f"{BLOB_PREFIX}/{sha256[:2]}/{sha256[2:4]}/{sha256}"


# --- checks -------------------------------------------------------------------------------


def _original_name(uploaded_file) -> str:
    raw = getattr(uploaded_file, "name", "") or ""
    name = os.path.basename(raw.replace("\\", "/"))
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if len(name) > NAME_MAX:
        stem, ext = os.path.splitext(name)
        name = stem[: NAME_MAX - len(ext)] + ext
    return name


def _file_error(message: str, *, code: str) -> ValidationError:
    return ValidationError({"file": ValidationError(message, code=code)})


def _check_size(*, size: int, name: str, purpose: Purpose) -> None:
    if size <= 0:
        raise _file_error(_("The file “%(name)s” is empty.") % {"name": name}, code="empty")
    limit = purpose.size_limit()
    if size > limit:
        message = _(
            "The file “%(name)s” is %(size)s; at most %(limit)s is accepted for “%(purpose)s”."
        ) % {
            "name": name,
            "size": filesizeformat(size),
            "limit": filesizeformat(limit),
            "purpose": purpose.label,
        }
        raise _file_error(message, code="too_large")


def _check_type(*, detected: Detected, name: str, purpose: Purpose) -> Detected:
    """The content must be an accepted type, named as what it is, and fit the purpose."""
    if detected.file_type is None:
        message = _(
            "The content of “%(name)s” is %(detected)s, which is not accepted for "
            "“%(purpose)s”. Accepted are: %(kinds)s."
        ) % {
            "name": name,
            "detected": detected.label,
            "purpose": purpose.label,
            "kinds": purpose.kinds_display(),
        }
        raise _file_error(message, code="unknown_type")
    extension = os.path.splitext(name)[1].lower()
    named_as = file_type_for_extension(extension) if extension else None
    if (
        named_as is not None
        and named_as.kind == Kind.ZIP
        and detected.file_type.kind == Kind.OFFICE
        and Kind.ZIP in purpose.kinds
    ):
        # A .docx is a ZIP container too; named .zip, it is taken as the archive it also is.
        return Detected(named_as, str(named_as.label))
    if named_as is None:
        message = _(
            "The name “%(name)s” does not end in a known extension. Its content is "
            "%(detected)s, so it should end in %(expected)s."
        ) % {
            "name": name,
            "detected": detected.label,
            "expected": " / ".join(detected.file_type.extensions),
        }
        raise _file_error(message, code="unknown_extension")
    if named_as != detected.file_type:
        message = _(
            "“%(name)s” is named as %(expected)s (%(extension)s) but its content is "
            "%(detected)s. Upload the real file, or correct its name."
        ) % {
            "name": name,
            "expected": named_as.label,
            "extension": extension,
            "detected": detected.label,
        }
        raise _file_error(message, code="type_mismatch")
    if detected.file_type.kind not in purpose.kinds:
        message = _(
            "“%(name)s” is %(detected)s, which is not accepted for “%(purpose)s”. "
            "Accepted are: %(kinds)s (%(extensions)s)."
        ) % {
            "name": name,
            "detected": detected.label,
            "purpose": purpose.label,
            "kinds": purpose.kinds_display(),
            "extensions": ", ".join(purpose.extensions),
        }
        raise _file_error(message, code="type_not_accepted")
    return detected


def _check_content(*, detected: Detected, uploaded_file, name: str, size: int) -> None:
    """No active PDFs and no decompression bombs (see `content_checks`)."""
    kind = detected.file_type.kind if detected.file_type else None
    if kind == Kind.PDF and pdf_has_active_content(uploaded_file):
        message = _(
            "“%(name)s” contains active content (JavaScript, or an action that runs when it is "
            "opened) and is not accepted. Print it to a new PDF, or export it again without "
            "scripts, and upload that copy."
        ) % {"name": name}
        raise _file_error(message, code="pdf_active_content")
    if kind in (Kind.OFFICE, Kind.ZIP):
        reason = zip_bomb_reason(uploaded_file, archive_size=size)
        if reason == "damaged":
            message = _(
                "“%(name)s” is a damaged or encrypted archive whose content cannot be checked."
            ) % {"name": name}
            raise _file_error(message, code="zip_damaged")
        if reason is not None:
            message = _(
                "“%(name)s” unpacks to more than %(limit)s, to too many files, or out of all "
                "proportion to its size, and is refused as a possible zip bomb. Upload the "
                "document without the embedded bulk data."
            ) % {
                "name": name,
                "limit": filesizeformat(settings.EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES),
            }
            raise _file_error(message, code="zip_bomb")


def _hash_stream(file) -> tuple[str, int]:
    """SHA-256 and length, read in chunks: a 2 GB video never sits in memory."""
    digest = hashlib.sha256()
    size = 0
    file.seek(0)
    while chunk := file.read(CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    return digest.hexdigest(), size


def _stored_object_intact(storage, name: str, *, sha256: str, size: int) -> bool:
    try:
        if not storage.exists(name) or storage.size(name) != size:
            return False
        with storage.open(name, "rb") as stored:
            return _hash_stream(stored)[0] == sha256
    except OSError:
        return False


def _delete_quietly(storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:  # the original error matters more; the sweep retries later
        logger.exception("Could not delete stored evidence object %s", name)


# --- upload -------------------------------------------------------------------------------


def _check_placement(*, jurisdiction, project) -> None:
    if jurisdiction is None:
        raise ValidationError(
            {"jurisdiction": _("Say which jurisdiction the document belongs to.")}
        )
    if project is not None and project.jurisdiction_id != jurisdiction.pk:
        raise ValidationError(
            {"jurisdiction": _("A project's document belongs to the project's jurisdiction.")}
        )


def _check_may_replace(*, uploaded_by, evidence_file: EvidenceFile) -> None:
    """Only the uploading organisation, for a purpose its role owns, while the record the file
    supports is open (`selectors.evidence_replace_refusal`)."""
    refusal = evidence_replace_refusal(user=uploaded_by, evidence_file=evidence_file)
    if refusal is None:
        return
    if refusal.forbidden:
        raise PermissionDenied(refusal.message)
    raise ValidationError(refusal.message, code=refusal.code)


def _new_evidence_file(
    *, uploaded_by, purpose: Purpose, title: str, jurisdiction, project, organisation
) -> EvidenceFile:
    evidence_file = EvidenceFile(
        purpose=purpose.code,
        title=title,
        jurisdiction=jurisdiction,
        project=project,
        organisation=organisation,
        created_by=uploaded_by,
    )
    evidence_file.save()
    # The uploader must be able to see what it files; one rule for region, project and own
    # organisation, the same one that decides who may download it.
    if not EvidenceFile.objects.for_user(uploaded_by).filter(pk=evidence_file.pk).exists():
        raise PermissionDenied(
            _("You cannot file documents for a project, organisation or region outside your own.")
        )
    return evidence_file


def _blob_for_content(
    *, storage, uploaded_file, sha256: str, size: int, detected: Detected, written: list[str]
) -> tuple[StoredBlob, bool]:
    """The locked blob row for the content, its object in storage; True if the row is new."""
    blob = StoredBlob.objects.select_for_update().filter(pk=sha256).first()
    if blob is not None:
        if not storage.exists(blob.storage_name):
            # The row survived but the object did not: the same content heals it.
            logger.warning("Stored evidence object %s was missing; rewritten", blob.storage_name)
            saved = storage.save(blob.storage_name, uploaded_file)
            if saved != blob.storage_name:
                StoredBlob.objects.filter(pk=sha256).update(storage_name=saved)
                blob.storage_name = saved
        return blob, False

    name = blob_storage_name(sha256)
    blob = StoredBlob(sha256=sha256, size=size, content_type=detected.mime, storage_name=name)
    try:
        with transaction.atomic():
            StoredBlob.objects.bulk_create([blob])
    except IntegrityError:
        # A concurrent upload of the same content committed first (we waited on its row).
        return StoredBlob.objects.select_for_update().get(pk=sha256), False

    # From here the row lock is ours: any object under `name` is unreferenced (a leftover of a
    # rolled-back upload) and no one else may touch it until we commit or roll back.
    written.append(name)
    if not _stored_object_intact(storage, name, sha256=sha256, size=size):
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, uploaded_file)
        if saved != name:
            written.append(saved)
            StoredBlob.objects.filter(pk=sha256).update(storage_name=saved)
            blob.storage_name = saved
    return blob, True


def _audit_blob_created(blob: StoredBlob) -> None:
    from apps.audit.signals import snapshot

    audit_record(
        action=AuditAction.CREATE,
        object_type=StoredBlob._meta.label,
        object_id=blob.pk,
        object_repr=str(blob),
        after=snapshot(blob),
    )


def evidence_upload(
    *,
    uploaded_by,
    uploaded_file,
    purpose: str,
    title: str,
    jurisdiction=None,
    project=None,
    organisation=None,
    replaces: EvidenceFile | None = None,
    note: str = "",
) -> EvidenceVersion:
    """Stores an upload as a new evidence file, or (`replaces=`) as its next version.

    `jurisdiction`, `project` and `organisation` place a new file; a new version keeps those
    of the file it replaces (and its purpose: passing another one is refused). A new version
    is for the organisation that uploaded the current one, for a purpose its role owns, while
    the record the file supports is open (`selectors.evidence_replace_refusal`); the earlier
    versions stay, and the pointer change is audited like every write. Raises ValidationError
    for bad input or a closed record, and PermissionDenied for a target the uploader cannot
    see or does not own.
    """
    storage = evidence_storage()
    written: list[str] = []
    with transaction.atomic():
        try:
            return _upload(
                storage=storage,
                written=written,
                uploaded_by=uploaded_by,
                uploaded_file=uploaded_file,
                purpose_code=purpose,
                title=(title or "").strip(),
                jurisdiction=jurisdiction,
                project=project,
                organisation=organisation,
                replaces=replaces,
                note=(note or "").strip(),
            )
        except BaseException:
            # Still inside the transaction: the blob row lock keeps others off these names.
            for name in written:
                _delete_quietly(storage, name)
            raise


def project_document_upload(
    *, user, project, uploaded_file, purpose: str, title: str, field: str = "file"
) -> EvidenceVersion:
    """A document a user adds to a project's record from a form (a plan, a report, a photo,
    a voucher): stored for the project and the user's organisation; its errors come back on
    the form's own file field (`field`)."""
    if uploaded_file is None:
        raise ValidationError({field: _("Choose a file to upload.")})
    try:
        return evidence_upload(
            uploaded_by=user,
            uploaded_file=uploaded_file,
            purpose=purpose,
            title=title[:200],
            jurisdiction=project.jurisdiction,
            project=project,
            organisation=user.organisation,
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "file" in error.error_dict and field != "file":
            raise ValidationError({field: error.error_dict["file"]}) from None
        raise


def project_file_upload(
    *, user, project, uploaded_file, purpose: str, title: str, field: str = "file"
) -> EvidenceFile:
    """`project_document_upload`, answering the stored file (what a record links to)."""
    return project_document_upload(
        user=user,
        project=project,
        uploaded_file=uploaded_file,
        purpose=purpose,
        title=title,
        field=field,
    ).evidence_file


def _upload(
    *,
    storage,
    written,
    uploaded_by,
    uploaded_file,
    purpose_code,
    title,
    jurisdiction,
    project,
    organisation,
    replaces,
    note,
) -> EvidenceVersion:
    # An archived project's record is read-only (HB §23; apps.archive.guard).
    from apps.archive.guard import archived_project_refuse

    archived_project_refuse(
        replaces.project_id if replaces is not None else getattr(project, "pk", None)
    )
    if replaces is not None:
        if not EvidenceFile.objects.for_user(uploaded_by).filter(pk=replaces.pk).exists():
            raise PermissionDenied(
                _("You cannot add a version to a document you do not have access to.")
            )
        # Checked first so that a refused user learns nothing about its file's checks; checked
        # again under the row lock below, where it is authoritative.
        _check_may_replace(
            uploaded_by=uploaded_by,
            evidence_file=EvidenceFile.unscoped.select_related("current_version__uploaded_by").get(
                pk=replaces.pk
            ),
        )
        if purpose_code and purpose_code != replaces.purpose:
            raise ValidationError(
                {
                    "purpose": _("A new version keeps the purpose of the document, “%(purpose)s”.")
                    % {"purpose": purpose_get(replaces.purpose).label}
                }
            )
        purpose_code = replaces.purpose
    purpose = purpose_get(purpose_code)
    if replaces is None and not title:
        raise ValidationError({"title": _("Give the document a title.")})
    if len(title) > TITLE_MAX:
        raise ValidationError(
            {"title": _("The title is longer than %(max)d characters.") % {"max": TITLE_MAX}}
        )
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": _("The note is longer than %(max)d characters.") % {"max": NOTE_MAX}}
        )
    if uploaded_file is None:
        raise ValidationError({"file": _("Choose a file to upload.")})
    name = _original_name(uploaded_file)
    if not name:
        raise ValidationError({"file": _("The file has no name.")})

    declared = getattr(uploaded_file, "size", None)
    if declared is not None:
        _check_size(size=declared, name=name, purpose=purpose)
    detected = _check_type(detected=sniff_file_type(uploaded_file), name=name, purpose=purpose)
    sha256, size = _hash_stream(uploaded_file)
    _check_size(size=size, name=name, purpose=purpose)
    _check_content(detected=detected, uploaded_file=uploaded_file, name=name, size=size)

    if replaces is not None:
        # Versions are numbered under the file's row lock: concurrent replacements queue up.
        evidence_file = EvidenceFile.unscoped.select_for_update().get(pk=replaces.pk)
        _check_may_replace(uploaded_by=uploaded_by, evidence_file=evidence_file)
        number = (evidence_file.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    else:
        _check_placement(jurisdiction=jurisdiction, project=project)
        evidence_file = None
        number = 1

    blob, blob_is_new = _blob_for_content(
        storage=storage,
        uploaded_file=uploaded_file,
        sha256=sha256,
        size=size,
        detected=detected,
        written=written,
    )
    # Audited writes come after the (possibly long) storage write: the audit chain head is
    # locked from the first audited write until commit.
    if blob_is_new:
        _audit_blob_created(blob)
    if evidence_file is None:
        evidence_file = _new_evidence_file(
            uploaded_by=uploaded_by,
            purpose=purpose,
            title=title,
            jurisdiction=jurisdiction,
            project=project,
            organisation=organisation,
        )
    version = EvidenceVersion.objects.create(
        evidence_file=evidence_file,
        number=number,
        blob=blob,
        original_name=name,
        uploaded_by=uploaded_by,
        note=note,
    )
    evidence_file.current_version = version
    update_fields = ["current_version"]
    if replaces is not None and title and title != evidence_file.title:
        evidence_file.title = title
        update_fields.append("title")
    evidence_file.save(update_fields=update_fields)
    return version


# --- download -----------------------------------------------------------------------------


def evidence_download_open(*, user, evidence_file_id: int, version_number: int | None = None):
    """Opens one version (default: the current one) for `user`, and logs the download.

    Raises EvidenceFile.DoesNotExist when the file is not visible to the user (views answer
    404, so an out-of-scope file looks like a missing one), EvidenceVersion.DoesNotExist for
    an unknown version number. Nothing is logged for a refused download.
    """
    evidence_file = (
        EvidenceFile.objects.for_user(user)
        .select_related("jurisdiction", "current_version__blob")
        .get(pk=evidence_file_id)
    )
    if version_number is None:
        version = evidence_file.current_version
        if version is None:
            raise EvidenceVersion.DoesNotExist("The evidence file has no version yet.")
    else:
        version = EvidenceVersion.objects.select_related("blob").get(
            evidence_file=evidence_file, number=version_number
        )
    blob = version.blob
    stored = evidence_storage().open(blob.storage_name, "rb")
    try:
        audit_record(
            action=AuditAction.DOWNLOAD,
            object_type=EvidenceFile._meta.label,
            object_id=evidence_file.pk,
            object_repr=f"{evidence_file} v{version.number}",
            jurisdiction_path=evidence_file.jurisdiction.path,
            project_id=evidence_file.project_id,
            after={
                "version": version.number,
                "sha256": blob.sha256,
                "file_name": version.original_name,
                "size": blob.size,
            },
            message=f"version {version.number}, sha256 {blob.sha256}",
        )
    except BaseException:
        stored.close()
        raise
    return version, stored


# --- housekeeping -------------------------------------------------------------------------


def _stored_names(storage, folder: str):
    directories, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from _stored_names(storage, f"{folder}/{directory}")


def evidence_orphans_sweep(*, older_than: timedelta = timedelta(days=1)) -> list[str]:
    """Deletes stored objects that no StoredBlob row references (left by rolled-back callers).

    Each candidate is claimed with the same row lock an upload takes, so an upload that is
    writing or reusing the object right now is never disturbed; only objects older than
    `older_than` are touched.
    """
    storage = evidence_storage()
    try:
        names = list(_stored_names(storage, BLOB_PREFIX))
    except FileNotFoundError:
        return []
    cutoff = timezone.now() - older_than
    deleted = []
    for name in names:
        sha256 = name.rsplit("/", 1)[-1]
        if len(sha256) != 64 or name != blob_storage_name(sha256):
            continue  # not ours
        if StoredBlob.objects.filter(pk=sha256).exists():
            continue
        with transaction.atomic():
            try:
                with transaction.atomic():
                    StoredBlob.objects.bulk_create(
                        [StoredBlob(sha256=sha256, size=0, content_type="", storage_name=name)]
                    )
            except IntegrityError:
                continue  # referenced after all, or an upload holds it
            try:
                if storage.get_modified_time(name) <= cutoff:
                    storage.delete(name)
                    deleted.append(name)
            finally:
                transaction.set_rollback(True)  # the claim was only a lock
    if deleted:
        logger.info("Deleted %d unreferenced evidence objects", len(deleted))
    return deleted
