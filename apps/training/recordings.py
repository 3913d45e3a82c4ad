"""Session recordings: resumable upload (tus 1.0), ffprobe, coverage and findings (issue 14
item 8; HB §10, §14 (一); SPEC §5 "recordings exist for every offline session and cover its
scheduled time", §6 "large videos upload in resumable chunks").

Resumable upload — the tus 1.0.0 core protocol with the creation and checksum extensions
------------------------------------------------------------------------------------------
- ``POST  /training/sessions/<id>/recordings/tus/`` with ``Upload-Length`` and
  ``Upload-Metadata: filename <base64>`` creates an upload (201, ``Location``);
- ``HEAD  <Location>`` answers the ``Upload-Offset`` reached (and ``Upload-Length``);
- ``PATCH <Location>`` with ``Content-Type: application/offset+octet-stream`` and
  ``Upload-Offset`` equal to the server's appends the body (204, the new ``Upload-Offset``);
  another offset is 409. ``Upload-Checksum: <sha1|sha256|md5> <base64 digest>`` is optional;
  a chunk that does not match is dropped (460) and the offset stays;
- ``OPTIONS`` lists version, extensions, checksum algorithms and the largest size;
- every request but OPTIONS carries ``Tus-Resumable: 1.0.0`` (else 412).

The chunks are appended to one part file per upload in ``WIPP_RECORDING_UPLOAD_DIR`` (a local
or shared file system); a PATCH holds an exclusive lock on it, so two PATCHes of one upload
never interleave (the second is 409), and the row's offset only moves after the bytes are on
disk. A PATCH cut off without a checksum keeps what arrived (tus: store as much as possible).
When the last byte arrives the file is probed, stored through the evidence store (purpose
"recording": content-addressed, type-checked, audited) and the part file deleted.

On S3 in production the same protocol maps onto a multipart upload: POST starts one
(CreateMultipartUpload, its UploadId kept on the `RecordingUpload` row); each PATCH becomes
UploadPart calls (parts of at least 5 MiB except the last, so a smaller chunk is buffered in
the temp area until 5 MiB are there); HEAD answers the sum of the parts uploaded (ListParts)
plus the buffer; the last byte completes it (CompleteMultipartUpload) into a staging key, from
which ffprobe reads through a presigned URL and the evidence store copies the object to its
content address (CopyObject; the SHA-256 is computed by reading the object once, or carried in
each part's ChecksumSHA256 with a running digest). Unfinished uploads expire
(AbortMultipartUpload, and a bucket lifecycle rule as the safety net).

Start time of a recording
-------------------------
The video's ``creation_time`` tag (format, else video stream; network cameras and phones write
it) is the start. Without one, the start is the moment the upload completed minus the
duration — right for a recording uploaded as it ends, too late for one uploaded later, so the
list shows which source each recording's start comes from.

Coverage and findings
---------------------
A session's coverage is the union of its recordings' intervals within the scheduled time.
Once the session has ended and `WIPP_RECORDING_CHECK_AFTER_HOURS` have passed (time to upload),
each uncovered stretch of at least `WIPP_RECORDING_GAP_TOLERANCE_SECONDS` is a finding
(TR-RECORDING-GAP; no recording at all: TR-RECORDING-MISSING). A recording below the procured
specification — resolution and frame rate from the procurement's requirement on recordings
where it states them ("1080P", "25帧"/"25fps"), else HB §10's 1080p and
`WIPP_RECORDING_MIN_FRAME_RATE` — is a finding at once (TR-RECORDING-BELOW-SPEC).
"""

import base64
import binascii
import datetime
import fcntl
import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.audit.chain import rows_digest
from apps.audit.models import AuditAction
from apps.audit.services import audit_bulk, audit_record
from apps.evidence import media_probe
from apps.evidence.purposes import Kind, file_type_for_extension, purpose_get
from apps.evidence.services import evidence_upload
from apps.findings.models import FindingSeverity
from apps.findings.services import finding_raise
from apps.projects.participation import implementer_require, project_implementer

from .recordings_models import Recording, RecordingUpload, StartSource

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,checksum"
CHECKSUMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "md5": hashlib.md5}
CHUNK = 1024 * 1024
PURPOSE = "recording"
CITATION = "HB §10, §14 (一); SPEC §5"


class TusError(Exception):
    """A refused tus request: its HTTP status and the message for the client."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def clock() -> datetime.datetime:
    """The server's time (tests replace it)."""
    return timezone.now()


