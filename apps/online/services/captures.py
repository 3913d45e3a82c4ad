"""Face captures during study: the platform's verdict, or a photo verified here."""

import base64
import binascii
import hashlib
import json

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.audit.chain import rows_digest
from apps.audit.models import AuditAction
from apps.audit.services import audit_bulk
from apps.findings.models import FindingSeverity
from apps.findings.services import finding_raise
from apps.projects.participation import project_implementer

from ..models import BatchKind, FaceCapture, LearningRecord
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
    _when,
    platform_require,
)
from .mismatch import learning_uncount_for_mismatches

# --- face captures --------------------------------------------------------------------------


def _photo(check: _Rows, i: int, row: dict) -> bytes | None:
    raw = row.get("image")
    if raw in (None, ""):
        return None
    if not isinstance(raw, str):
        check.error(i, "image", _("Expected the photo as base64 text."))
        return None
    try:
        content = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        check.error(i, "image", _("The photo is not valid base64."))
        return None
    from apps.training.facestore import photo_inspect

    try:
        photo_inspect(content)
    except ValidationError as exc:
        for message in exc.messages:
            check.error(i, "image", message)
        return None
    return content


def _verify_here(check: _Rows, i: int, trainee_id: int, content: bytes):
    """(model, distance, matched) of a photo against the trainee's enrolment template, through
    apps.training's FaceVerifier; the trainee's consent to face recognition comes first."""
    from apps.training.faces import FaceError, face_matches, face_verifier
    from apps.training.models import FaceConsent, FaceTemplate

    if not FaceConsent.objects.filter(trainee_id=trainee_id, withdrawn_at__isnull=True).exists():
        check.error(
            i,
            "image",
            _(
                "The trainee has not consented to face recognition on the platform: send no "
                "photo, only the platform's own match result."
            ),
        )
        return None
    template = FaceTemplate.objects.filter(trainee_id=trainee_id, deleted_at__isnull=True).first()
    verifier = face_verifier()
    if template is None or template.model_name != verifier.name:
        check.error(
            i,
            "image",
            _(
                "The trainee has no enrolment template to verify against; send the "
                "platform's match result (matched, match_score) instead."
            ),
        )
        return None
    try:
        vector = verifier.embed(content)
    except FaceError:
        check.error(i, "image", _("No single face could be found in the photo."))
        return None
    distance = verifier.distance(vector, json.loads(template.vector))
    return verifier.name, distance, face_matches(distance)


