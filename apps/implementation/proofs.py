"""Promotion proofs as the files hold them (issue 15 item 3; HB §19: 宣传项目 — 技术规格:
视频分辨率、帧率、音频、色彩).

When a proof is uploaded (`services.promotion_record_add`) a background task
(`tasks.promotion_proof_read_task`, django-tasks) reads it from the evidence store through
`apps.evidence.media_probe`: a video or audio file with ffprobe (resolution, frame rate, codec,
pixel format, colour space and bit depth, audio codec, channels, sample rate, bit rate,
duration), a photo with Pillow (size, mode). A file that cannot be read is kept as unreadable
with the reason in words; a PDF or Office document is not media. `manage.py
promotion_proofs_read` reads the proofs still waiting (uploaded before this existed, or their
task lost).

The specification a proof is held to is its record's procured media placement: the technical
specifications of the works (作品技术规格, e.g. "1080P 25帧 立体声 48kHz") with the requirement's
own specification, and the placement's duration (时长). A record without a placement (an
on-site session, a distribution) has no stated specification.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.evidence import media_probe
from apps.evidence.services import evidence_storage

from .models import MediaStatus, PromotionProof, PromotionRecord

logger = logging.getLogger(__name__)
MEDIA_TYPES = ("image/", "video/", "audio/")


def _blob(proof: PromotionProof):
    version = proof.evidence.current_version
    return version.blob if version is not None else None


def promotion_proof_read(*, proof: PromotionProof) -> PromotionProof:
    """Reads the proof's current file and keeps what it holds (or why it could not be read).
    Never raises for a bad file: that is a result, kept on the proof."""
    blob = _blob(proof)
    media, reason = {}, ""
    if blob is None:
        status, reason = MediaStatus.UNREADABLE, _("The evidence file has no stored version.")
    elif not blob.content_type.startswith(MEDIA_TYPES):
        status = MediaStatus.NOT_MEDIA
    else:
        try:
            info = media_probe.probe_stored(
                evidence_storage(), blob.storage_name, content_type=blob.content_type
            )
        except media_probe.Unreadable as exc:
            status, reason = MediaStatus.UNREADABLE, exc.reason
        else:
            status, media = MediaStatus.READ, info.as_dict()
    if blob is not None:
        media["sha256"] = blob.sha256
    proof.media_status, proof.media, proof.media_reason = status, media, reason[:300]
    proof.media_read_at = timezone.now()
    proof.save(update_fields=["media_status", "media", "media_reason", "media_read_at"])
    return proof


def proofs_read_later(proofs) -> None:
    """After the upload commits, one background task per proof."""
    from .tasks import promotion_proof_read_task

    for proof in proofs:
        transaction.on_commit(
            lambda pk=proof.pk: promotion_proof_read_task.enqueue(proof_id=pk), robust=True
        )


def proofs_to_read():
    """Proofs not read yet, of projects not archived (an archived record is read-only). A
    proof's file is never replaced (the evidence store refuses a new version of it), so what
    was read stays the file's; `media["sha256"]` names the content read."""
    from apps.projects.models import ProjectStage

    return (
        PromotionProof.objects.filter(media_status=MediaStatus.PENDING)
        .exclude(record__project__stage=ProjectStage.ARCHIVED)
        .select_related("evidence__current_version__blob")
        .order_by("pk")
    )


# --- the procured specification ---------------------------------------------------------------


def record_spec(record: PromotionRecord) -> tuple[media_probe.MediaSpec, str]:
    """What the record's procured media placement asks of the works, and where that is said."""
    placement = record.placement
    if placement is None:
        return media_probe.MediaSpec(), ""
    requirement = placement.requirement
    text = " ".join(
        part for part in (placement.technical_specs, placement.media, requirement.specification)
    )
    spec = media_probe.spec_from_text(text, duration_text=placement.duration)
    source = f"{requirement.procurement.title} #{requirement.number}"
    return spec, source


def proof_figures(proof: PromotionProof, spec: media_probe.MediaSpec, source: str) -> dict:
    """One proof in a report: what the file holds against what was procured (plain values, to
    be frozen as JSON)."""
    media = proof.media or {}
    status = proof.media_status
    applies = spec.stated and media.get("kind") != "image"  # the works' spec, not a photo's
    shortfalls = []
    if status == MediaStatus.READ and applies:
        shortfalls = media_probe.spec_shortfalls(media, spec)
    return {
        "proof": proof.pk,
        "record": proof.record_id,
        "name": proof.evidence.title,
        "kind": proof.kind,
        "status": status,
        "reason": proof.media_reason,
        "media": {k: v for k, v in media.items() if k != "sha256"},
        "spec": spec.describe() if applies else "",
        "spec_source": source if applies else "",
        "shortfalls": shortfalls,
    }


def promotion_media_figures(project, start, end) -> dict:
    """The proofs of the period's promotion records as read from the files: per proof its
    resolution, frame rate, audio, colour and duration against the procured specification, and
    the proofs below it by name."""
    proofs = (
        PromotionProof.objects.filter(
            record__project=project,
            record__occurred_on__gte=start,
            record__occurred_on__lte=end,
        )
        .select_related(
            "evidence__current_version__blob",
            "record__placement__requirement__procurement",
        )
        .order_by("record__occurred_on", "record_id", "pk")
    )
    specs: dict[int, tuple] = {}
    rows = []
    for proof in proofs:
        if proof.record_id not in specs:
            specs[proof.record_id] = record_spec(proof.record)
        rows.append(proof_figures(proof, *specs[proof.record_id]))
    media_rows = [r for r in rows if r["status"] != MediaStatus.NOT_MEDIA]
    below = [r for r in media_rows if r["shortfalls"]]
    return {
        "proofs": media_rows,
        "proofs_read": sum(1 for r in media_rows if r["status"] == MediaStatus.READ),
        "proofs_unreadable": [r["name"] for r in media_rows if r["status"] == "unreadable"],
        "proofs_pending": [r["name"] for r in media_rows if r["status"] == "pending"],
        "proofs_checked": sum(1 for r in media_rows if r["spec"] and r["status"] == "read"),
        "proofs_below_spec": [r["name"] for r in below],
    }


def record_proofs(record: PromotionRecord) -> list[tuple[PromotionProof, dict]]:
    """A record's proofs, each with its technical data against the procured specification."""
    spec, source = record_spec(record)
    proofs = record.proofs.select_related("evidence__current_version__blob")
    return [(proof, proof_figures(proof, spec, source)) for proof in proofs]