def max_size() -> int:
    return purpose_get(PURPOSE).size_limit()


def _part_path(upload: RecordingUpload) -> Path:
    return Path(settings.WIPP_RECORDING_UPLOAD_DIR) / f"{upload.key.hex}.part"


# --- tus: create, offset, append ------------------------------------------------------------


def parse_metadata(header: str) -> dict[str, str]:
    """`Upload-Metadata`: comma-separated `key base64value` pairs (value optional)."""
    metadata = {}
    for pair in filter(None, (p.strip() for p in (header or "").split(","))):
        key, _sep, value = pair.partition(" ")
        try:
            metadata[key] = base64.b64decode(value, validate=True).decode() if value else ""
        except (binascii.Error, UnicodeDecodeError):
            raise TusError(400, _("Upload-Metadata is not valid base64.")) from None
    return metadata


def upload_create(*, user, session, length: int, filename: str) -> RecordingUpload:
    implementer_require(user=user, project=session.project)
    if length <= 0:
        raise TusError(400, _("Upload-Length must be a positive number of bytes."))
    if length > max_size():
        raise TusError(413, _("The recording is larger than the largest accepted size."))
    name = os.path.basename((filename or "").replace("\\", "/")).strip()[:255]
    file_type = file_type_for_extension(os.path.splitext(name)[1])
    if not name or file_type is None or file_type.kind != Kind.VIDEO:
        raise TusError(400, _("Name the recording with its video type: .mp4, .m4v, .mov or .webm."))
    now = clock()
    upload = RecordingUpload.unscoped.create(
        session=session,
        uploaded_by=user,
        filename=name,
        length=length,
        created_at=now,
        expires_at=now + datetime.timedelta(hours=settings.WIPP_RECORDING_UPLOAD_EXPIRY_HOURS),
    )
    path = _part_path(upload)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    audit_record(
        action=AuditAction.CREATE,
        object_type=RecordingUpload._meta.label,
        object_id=upload.pk,
        object_repr=f"{name} ({length} bytes)",
        jurisdiction_path=upload.audit_jurisdiction_path(),
        project_id=upload.audit_project_id(),
        after={"session": session.pk, "filename": name, "length": length},
        message="recording upload started (tus)",
    )
    return upload


def upload_usable(upload: RecordingUpload) -> None:
    if upload.completed_at is not None:
        raise TusError(410, upload.error or _("This upload is complete."))
    if upload.expires_at <= clock():
        raise TusError(410, _("This upload has expired; start it again."))


def _checksum(header: str):
    if not header:
        return None
    algorithm, _sep, value = header.strip().partition(" ")
    if algorithm not in CHECKSUMS:
        raise TusError(400, _("Unsupported checksum algorithm."))
    try:
        expected = base64.b64decode(value, validate=True)
    except binascii.Error:
        raise TusError(400, _("Upload-Checksum is not valid base64.")) from None
    return CHECKSUMS[algorithm](), expected


def upload_append(*, user, upload: RecordingUpload, offset: int, stream, checksum: str = ""):
    """Appends one PATCH body at `offset`; returns the upload (completed into a Recording when
    the last byte arrived)."""
    implementer_require(user=user, project=upload.session.project)
    if upload.uploaded_by_id != user.pk and not user.is_superuser:
        raise TusError(403, _("Only who started an upload continues it."))
    upload_usable(upload)
    digest = _checksum(checksum)
    path = _part_path(upload)
    with open(path, "r+b") as part:
        try:
            fcntl.flock(part, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise TusError(409, _("Another request is appending to this upload.")) from None
        upload.refresh_from_db(fields=["offset", "completed_at"])
        upload_usable(upload)
        if offset != upload.offset:
            raise TusError(409, _("Upload-Offset does not match the server's offset."))
        part.seek(offset)
        part.truncate()
        written = 0
        interrupted = False
        try:
            while chunk := stream.read(CHUNK):
                if offset + written + len(chunk) > upload.length:
                    part.truncate(offset)
                    raise TusError(400, _("More bytes than Upload-Length."))
                part.write(chunk)
                if digest:
                    digest[0].update(chunk)
                written += len(chunk)
        except OSError:
            interrupted = True  # the client went away: keep what arrived (unless checksummed)
        part.flush()
        if digest and (interrupted or digest[0].digest() != digest[1]):
            part.truncate(offset)
            if interrupted:
                raise TusError(400, _("The chunk was cut off."))
            raise TusError(460, _("Checksum mismatch: the chunk was dropped."))
        os.fsync(part.fileno())
        RecordingUpload.unscoped.filter(pk=upload.pk, offset=offset).update(offset=offset + written)
        upload.offset = offset + written
    if upload.offset == upload.length:
        upload_complete(upload=upload)
    return upload


# --- completion: probe, store, check --------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    width: int
    height: int
    frame_rate: float
    duration_seconds: float
    codec: str
    creation_time: datetime.datetime | None


def _creation_time(*tag_sets) -> datetime.datetime | None:
    for tags in tag_sets:
        value = (tags or {}).get("creation_time")
        if not value:
            continue
        try:
            parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            continue
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.UTC)
        if parsed.year > 1970:  # cameras without a clock write the epoch
            return parsed
    return None


