"""Offline training as it happens (HB §12–14, §22; SPEC §3 step 10, §5, §6).

A project's classes (`TrainingClass`) have scheduled sessions (`Session`) at a venue with
coordinates and a radius, and a roster of trainees (`Trainee`, identity data encrypted, looked
up by a keyed blind index). Face data lives apart from identity data (PIPL art. 28–29):
consent (`FaceConsent`), templates (`FaceTemplate`, encrypted vector) and photos (`FaceImage`,
encrypted bytes in the storage), each with its deletion time. Check-in and check-out are
`AttendanceRecord` rows — written once, with server time only, never changed (a database
trigger refuses UPDATE and DELETE). The non-face way in is a `PresenceConfirmation` by the
agency's staff that the office approves.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.core.crypto import EncryptedTextField
from apps.core.ownership import OwnedModel, ProjectOwnedModel

PROJECT_JURISDICTION = "project__jurisdiction"


class CoordinateSystem(models.TextChoices):
    WGS84 = "wgs84", _("WGS-84 (GPS)")
    GCJ02 = "gcj02", _("GCJ-02 (China maps, WeChat)")


class TrainingClass(ProjectOwnedModel):
    """培训班 — one class of a project, for one kind of trainee of the syllabus."""

    jurisdiction_lookup = PROJECT_JURISDICTION
    project_lookup = "project"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="training_classes"
    )
    name = models.CharField(_("class name"), max_length=200)
    syllabus_line = models.ForeignKey(
        "procurement.SyllabusLine",
        verbose_name=_("syllabus line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("The procured syllabus line (trainees, online and offline hours)."),
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "name", "pk"]
        verbose_name = _("training class")
        verbose_name_plural = _("training classes")

    def __str__(self) -> str:
        return self.name


class Session(ProjectOwnedModel):
    """课次 — one scheduled session of a class at a venue."""

    jurisdiction_lookup = "training_class__project__jurisdiction"
    project_lookup = "training_class__project"

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.PROTECT, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=200)
    teacher = models.CharField(_("teacher"), max_length=100)
    starts_at = models.DateTimeField(_("scheduled start"))
    ends_at = models.DateTimeField(_("scheduled end"))
    venue_address = models.CharField(_("venue address"), max_length=300)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    coordinate_system = models.CharField(
        _("coordinate system"),
        max_length=5,
        choices=CoordinateSystem.choices,
        default=CoordinateSystem.GCJ02,
    )
    radius_m = models.PositiveIntegerField(_("radius (metres)"))

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("The session must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="session_coordinates_valid",
                violation_error_message=_(
                    "The coordinates are out of range (latitude -90 to 90, longitude -180 to 180)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(radius_m__gt=0),
                name="session_radius_positive",
                violation_error_message=_("The check-in radius must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d %H:%M})"

    @property
    def project(self):
        return self.training_class.project


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Trainee(ProjectOwnedModel):
    """学员 — one person on a project's roster (counted once per project)."""

    jurisdiction_lookup = PROJECT_JURISDICTION
    project_lookup = "project"

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="+")
    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.PROTECT, related_name="trainees"
    )
    name = models.CharField(_("name"), max_length=60)
    resident_id = EncryptedTextField(_("resident ID number"))
    resident_id_index = models.CharField(max_length=64, db_index=True, editable=False)
    # From the ID number (GB 11643): what the roster said is compared with these.
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    phone = EncryptedTextField(_("mobile number"), blank=True)
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    employer_credit_code = models.CharField(_("employer credit code"), max_length=18, blank=True)
    post = models.CharField(_("post or trade"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(_("budget year"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["training_class", "name", "pk"]
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "resident_id_index"],
                name="trainee_once_per_project",
                violation_error_message=_("This trainee is already on the project's roster."),
            )
        ]
        indexes = [models.Index(fields=["year", "resident_id_index"])]

    def __str__(self) -> str:
        return self.name

    @property
    def resident_id_masked(self) -> str:
        from apps.core.validators import mask_resident_id

        return mask_resident_id(self.resident_id)

    @property
    def phone_masked(self) -> str:
        from apps.core.validators import mask_mobile

        return mask_mobile(self.phone) if self.phone else ""


class RosterImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Previewed")
    CONFIRMED = "confirmed", _("Confirmed")
    DISCARDED = "discarded", _("Discarded")


class RosterImport(ProjectOwnedModel):
    """名单导入 — an uploaded roster between its preview and its confirmation; the parsed rows
    are kept encrypted (they hold ID numbers) and checked again on confirmation."""

    jurisdiction_lookup = "training_class__project__jurisdiction"
    project_lookup = "training_class__project"

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.PROTECT, related_name="roster_imports"
    )
    file_name = models.CharField(max_length=200)
    rows = EncryptedTextField()  # JSON list of row dicts
    status = models.CharField(
        max_length=10, choices=RosterImportStatus.choices, default=RosterImportStatus.PREVIEW
    )
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name


class FaceImpactAssessment(ProjectOwnedModel):
    """个人信息保护影响评估 (PIPL art. 55–56) — before any face data of the project is
    processed: purpose, necessity, risks, protective measures, retention."""

    jurisdiction_lookup = PROJECT_JURISDICTION
    project_lookup = "project"

    project = models.OneToOneField(
        "projects.Project", on_delete=models.PROTECT, related_name="face_impact_assessment"
    )
    purpose = models.TextField(_("purpose and method of processing"))
    necessity = models.TextField(_("necessity and proportionality"))
    risks = models.TextField(_("risks to the trainees' rights"))
    measures = models.TextField(_("protective measures"))
    alternative = models.TextField(
        _("alternative without face recognition"),
        help_text=_("How a trainee who refuses face recognition is checked in instead."),
    )
    assessed_on = models.DateField(_("assessed on"))
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("personal-information impact assessment")

    def __str__(self) -> str:
        return f"PIA {self.project_id}"


