"""Online training data pushed by the online platforms (线上培训数据, HB §10 (二), §12 (二)).

A platform pushes batches through the API (`apps.online.api`): learning records, face captures
during study and exam results. Each batch is stored all or nothing (`IngestBatch` keeps its
digest and its answer, so that the same batch sent again changes nothing and gets the same
answer); each row carries the platform's own record id, unique per platform. Trainees are
found on the project's roster by the keyed blind index of their ID number: no ID number is
stored here. The rows are written in bulk (one audit entry per batch, with the batch digest
and row count) and never changed afterwards.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.core.ownership import ProjectOwnedModel

PROJECT_JURISDICTION = "project__jurisdiction"


class BatchKind(models.TextChoices):
    LEARNING = "learning", _("Learning records")
    CAPTURES = "captures", _("Face captures")
    EXAMS = "exams", _("Exam results")


class IngestBatch(ProjectOwnedModel):
    """One accepted batch of one platform: its digest, size and the answer it was given."""

    jurisdiction_lookup = PROJECT_JURISDICTION
    project_lookup = "project"

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="+")
    platform = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        "accounts.ApiClient", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=BatchKind.choices)
    digest = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    created = models.PositiveIntegerField()
    response = models.JSONField()
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "kind", "digest"],
                name="online_batch_once_per_platform",
                violation_error_message=_("The platform has already sent this batch."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ×{self.rows} ({self.received_at:%Y-%m-%d %H:%M})"


class NotCounted:
    CAPTURES_MISSING = "captures_missing"
    FAST_FORWARDED = "fast_forwarded"
    IDLE = "idle"
    LONGER_THAN_WALL_TIME = "longer_than_wall_time"
    FACE_MISMATCH = "face_mismatch"


class LearningRecord(ProjectOwnedModel):
    """学习记录 — one stretch of study of one lesson by one trainee, as the platform reports
    it, with the seconds that count under the project's supervision parameters."""

    jurisdiction_lookup = PROJECT_JURISDICTION
    project_lookup = "project"

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="+")
    trainee = models.ForeignKey(
        "training.Trainee", on_delete=models.PROTECT, related_name="learning_records"
    )
    platform = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(IngestBatch, on_delete=models.PROTECT, related_name="+")
    platform_record_id = models.CharField(_("platform record id"), max_length=64)
    course = models.CharField(_("course"), max_length=200)
    lesson = models.CharField(_("lesson"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"))
    seconds_watched = models.PositiveIntegerField(_("seconds watched"))
    captures = models.PositiveIntegerField(_("face captures"))
    fast_forwarded = models.BooleanField(_("fast-forwarded"))
    idle_seconds = models.PositiveIntegerField(_("idle seconds"))
    counted_seconds = models.PositiveIntegerField(_("counted seconds"))
    not_counted = models.CharField(_("why not (all) counted"), max_length=100, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["started_at", "pk"]
        verbose_name = _("learning record")
        verbose_name_plural = _("learning records")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "platform_record_id"],
                name="learning_record_once",
                violation_error_message=_("The platform has already sent this learning record."),
            ),
            models.CheckConstraint(
                condition=Q(ended_at__gte=F("started_at")),
                name="learning_record_ends_after",
                violation_error_message=_("A learning record must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(counted_seconds__lte=F("seconds_watched")),
                name="learning_record_counted_within_watched",
                violation_error_message=_("The counted time cannot be more than the time watched."),
            ),
        ]
        indexes = [models.Index(fields=["trainee", "started_at"])]

    def __str__(self) -> str:
        return f"{self.course} {self.lesson} ({self.platform_record_id})"


class FaceCapture(ProjectOwnedModel):
    """学习过程人脸抓拍 — a capture during study: the platform's match result, or a photo
    verified here against the trainee's enrolment template (the photo then goes to the
    encrypted face store of apps.training, under its retention)."""

    jurisdiction_lookup = PROJECT_JURISDICTION
    project_lookup = "project"

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="+")
    trainee = models.ForeignKey(
        "training.Trainee", on_delete=models.PROTECT, related_name="online_captures"
    )
    platform = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(IngestBatch, on_delete=models.PROTECT, related_name="+")
    platform_record_id = models.CharField(_("platform record id"), max_length=64)
    learning_record = models.ForeignKey(
        LearningRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    captured_at = models.DateTimeField(_("captured"))
    match_score = models.FloatField(_("platform's match score"), null=True, blank=True)
    matched = models.BooleanField(_("matched"))
    verified_here = models.BooleanField(default=False)
    face_model = models.CharField(max_length=40, blank=True)
    face_distance = models.FloatField(null=True, blank=True)
    photo = models.ForeignKey(
        "training.FaceImage", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["captured_at", "pk"]
        verbose_name = _("face capture during study")
        verbose_name_plural = _("face captures during study")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "platform_record_id"],
                name="face_capture_once",
                violation_error_message=_("The platform has already sent this face capture."),
            )
        ]

    def __str__(self) -> str:
        return f"capture {self.platform_record_id}"


class OnlineExamResult(ProjectOwnedModel):
    """The platform's record of an exam result; the result itself is a `training.ExamResult`
    (so the project's pass rate counts it)."""

    jurisdiction_lookup = PROJECT_JURISDICTION
    project_lookup = "project"

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="+")
    platform = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(IngestBatch, on_delete=models.PROTECT, related_name="+")
    platform_record_id = models.CharField(_("platform record id"), max_length=64)
    exam_result = models.OneToOneField(
        "training.ExamResult", on_delete=models.PROTECT, related_name="online_record"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "platform_record_id"],
                name="online_exam_once",
                violation_error_message=_("The platform has already sent this exam result."),
            )
        ]

    def __str__(self) -> str:
        return f"exam {self.platform_record_id}"
