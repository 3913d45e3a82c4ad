"""Implementation as the agency runs it (实施过程管理, HB §12–14; SPEC §3 step 10, §5).

Set-up (HB §12): the agency's network cameras for a project (`Camera`, each test kept as a
`CameraTest` with its time) and, for online training, the contracted online platform it names
with the supervision parameters that platform configures (`OnlineSupervision`).

Pre-start package (HB §13, at least a week before the start): `PrestartPackage` with its
uploads (`PackageFile`, one per checklist item of `implementation_prestart_<type>.json`), the
plan rows (`TrainingPlanLine` — 实施计划表 and 月度培训计划; `PromotionPlanLine` — 宣传项目实施
计划表) and the managers and teachers (`StaffMember`); the office of the project's level
reviews it.

During implementation (HB §14): promotion records (`PromotionRecord` with their proofs),
the monthly report (`MonthlyReport`, one per month of the schedule, each the subject of its
own deadline) and money received and spent (`FundsEntry`, each with its voucher).

Training classes, sessions, rosters and attendance are `apps.training`'s.
"""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.money import MoneyField
from apps.core.ownership import OwnedModel, ProjectOwnedModel

PROJECT_JURISDICTION = "project__jurisdiction"
PACKAGE_JURISDICTION = "package__project__jurisdiction"

STREAM_SCHEMES = ("rtsp", "rtsps", "rtmp", "http", "https")


def validate_stream_url(value: str) -> None:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError as exc:
        raise ValidationError(_("This is not a valid stream address.")) from exc
    if parts.scheme.lower() not in STREAM_SCHEMES or not parts.hostname:
        raise ValidationError(
            _("Give the stream address as %(schemes)s://host[:port]/path.")
            % {"schemes": "|".join(STREAM_SCHEMES)}
        )
    if port == 0:
        raise ValidationError(_("This is not a valid stream address."))


# --- set-up (HB §12) ------------------------------------------------------------------------