def ffprobe(path: str | Path) -> Probe:
    """Resolution, frame rate, duration and creation time of a video (`apps.evidence.media_probe`,
    the platform's one ffprobe)."""
    if shutil.which("ffprobe") is None:
        raise RuntimeError("ffprobe is not installed (Debian package ffmpeg)")
    try:
        info = media_probe.media_info(
            media_probe.ffprobe_json(path, timeout=media_probe.FILE_TIMEOUT_SECONDS)
        )
    except media_probe.Unreadable:
        info = None
    if info is None or info.kind != "video":
        raise ValidationError(
            _("The file is not a video that can be read (no video stream)."), code="not_video"
        )
    if not info.duration_seconds:
        raise ValidationError(_("The video has no duration."), code="no_duration")
    return Probe(
        width=info.width or 0,
        height=info.height or 0,
        frame_rate=info.frame_rate or 0.0,
        duration_seconds=info.duration_seconds,
        codec=info.video_codec,
        creation_time=_creation_time(*info.creation_tags),
    )


def upload_complete(*, upload: RecordingUpload) -> Recording | None:
    """The last byte arrived: probe, store as evidence, record, check. A file that is not a
    readable video ends the upload with its error (the client starts again with a good one)."""
    path = _part_path(upload)
    session = upload.session
    now = clock()
    try:
        probe = ffprobe(path)
        with transaction.atomic(), open(path, "rb") as handle:
            version = evidence_upload(
                uploaded_by=upload.uploaded_by,
                uploaded_file=File(handle, name=upload.filename),
                purpose=PURPOSE,
                title=_("Recording of %(session)s") % {"session": session},
                jurisdiction=session.project.jurisdiction,
                project=session.project,
            )
            if probe.creation_time is not None:
                started, source = probe.creation_time, StartSource.CREATION_TIME
            else:
                started = now - datetime.timedelta(seconds=probe.duration_seconds)
                source = StartSource.UPLOAD_TIME
            recording = Recording.unscoped.create(
                session=session,
                evidence=version.evidence_file,
                width=probe.width,
                height=probe.height,
                frame_rate=probe.frame_rate,
                duration_seconds=probe.duration_seconds,
                codec=probe.codec,
                started_at=started,
                ended_at=started + datetime.timedelta(seconds=probe.duration_seconds),
                start_source=source,
                uploaded_by=upload.uploaded_by,
                uploaded_at=now,
            )
            RecordingUpload.unscoped.filter(pk=upload.pk).update(
                completed_at=now, recording=recording
            )
            upload.completed_at, upload.recording = now, recording
            spec_check(recording)
            if coverage_due(session, now=now):
                coverage_check(session)
    except ValidationError as exc:
        message = " ".join(exc.messages)[:500]
        RecordingUpload.unscoped.filter(pk=upload.pk).update(completed_at=now, error=message)
        upload.completed_at, upload.error = now, message
        raise
    finally:
        path.unlink(missing_ok=True)
    return recording


# --- the procured specification -------------------------------------------------------------

LINES_RE, FPS_RE = media_probe.LINES_RE, media_probe.FPS_RE
RECORDING_WORDS = ("录像", "录制", "监控", "摄像", "recording", "camera")


@dataclass(frozen=True)
class RecordingSpec:
    min_lines: int
    min_frame_rate: float
    source: str