def face_captures_ingest(*, user, project, rows, client=None) -> BatchAnswer:
    """A batch of face captures taken during study. Each carries the platform's match result
    (`matched`, optionally `match_score`), or a photo (`image`, base64) that is verified here
    against the trainee's enrolment template. A capture that does not match is a finding."""
    platform_require(user, project)
    _rows_require(rows)
    check = _Rows()
    record_ids = _record_ids(check, rows)
    indexes, trainees = _trainees(check, rows, project)
    learning_ids = [
        row.get("learning_record_id") if isinstance(row, dict) else None for row in rows
    ]
    wanted = {str(x) for x in learning_ids if x not in (None, "")}
    learning = dict(
        LearningRecord.unscoped.filter(
            platform_id=user.organisation_id, project=project, platform_record_id__in=wanted
        ).values_list("platform_record_id", "pk")
    )
    parsed, digest_rows = [], []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            parsed.append(None)
            continue
        captured = _when(check, i, row, "captured_at")
        matched = _bool(check, i, row, "matched", required=False)
        score = row.get("match_score")
        if score is not None and (
            type(score) not in (int, float) or not 0 <= score <= 1 or isinstance(score, bool)
        ):
            check.error(i, "match_score", _("Expected a number from 0 to 1."))
        learning_ref = learning_ids[i]
        learning_pk = None
        if learning_ref not in (None, ""):
            learning_pk = learning.get(str(learning_ref))
            if learning_pk is None:
                check.error(
                    i,
                    "learning_record_id",
                    _("No learning record with this id was received for the project."),
                )
        content = _photo(check, i, row)
        if matched is None and content is None:
            check.error(
                i, "matched", _("Send the platform's match result, or the photo to verify.")
            )
        if i in check.errors:
            parsed.append(None)
            continue
        trainee_id = trainees[indexes[i]]
        parsed.append(
            {
                "trainee_id": trainee_id,
                "learning_record_id": learning_pk,
                "captured_at": captured,
                "match_score": None if score is None else float(score),
                "matched": matched,
                "content": content,
            }
        )
        digest_rows.append(
            [
                record_ids[i],
                trainee_id,
                learning_ref,
                row["captured_at"],
                matched,
                score,
                hashlib.sha256(content).hexdigest() if content else None,
            ]
        )
    _reject_if(check, rows)

    kind = BatchKind.CAPTURES
    digest = _batch_digest(kind, project.pk, digest_rows)
    replay = _replay(user.organisation_id, kind, digest)
    if replay is not None:
        return replay
    known = _known(
        FaceCapture, user.organisation_id, record_ids, ["trainee_id", "captured_at", "matched"]
    )
    skip = set()
    for i, record_id in enumerate(record_ids):
        stored = known.get(record_id)
        if stored is None:
            continue
        values = parsed[i]
        same = (
            stored["trainee_id"] == values["trainee_id"]
            and stored["captured_at"] == values["captured_at"]
            and (values["matched"] is None or stored["matched"] == values["matched"])
        )
        if same:
            skip.add(i)
        else:
            _conflict(check, i)
    # Verification here (slow: a face model per photo) before the transaction.
    for i, values in enumerate(parsed):
        if i in skip or values["content"] is None or values["matched"] is not None:
            continue
        verdict = _verify_here(check, i, values["trainee_id"], values["content"])
        if verdict is not None:
            values["face_model"], values["face_distance"], values["matched"] = verdict
            values["verified_here"] = True
    _reject_if(check, rows)

    def write(batch):
        from apps.training.models import FaceImage, FaceImageKind

        now = timezone.now()
        images = {}
        photos = [
            (i, values)
            for i, values in enumerate(parsed)
            if i not in skip and values["content"] is not None
        ]
        if photos:
            images = _photos_store(photos, project=project, user=user, now=now)
        captures = [
            FaceCapture(
                project=project,
                trainee_id=values["trainee_id"],
                platform_id=user.organisation_id,
                batch=batch,
                platform_record_id=record_ids[i],
                learning_record_id=values["learning_record_id"],
                captured_at=values["captured_at"],
                match_score=values["match_score"],
                matched=values["matched"],
                verified_here=values.get("verified_here", False),
                face_model=values.get("face_model", ""),
                face_distance=values.get("face_distance"),
                photo=images.get(i),
                received_at=now,
            )
            for i, values in enumerate(parsed)
            if i not in skip
        ]
        FaceCapture.unscoped.bulk_create(captures)
        if photos:
            audit_bulk(
                action=AuditAction.CREATE,
                model=FaceImage,
                rows_count=len(images),
                digest=rows_digest(sorted(image.sha256 for image in images.values())),
                jurisdiction_path=project.jurisdiction.path,
                project_id=project.pk,
                after={"batch": batch.pk, "kind": FaceImageKind.CHECK},
            )
        mismatches = [c for c in captures if not c.matched]
        if mismatches and mismatches[0].pk is None:
            mismatches = list(
                FaceCapture.unscoped.filter(batch=batch, matched=False).select_related("trainee")
            )
        for capture in mismatches:
            _mismatch_finding(capture)
        uncounted = learning_uncount_for_mismatches(
            project=project, platform_id=user.organisation_id, mismatches=mismatches
        )
        extra = {
            "learning_records_not_counted": uncounted,
            "matched": sum(1 for c in captures if c.matched),
            "not_matched": [
                {"platform_record_id": c.platform_record_id, "verified_here": c.verified_here}
                for c in mismatches
            ],
        }
        return FaceCapture, len(captures), len(skip), extra

    return _store(
        user=user,
        client=client,
        project=project,
        kind=kind,
        digest=digest,
        total=len(rows),
        write=write,
    )


def _photos_store(photos, *, project, user, now) -> dict:
    """The photos into apps.training's encrypted face store, the rows in bulk (the batch's
    audit covers them): {row index: FaceImage}."""
    import uuid

    from django.core.files.base import ContentFile

    from apps.core.crypto import _cipher
    from apps.evidence.services import evidence_storage
    from apps.training.facestore import photo_inspect
    from apps.training.models import FaceImage, FaceImageKind

    storage = evidence_storage()
    images = {}
    for i, values in photos:
        content = values["content"]
        content_type, phash = photo_inspect(content)
        name = storage.save(
            f"faces/{project.pk}/{uuid.uuid4().hex}", ContentFile(_cipher().encrypt(content))
        )
        images[i] = FaceImage(
            project=project,
            trainee_id=values["trainee_id"],
            kind=FaceImageKind.CHECK,
            storage_name=name,
            sha256=hashlib.sha256(content).hexdigest(),
            phash=phash,
            content_type=content_type,
            size=len(content),
            created_at=now,
            uploaded_by=user,
        )
    FaceImage.unscoped.bulk_create(list(images.values()))
    return images


def _mismatch_finding(capture: FaceCapture):

    return finding_raise(
        rule_code="OL-FACE-MISMATCH",
        citation="HB §12 (二); SPEC §5",
        severity=FindingSeverity.MAJOR,
        subject=capture,
        message=_(
            "A face capture of %(name)s during online study at %(at)s does not match the "
            "enrolled trainee (%(how)s)."
        )
        % {
            "name": capture.trainee.name,
            "at": timezone.localtime(capture.captured_at).strftime("%Y-%m-%d %H:%M"),
            "how": _("verified by the management platform")
            if capture.verified_here
            else _("the online platform's result"),
        },
        owner_role=Role.IMPLEMENTER,
        owner_organisation=project_implementer(capture.project),
        records=[{"what": "online_face_capture", "id": capture.pk}],
    )
