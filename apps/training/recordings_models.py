"""Recordings of offline sessions (HB §14 (一): 实时采集并上传培训现场录像; issue 14 item 8).

A `RecordingUpload` is a resumable upload in progress (tus 1.0, `apps.training.recordings`);
when its last byte arrives the video is probed (ffprobe), stored through the evidence store
and becomes a `Recording` with its resolution, frame rate, duration and the time span it
covers. Imported by `apps.training.models`, so the models belong to the training app.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.ownership import ProjectOwnedModel

SESSION_JURISDICTION = "session__training_class__project__jurisdiction"
SESSION_PROJECT = "session__training_class__project"


class StartSource(models.TextChoices):
    CREATION_TIME = "creation_time", _("the video's creation_time tag")
    UPLOAD_TIME = "upload_time", _("upload time minus duration")


class Recording(ProjectOwnedModel):
    """培训现场录像 — one stored video of a session and what ffprobe read from it."""

    jurisdiction_lookup = SESSION_JURISDICTION
    project_lookup = SESSION_PROJECT

    session = models.ForeignKey(
        "training.Session", on_delete=models.PROTECT, related_name="recordings"
    )
    evidence = models.ForeignKey(
        "evidence.EvidenceFile", on_delete=models.PROTECT, related_name="+"
    )
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    frame_rate = models.FloatField(_("frame rate"))
    duration_seconds = models.FloatField(_("duration (s)"))
    codec = models.CharField(_("codec"), max_length=40, blank=True)
    started_at = models.DateTimeField(_("recording start"))
    ended_at = models.DateTimeField(_("recording end"))
    start_source = models.CharField(
        _("start read from"), max_length=15, choices=StartSource.choices
    )
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["session", "started_at", "pk"]
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")

    def __str__(self) -> str:
        return f"{self.session_id}: {self.started_at:%Y-%m-%d %H:%M} +{self.duration_seconds:.0f}s"

    @property
    def lines(self) -> int:
        """The 'p' of the picture (1080 for 1080p): its shorter side, so that portrait
        recordings are measured the same way."""
        return min(self.width, self.height)


class RecordingUpload(ProjectOwnedModel):
    """A resumable upload in progress (tus): its declared length and the offset reached.
    Its bytes wait in `WIPP_RECORDING_UPLOAD_DIR` until the last one arrives. Offsets move
    with every chunk, so the row is not audited per change: its creation and completion are
    audited explicitly, and the stored video through the evidence store."""

    jurisdiction_lookup = SESSION_JURISDICTION
    project_lookup = SESSION_PROJECT
    audit_exempt = True

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(
        "training.Session", on_delete=models.PROTECT, related_name="recording_uploads"
    )
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=255)
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    recording = models.OneToOneField(
        Recording, on_delete=models.PROTECT, null=True, blank=True, related_name="upload"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} {self.offset}/{self.length}"