class FaceConsent(OwnedModel):
    """单独同意 (PIPL art. 29) to face recognition, recorded before enrolment."""

    jurisdiction_lookup = "trainee__project__jurisdiction"
    project_lookup = "trainee__project"

    trainee = models.OneToOneField(Trainee, on_delete=models.PROTECT, related_name="face_consent")
    notice_version = models.CharField(_("notice version"), max_length=40)
    given_at = models.DateTimeField()
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"consent {self.trainee_id}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class FaceImageKind(models.TextChoices):
    ENROLMENT = "enrolment", _("Enrolment photo")
    CHECK = "check", _("Check-in photo")


class FaceImage(ProjectOwnedModel):
    """A face photo in the separate face store: the bytes are encrypted (Fernet, the field
    keys) in the evidence storage under faces/; this row keeps the hashes for the reuse check
    and the deletion time. Deleted after the retention period (`training_face_data_purge`):
    the object is removed and the row keeps only that it existed."""

    jurisdiction_lookup = PROJECT_JURISDICTION
    project_lookup = "project"

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="+")
    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="face_images")
    kind = models.CharField(max_length=10, choices=FaceImageKind.choices)
    storage_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    phash = models.CharField(max_length=16, db_index=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class FaceTemplate(OwnedModel):
    """The trainee's enrolled face template — apart from the identity data, encrypted."""

    jurisdiction_lookup = "trainee__project__jurisdiction"
    project_lookup = "trainee__project"

    trainee = models.OneToOneField(Trainee, on_delete=models.PROTECT, related_name="face_template")
    image = models.ForeignKey(FaceImage, on_delete=models.PROTECT, related_name="+")
    model_name = models.CharField(max_length=40)
    vector = EncryptedTextField()  # JSON list of floats; "" once deleted
    created_at = models.DateTimeField()
    deleted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"template {self.trainee_id}"


class AttendanceKind(models.TextChoices):
    CHECK_IN = "in", _("Check-in")
    CHECK_OUT = "out", _("Check-out")


class AttendanceMethod(models.TextChoices):
    FACE = "face", _("Face check")
    CONFIRMED = "confirmed", _("Confirmed by staff, approved by the office")


class AttendanceRecord(ProjectOwnedModel):
    """签到 / 签退 — written once with the server's time; never updated or deleted (a trigger
    in the database refuses both, see `apps.training.signals`)."""

    jurisdiction_lookup = "session__training_class__project__jurisdiction"
    project_lookup = "session__training_class__project"

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendance")
    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="attendance")
    kind = models.CharField(max_length=3, choices=AttendanceKind.choices)
    method = models.CharField(max_length=10, choices=AttendanceMethod.choices)
    recorded_at = models.DateTimeField(db_index=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    coordinate_system = models.CharField(max_length=5, choices=CoordinateSystem.choices)
    accuracy_m = models.FloatField(null=True, blank=True)
    distance_m = models.FloatField(null=True, blank=True)
    within_radius = models.BooleanField()
    within_window = models.BooleanField()
    photo = models.ForeignKey(
        FaceImage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    face_model = models.CharField(max_length=40, blank=True)
    face_distance = models.FloatField(null=True, blank=True)
    face_match = models.BooleanField(null=True)
    confirmation = models.OneToOneField(
        "PresenceConfirmation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="record",
    )

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        constraints = [
            models.CheckConstraint(
                condition=Q(method="face", photo__isnull=False, confirmation__isnull=True)
                | Q(method="confirmed", confirmation__isnull=False),
                name="attendance_face_has_photo_confirmed_has_approval",
                violation_error_message=_(
                    "A face check-in keeps its photo; a staff confirmation keeps its approval."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.trainee} · {self.session}"

    @property
    def passed_checks(self) -> bool:
        face_ok = self.method == AttendanceMethod.CONFIRMED or bool(self.face_match)
        return face_ok and self.within_radius and self.within_window

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Attendance records are immutable once written.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Attendance records are immutable once written.")


class ConfirmationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the office")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class PresenceConfirmation(ProjectOwnedModel):
    """人工确认 — the agency's staff confirm a trainee's presence without face recognition
    (a trainee who refuses it, PIPL art. 29 and the 2025 face-recognition rules); the office
    of the project's level approves or rejects it."""

    jurisdiction_lookup = "session__training_class__project__jurisdiction"
    project_lookup = "session__training_class__project"
    # The agency whose staff asked: its users are told when the office approves or rejects.
    organisation_lookup = "requested_by__organisation"

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="confirmations")
    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="confirmations")
    kind = models.CharField(max_length=3, choices=AttendanceKind.choices)
    reason = models.TextField(_("reason"))
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    coordinate_system = models.CharField(max_length=5, choices=CoordinateSystem.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ConfirmationStatus.choices,
        default=ConfirmationStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.trainee} · {self.session}"


class ExamResult(ProjectOwnedModel):
    """考试成绩 — one trainee's result (the last one counts for the pass rate)."""

    jurisdiction_lookup = "trainee__project__jurisdiction"
    project_lookup = "trainee__project"

    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="exam_results")
    taken_on = models.DateField(_("exam date"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    passed = models.BooleanField(_("passed"))
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-taken_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100),
                name="exam_score_0_100",
                violation_error_message=_("The score must be between 0 and 100."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.trainee} {self.score}"


def default_radius() -> int:
    return settings.WIPP_TRAINING_DEFAULT_RADIUS_M


# Recordings of sessions (issue 14 item 8) live in their own module.
from .recordings_models import Recording, RecordingUpload, StartSource  # noqa: E402, F401