class Camera(ProjectOwnedModel):
    """网络摄录设备 — a network camera the agency connects for a project's venue."""

    jurisdiction_lookup = PROJECT_JURISDICTION
    project_lookup = "project"
    organisation_lookup = "organisation"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="cameras"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    equipment = models.ForeignKey(
        "qualifications.Equipment",
        verbose_name=_("device in the qualification register"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name or position"), max_length=100)
    stream_url = models.CharField(
        _("stream address"),
        max_length=500,
        validators=[validate_stream_url],
        help_text=_("For example rtsp://203.0.113.5:554/stream1."),
    )
    added_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "name", "pk"]
        verbose_name = _("network camera")
        verbose_name_plural = _("network cameras")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "stream_url"],
                name="camera_stream_once_per_project",
                violation_error_message=_("This stream is already registered for this project."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def last_test(self):
        return self.tests.order_by("-tested_at", "-pk").first()


class ResolutionSource(models.TextChoices):
    STREAM = "stream", _("read from the stream (ffprobe)")
    REGISTER = "register", _("from the qualification register")
    UNKNOWN = "unknown", _("unknown")


class CameraTest(OwnedModel):
    """调试记录 — one test of a camera: reachable or not, the resolution and where it came
    from, at the server's time."""

    jurisdiction_lookup = "camera__project__jurisdiction"
    project_lookup = "camera__project"

    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="tests")
    tested_at = models.DateTimeField(_("tested at"))
    reachable = models.BooleanField(_("reachable"))
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    width = models.PositiveIntegerField(_("width (pixels)"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height (pixels)"), null=True, blank=True)
    resolution_source = models.CharField(
        _("resolution from"), max_length=10, choices=ResolutionSource.choices
    )
    tested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-tested_at", "-pk"]
        verbose_name = _("camera test")
        verbose_name_plural = _("camera tests")

    def __str__(self) -> str:
        return f"{self.camera} · {self.tested_at:%Y-%m-%d %H:%M}"

    @property
    def resolution(self) -> str:
        if self.height is None:
            return ""
        return f"{self.width or '?'}×{self.height}"

    @property
    def meets_hd(self) -> bool | None:
        """HB §10 (一) 1 (1): 1080p or more (the shorter side of the picture)."""
        if self.height is None:
            return None
        return min(self.height, self.width or self.height) >= 1080


class OnlineSupervision(ProjectOwnedModel):
    """线上平台及监管参数 — the contracted online platform the agency names for a project and
    the supervision parameters that platform configures (HB §12 (二))."""

    jurisdiction_lookup = PROJECT_JURISDICTION
    project_lookup = "project"
    organisation_lookup = "platform"

    project = models.OneToOneField(
        "projects.Project", on_delete=models.PROTECT, related_name="online_supervision"
    )
    platform = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("online training platform"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    named_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    named_at = models.DateTimeField(_("named at"))
    face_capture_interval_minutes = models.PositiveSmallIntegerField(
        _("face capture during study every (minutes)"), null=True, blank=True
    )
    fast_forward_blocked = models.BooleanField(_("fast-forward blocked"), null=True, blank=True)
    idle_cutoff_minutes = models.PositiveSmallIntegerField(
        _("idle cut-off (minutes)"), null=True, blank=True
    )
    configured_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    configured_at = models.DateTimeField(_("configured at"), null=True, blank=True)

    class Meta:
        verbose_name = _("online platform supervision")
        verbose_name_plural = _("online platform supervision")
        constraints = [
            models.CheckConstraint(
                condition=Q(configured_at__isnull=True)
                | (
                    Q(face_capture_interval_minutes__gt=0)
                    & Q(idle_cutoff_minutes__gt=0)
                    & Q(fast_forward_blocked__isnull=False)
                ),
                name="supervision_configured_completely",
                violation_error_message=_(
                    "Give every supervision setting: the face-capture interval, the idle cut-off"
                    " and whether fast-forward is blocked."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.code} · {self.platform}"

    @property
    def configured(self) -> bool:
        return self.configured_at is not None


# --- pre-start package (HB §13) -------------------------------------------------------------


class PackageStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


EDITABLE_PACKAGE = (PackageStatus.DRAFT, PackageStatus.RETURNED)


class PrestartPackage(ProjectOwnedModel):
    """实施前资料 — what the agency uploads at least a week before the start (HB §13)."""

    jurisdiction_lookup = PROJECT_JURISDICTION
    project_lookup = "project"
    organisation_lookup = "organisation"

    project = models.OneToOneField(
        "projects.Project", on_delete=models.PROTECT, related_name="prestart_package"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("implementing agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PackageStatus.choices, default=PackageStatus.DRAFT
    )
    starts_on = models.DateField(
        _("implementation starts on"),
        null=True,
        blank=True,
        help_text=_("The first session, or the promotion plan's start."),
    )
    submitted_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deadlines = GenericRelation(
        "deadlines.Deadline", content_type_field="subject_type", object_id_field="subject_id"
    )

    class Meta:
        verbose_name = _("pre-start package")
        verbose_name_plural = _("pre-start packages")

    def __str__(self) -> str:
        return f"{self.project.code} · {self._meta.verbose_name}"

    @property
    def checklist_code(self) -> str:
        return f"implementation_prestart_{self.project.project_type}"

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE_PACKAGE


class PackageChild(OwnedModel):
    jurisdiction_lookup = PACKAGE_JURISDICTION
    project_lookup = "package__project"

    class Meta:
        abstract = True


class PackageFile(PackageChild):
    """One upload of the package for one checklist item."""

    package = models.ForeignKey(PrestartPackage, on_delete=models.PROTECT, related_name="files")
    item_code = models.SlugField(_("checklist item"), max_length=60)
    evidence = models.ForeignKey(
        "evidence.EvidenceFile", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item_code", "pk"]

    def __str__(self) -> str:
        return f"{self.item_code} · {self.evidence_id}"


class TrainingPlanLine(PackageChild):
    """One row of the training plan (实施计划表 / 月度培训计划, HB §13 (一) 1)."""

    package = models.ForeignKey(
        PrestartPackage, on_delete=models.CASCADE, related_name="training_lines"
    )
    month = models.DateField(_("month"), help_text=_("The month the row plans (its first day)."))
    trainee_type = models.CharField(_("trainee type"), max_length=100)
    post = models.CharField(_("post or trade"), max_length=100)
    headcount = models.PositiveIntegerField(_("headcount"))
    content = models.TextField(_("content"))
    online_hours = models.DecimalField(_("online hours"), max_digits=6, decimal_places=1)
    offline_hours = models.DecimalField(_("offline hours"), max_digits=6, decimal_places=1)
    period = models.CharField(_("time"), max_length=100)
    place = models.CharField(_("place"), max_length=200)

    class Meta:
        ordering = ["month", "pk"]
        verbose_name = _("training plan row")
        verbose_name_plural = _("training plan rows")
        constraints = [
            models.CheckConstraint(
                condition=Q(headcount__gt=0)
                & Q(online_hours__gte=0)
                & Q(offline_hours__gte=0)
                & (Q(online_hours__gt=0) | Q(offline_hours__gt=0)),
                name="training_plan_line_quantified",
                violation_error_message=_(
                    "Give the headcount and the hours (online or offline, at least one more"
                    " than zero)."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} · {self.trainee_type} × {self.headcount}"


class PromotionPlanLine(PackageChild):
    """One row of the promotion plan (宣传项目实施计划表, HB §13 (二) 1)."""

    package = models.ForeignKey(
        PrestartPackage, on_delete=models.CASCADE, related_name="promotion_lines"
    )
    requirement = models.ForeignKey(
        "procurement.RequirementItem",
        verbose_name=_("procured requirement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    what = models.CharField(_("works, material or items"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    time_slot = models.CharField(_("time slot"), max_length=60, blank=True)
    duration = models.CharField(_("duration"), max_length=60, blank=True)
    frequency = models.CharField(_("frequency or sessions"), max_length=100)
    audience = models.CharField(_("audience"), max_length=200)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("promotion plan row")
        verbose_name_plural = _("promotion plan rows")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="promotion_plan_line_ends_after_start",
                violation_error_message=_("The end date must not be before the start date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.what} · {self.starts_on}"


class StaffRole(models.TextChoices):
    MANAGER = "manager", _("Project manager")
    TEACHER = "teacher", _("Teacher")


class StaffMember(PackageChild):
    """项目管理人员、师资 — with the qualification and its certificate (HB §13 (一) 4)."""

    package = models.ForeignKey(PrestartPackage, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(_("role"), max_length=10, choices=StaffRole.choices)
    name = models.CharField(_("name"), max_length=60)
    position = models.CharField(_("position or subject"), max_length=100)
    qualification = models.CharField(_("title or qualification"), max_length=200)
    certificate = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["role", "name", "pk"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


# --- promotion records (HB §14 (二)) --------------------------------------------------------


class PromotionKind(models.TextChoices):
    DISTRIBUTION = "distribution", _("Distribution of materials or items")
    BROADCAST = "broadcast", _("Broadcast or publication")
    SESSION = "session", _("On-site promotion session")


class PromotionRecord(ProjectOwnedModel):
    """投放（刊播、发放）记录 — what was handed out, broadcast or held, where, when, how much and
    to whom, with its proofs and feedback. Kept as recorded: a correction is a new record."""

    jurisdiction_lookup = PROJECT_JURISDICTION
    project_lookup = "project"
    organisation_lookup = "organisation"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="promotion_records"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=15, choices=PromotionKind.choices)
    activity = models.ForeignKey(
        "procurement.PromotionActivity",
        verbose_name=_("procured on-site activity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    placement = models.ForeignKey(
        "procurement.MediaPlacement",
        verbose_name=_("procured media placement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    what = models.CharField(_("what"), max_length=200)
    place = models.CharField(_("where"), max_length=200)
    occurred_on = models.DateField(_("when"))
    quantity = models.PositiveIntegerField(
        _("quantity"), help_text=_("Items handed out, broadcasts aired, or sessions held.")
    )
    audience = models.CharField(_("audience"), max_length=200)
    audience_count = models.PositiveIntegerField(_("people reached"), null=True, blank=True)
    channel = models.CharField(_("media or channel"), max_length=200, blank=True)
    time_slot = models.CharField(_("time slot"), max_length=60, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("promotion record")
        verbose_name_plural = _("promotion records")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="promotion_record_quantity",
                violation_error_message=_("The quantity must be more than zero."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="broadcast")
                | (~Q(channel="") & ~Q(time_slot="") & Q(duration_seconds__gt=0)),
                name="broadcast_has_channel_slot_duration",
                violation_error_message=_("A broadcast needs its channel, time slot and duration."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.what} · {self.occurred_on}"


class ProofKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    BROADCAST_PROOF = "broadcast_proof", _("Broadcast proof")
    FEEDBACK = "feedback", _("Feedback")


class MediaStatus(models.TextChoices):
    PENDING = "pending", _("Not read yet")
    READ = "read", _("Read")
    UNREADABLE = "unreadable", _("Unreadable")
    NOT_MEDIA = "not_media", _("Not a picture, video or audio file")


class PromotionProof(OwnedModel):
    """A proof of a promotion record. A picture, video or audio file is read by the platform
    after the upload (`apps.implementation.proofs`): resolution, frame rate, colour, audio and
    duration as the file holds them, for the supervision reports (HB §19)."""

    jurisdiction_lookup = "record__project__jurisdiction"
    project_lookup = "record__project"

    record = models.ForeignKey(PromotionRecord, on_delete=models.PROTECT, related_name="proofs")
    kind = models.CharField(_("kind"), max_length=20, choices=ProofKind.choices)
    evidence = models.ForeignKey(
        "evidence.EvidenceFile", on_delete=models.PROTECT, related_name="+"
    )
    media_status = models.CharField(
        _("technical data"),
        max_length=12,
        choices=MediaStatus.choices,
        default=MediaStatus.PENDING,
    )
    media = models.JSONField(_("technical data read from the file"), default=dict, blank=True)
    media_reason = models.CharField(_("why it could not be read"), max_length=300, blank=True)
    media_read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["record", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.record} · {self.get_kind_display()}"


# --- monthly progress and funds (HB §14 (三)) -----------------------------------------------


class ReportStatus(models.TextChoices):
    DUE = "due", _("Not yet reported")
    SUBMITTED = "submitted", _("Reported")


class MonthlyReport(ProjectOwnedModel):
    """月度项目进度 — one month of the project's schedule; the subject of that month's
    deadline. The figures are taken from the platform's records when it is submitted."""

    jurisdiction_lookup = PROJECT_JURISDICTION
    project_lookup = "project"
    organisation_lookup = "organisation"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="monthly_reports"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DUE
    )
    progress = models.TextField(_("progress"), blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    deadlines = GenericRelation(
        "deadlines.Deadline", content_type_field="subject_type", object_id_field="subject_id"
    )

    class Meta:
        ordering = ["project", "-month"]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "month"],
                name="one_report_per_month",
                violation_error_message=_("There is already a report for this month."),
            ),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="report_month_first_day",
                violation_error_message=_("The report month is given by its first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} · {self.month:%Y-%m}"


class FundsDirection(models.TextChoices):
    RECEIVED = "received", _("Received")
    SPENT = "spent", _("Spent")


class FundsEntry(ProjectOwnedModel):
    """资金到账及使用 — one receipt or one spending with its voucher. Kept as recorded: a
    correction is a new entry."""

    jurisdiction_lookup = PROJECT_JURISDICTION
    project_lookup = "project"
    organisation_lookup = "organisation"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="funds_entries"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    direction = models.CharField(
        _("received or spent"), max_length=10, choices=FundsDirection.choices
    )
    entry_date = models.DateField(_("date"))
    item = models.CharField(_("item"), max_length=200)
    amount = MoneyField(_("amount (yuan)"))
    voucher = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name=_("voucher"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-entry_date", "-pk"]
        verbose_name = _("funds entry")
        verbose_name_plural = _("funds entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funds_entry_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.amount} · {self.item}"