def recording_spec(project) -> RecordingSpec:
    """The resolution and frame rate asked of a session recording: the project's procurement
    requirement on recordings where it states them, else HB §10 (cameras of ≥ 1080p) and
    `WIPP_RECORDING_MIN_FRAME_RATE` (HB §10 states no frame rate)."""
    from apps.procurement.models import RequirementItem
    from apps.qualifications.rules import requirements

    lines = fps = None
    source = []
    items = RequirementItem.objects.filter(
        Q(procurement__project=project) | Q(procurement__lot__projects=project)
    ).order_by("procurement_id", "number")
    for item in items:
        text = f"{item.name} {item.specification}"
        if not any(word in text for word in RECORDING_WORDS):
            continue
        found_lines = LINES_RE.search(text)
        found_fps = FPS_RE.search(text)
        if lines is None and found_lines:
            lines = int(found_lines.group(1))
            source.append(f"{item.procurement.title} #{item.number}")
        if fps is None and found_fps:
            fps = float(found_fps.group(1))
            if not source or not source[-1].endswith(f"#{item.number}"):
                source.append(f"{item.procurement.title} #{item.number}")
    if lines is None:
        lines = requirements().cameras.min_resolution_lines
        source.append("HB §10 (一) 1")
    if fps is None:
        fps = settings.WIPP_RECORDING_MIN_FRAME_RATE
        source.append("WIPP_RECORDING_MIN_FRAME_RATE")
    return RecordingSpec(lines, fps, "; ".join(source))


def _owner(session):
    return project_implementer(session.project)


def spec_check(recording: Recording):
    spec = recording_spec(recording.session.project)
    problems = []
    if recording.lines < spec.min_lines:
        problems.append(
            _("resolution %(w)d×%(h)d is below %(lines)dp")
            % {"w": recording.width, "h": recording.height, "lines": spec.min_lines}
        )
    if recording.frame_rate < spec.min_frame_rate:
        problems.append(
            _("frame rate %(fps)s is below %(min)s fps")
            % {"fps": f"{recording.frame_rate:g}", "min": f"{spec.min_frame_rate:g}"}
        )
    if not problems:
        return None
    return finding_raise(
        rule_code="TR-RECORDING-BELOW-SPEC",
        citation=CITATION,
        severity=FindingSeverity.MAJOR,
        subject=recording,
        message=_(
            "The recording of %(session)s is below the procured specification: %(p)s (%(src)s)."
        )
        % {"session": recording.session, "p": "; ".join(problems), "src": spec.source},
        owner_role=Role.IMPLEMENTER,
        owner_organisation=_owner(recording.session),
        evidence=[recording.evidence],
        records=[{"what": "recording", "id": recording.pk}],
    )


# --- coverage -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    scheduled_seconds: int
    covered_seconds: int
    gaps: list[tuple[datetime.datetime, datetime.datetime]]

    @property
    def percent(self) -> float:
        if not self.scheduled_seconds:
            return 0.0
        return round(100 * self.covered_seconds / self.scheduled_seconds, 1)


def coverage(session, recordings=None) -> Coverage:
    """The union of the recordings' intervals within the scheduled time, and the stretches
    left uncovered that are at least `WIPP_RECORDING_GAP_TOLERANCE_SECONDS` long."""
    if recordings is None:
        recordings = Recording.unscoped.filter(session=session)
    start, end = session.starts_at, session.ends_at
    intervals = sorted(
        (max(r.started_at, start), min(r.ended_at, end))
        for r in recordings
        if r.ended_at > start and r.started_at < end
    )
    merged: list[list[datetime.datetime]] = []
    for a, b in intervals:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    covered = sum((b - a).total_seconds() for a, b in merged)
    tolerance = datetime.timedelta(seconds=settings.WIPP_RECORDING_GAP_TOLERANCE_SECONDS)
    gaps, cursor = [], start
    for a, b in [*merged, [end, end]]:
        if a - cursor >= tolerance:
            gaps.append((cursor, a))
        cursor = max(cursor, b)
    return Coverage(int((end - start).total_seconds()), int(covered), gaps)


def coverage_due(session, *, now=None) -> bool:
    now = now or clock()
    grace = datetime.timedelta(hours=settings.WIPP_RECORDING_CHECK_AFTER_HOURS)
    return now >= session.ends_at + grace


def coverage_check(session) -> list:
    """The findings of an ended session's coverage (idempotent: one per gap)."""
    recordings = list(Recording.unscoped.filter(session=session))
    result = coverage(session, recordings)
    owner = _owner(session)
    local = timezone.localtime
    if not recordings:
        return [
            finding_raise(
                rule_code="TR-RECORDING-MISSING",
                citation=CITATION,
                severity=FindingSeverity.MAJOR,
                subject=session,
                message=_("There is no recording of %(session)s.") % {"session": session},
                owner_role=Role.IMPLEMENTER,
                owner_organisation=owner,
                records=[{"what": "session", "id": session.pk}],
            )
        ]
    raised = []
    for a, b in result.gaps:
        raised.append(
            finding_raise(
                rule_code="TR-RECORDING-GAP",
                citation=CITATION,
                severity=FindingSeverity.MINOR,
                subject=session,
                key=f"gap:{a.isoformat()}",
                message=_(
                    "The recordings of %(session)s do not cover %(a)s–%(b)s (%(m)d minutes); "
                    "%(pct)s %% of the scheduled time is covered."
                )
                % {
                    "session": session,
                    "a": local(a).strftime("%H:%M:%S"),
                    "b": local(b).strftime("%H:%M:%S"),
                    "m": (b - a).total_seconds() // 60,
                    "pct": result.percent,
                },
                owner_role=Role.IMPLEMENTER,
                owner_organisation=owner,
                evidence=[r.evidence for r in recordings],
                records=[{"what": "recording", "id": r.pk} for r in recordings],
            )
        )
    return raised


def coverage_sweep(*, now=None) -> int:
    """Checks every session whose upload time is over (daily, `manage.py
    recordings_coverage_sweep`); returns how many sessions were checked."""
    from .models import Session

    now = now or clock()
    grace = datetime.timedelta(hours=settings.WIPP_RECORDING_CHECK_AFTER_HOURS)
    sessions = Session.unscoped.filter(
        ends_at__lte=now - grace, ends_at__gt=now - grace - datetime.timedelta(days=7)
    ).select_related("training_class__project")
    count = 0
    for session in sessions:
        coverage_check(session)
        count += 1
    return count


# --- clean-up of abandoned uploads -----------------------------------------------------------

PURGE_CHUNK = 200


def uploads_expired_purge(*, now=None) -> int:
    """Deletes the part files and rows of uploads never finished before they expired
    (`WIPP_RECORDING_UPLOAD_EXPIRY_HOURS` after they started; daily, `manage.py
    recordings_uploads_purge`). Commits per chunk with one audit entry each (the rows and a
    digest of what was deleted), so a crash leaves the finished chunks done and a rerun
    continues; returns how many uploads were purged."""
    now = now or clock()
    purged = 0
    while True:
        with transaction.atomic():
            chunk = list(
                RecordingUpload.unscoped.select_for_update(skip_locked=True)
                .filter(completed_at__isnull=True, expires_at__lte=now)
                .order_by("pk")[:PURGE_CHUNK]
            )
            if not chunk:
                return purged
            rows = [
                {
                    "key": u.key.hex,
                    "session": u.session_id,
                    "filename": u.filename,
                    "offset": u.offset,
                    "length": u.length,
                    "expires_at": u.expires_at.isoformat(),
                }
                for u in chunk
            ]
            RecordingUpload.unscoped.filter(pk__in=[u.pk for u in chunk]).delete()
            audit_bulk(
                action=AuditAction.DELETE,
                model=RecordingUpload,
                rows_count=len(chunk),
                digest=rows_digest(rows),
                object_repr=f"{len(chunk)} abandoned recording uploads",
                after={"bytes_discarded": sum(u.offset for u in chunk)},
                object_ids=[u.pk for u in chunk],
                message="unfinished recording uploads expired and deleted",
            )
        for upload in chunk:
            _part_path(upload).unlink(missing_ok=True)
        purged += len(chunk)


def orphan_part_files_delete(*, now=None) -> int:
    """Part files without an upload row (a crash between a purge's commit and its file
    deletion), older than the expiry: nothing can reach them any more."""
    directory = Path(settings.WIPP_RECORDING_UPLOAD_DIR)
    if not directory.is_dir():
        return 0
    cutoff = (now or clock()) - datetime.timedelta(
        hours=settings.WIPP_RECORDING_UPLOAD_EXPIRY_HOURS
    )
    known = {key.hex for key in RecordingUpload.unscoped.values_list("key", flat=True)}
    deleted = 0
    for path in directory.glob("*.part"):
        modified = datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)
        if path.stem not in known and modified <= cutoff:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
