"""Supervision by the evaluation agency (监督评估, HB §17–20).

- `SupervisionPlan` — the agency's 《监督评估实施方案》 for one project (HB §18: written from the
  project's procurement files, service agreement and implementation plan, so one per project),
  reviewed by the office of the project's level and kept on the platform.
- `Inspection` — one act of supervision (HB §18 ¶2): a regular on-site inspection, a meeting, a
  questionnaire, a phone follow-up or a check of the platform's data; the evaluators present
  each confirm on their own account (`InspectionPresence`; on-site at least two, HB §18 ¶3);
  photos and videos taken through the platform (`InspectionMedia`) keep the original's hash and
  carry the watermark.
- `PeriodicReport` — the agency's periodic supervision-evaluation report (HB §20) with the
  platform's own figures frozen into it at submission and the evaluator's sections (HB §19).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.ownership import OwnedModel, ProjectOwnedModel

PROJECT_JURISDICTION = "project__jurisdiction"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted; awaiting the office's review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")


class SupervisionPlan(ProjectOwnedModel):
    """监督评估实施方案 (HB §18) of one project, by its evaluation agency."""

    jurisdiction_lookup = PROJECT_JURISDICTION
    project_lookup = "project"
    organisation_lookup = "organisation"

    project = models.OneToOneField(
        "projects.Project", on_delete=models.PROTECT, related_name="supervision_plan"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("evaluation agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    summary = models.TextField(_("methods, schedule and staffing"))
    document = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name=_("supervision-evaluation plan (监督评估实施方案)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("last changed at"))
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("office's note"), blank=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("supervision-evaluation plan")
        verbose_name_plural = _("supervision-evaluation plans")

    def __str__(self) -> str:
        return f"{self.project.code} · 监督评估实施方案"


class InspectionKind(models.TextChoices):
    ONSITE = "onsite", _("Regular on-site inspection")
    MEETING = "meeting", _("Meeting (座谈)")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    PHONE = "phone", _("Phone follow-up")
    PLATFORM = "platform", _("Check of the platform's data")


#: Evaluators who must confirm their presence before the record counts (HB §18: 现场勘查至少2名
#: 评估人员参加); the other means are one evaluator's record.
REQUIRED_EVALUATORS = {InspectionKind.ONSITE: 2}


class InspectionStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded; awaiting the evaluators' confirmations")
    CONFIRMED = "confirmed", _("Confirmed")


def percent(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


class Inspection(ProjectOwnedModel):
    """One act of supervision of a project (HB §18 ¶2)."""

    jurisdiction_lookup = PROJECT_JURISDICTION
    project_lookup = "project"
    organisation_lookup = "organisation"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="inspections"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("evaluation agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=15, choices=InspectionKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InspectionStatus.choices,
        default=InspectionStatus.RECORDED,
    )
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    summary = models.TextField(_("what was inspected and found"))
    # Questionnaire (HB §19 (一) 4, (二) 4): counts, the rates are computed.
    respondents = models.PositiveIntegerField(_("questionnaires returned"), null=True, blank=True)
    aware = models.PositiveIntegerField(_("of which aware"), null=True, blank=True)
    satisfied = models.PositiveIntegerField(_("of which satisfied"), null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            models.CheckConstraint(
                condition=Q(aware__isnull=True)
                | Q(respondents__isnull=False, aware__lte=models.F("respondents")),
                name="inspection_aware_within_respondents",
                violation_error_message=_("Those aware cannot be more than those who answered."),
            ),
            models.CheckConstraint(
                condition=Q(satisfied__isnull=True)
                | Q(respondents__isnull=False, satisfied__lte=models.F("respondents")),
                name="inspection_satisfied_within_respondents",
                violation_error_message=_(
                    "Those satisfied cannot be more than those who answered."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} · {self.get_kind_display()} · {self.held_on}"

    @property
    def required_evaluators(self) -> int:
        return REQUIRED_EVALUATORS.get(self.kind, 1)

    @property
    def awareness_rate(self) -> Decimal | None:
        return percent(self.aware or 0, self.respondents) if self.aware is not None else None

    @property
    def satisfaction_rate(self) -> Decimal | None:
        if self.satisfied is None:
            return None
        return percent(self.satisfied, self.respondents)


class InspectionChild(OwnedModel):
    jurisdiction_lookup = "inspection__project__jurisdiction"
    project_lookup = "inspection__project"

    class Meta:
        abstract = True


class InspectionPresence(InspectionChild):
    """An evaluator's own confirmation that he or she took part (HB §18 ¶3)."""

    person_lookup = "evaluator"

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="presences")
    evaluator = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"))
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["confirmed_at", "pk"]
        verbose_name = _("evaluator's presence")
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "evaluator"],
                name="one_presence_per_evaluator",
                violation_error_message=_("This evaluator is already recorded at this inspection."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspection} · {self.evaluator}"


class MediaKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")


class InspectionMedia(InspectionChild):
    """A photo or video taken through the platform during an inspection (HB §18 ¶3: 水印设备).
    The original is kept with its SHA-256; a photo gets a watermarked copy, a video keeps the
    watermark's data here beside the original (see services.media_watermark)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="media")
    kind = models.CharField(_("kind"), max_length=5, choices=MediaKind.choices)
    original = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name=_("original"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    original_sha256 = models.CharField(_("SHA-256 of the original"), max_length=64)
    watermarked = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name=_("watermarked copy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    taken_at = models.DateTimeField(_("received at (server time)"))
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    verification_code = models.CharField(_("verification code"), max_length=16)
    watermark = models.JSONField(_("watermark"), default=dict)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["taken_at", "pk"]
        verbose_name = _("inspection photo or video")
        verbose_name_plural = _("inspection photos and videos")

    def __str__(self) -> str:
        return f"{self.inspection} · {self.get_kind_display()} · {self.verification_code}"


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted; awaiting the office's review")
    REVIEWED = "reviewed", _("Reviewed")
    RETURNED = "returned", _("Returned for revision")


class PeriodicReport(ProjectOwnedModel):
    """监督评估报告 (HB §20): one period of one project."""

    jurisdiction_lookup = PROJECT_JURISDICTION
    project_lookup = "project"
    organisation_lookup = "organisation"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="supervision_reports"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("evaluation agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    figures = models.JSONField(_("the platform's figures"), default=dict)
    sections = models.JSONField(_("the evaluator's sections"), default=dict)
    conclusion = models.TextField(_("conclusion"))
    document = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name=_("signed report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))
    reviewed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("office's note"), blank=True)

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("supervision-evaluation report")
        verbose_name_plural = _("supervision-evaluation reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="report_period_in_order",
                violation_error_message=_(
                    "The report's period must end on or after the day it starts."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.code} · 监督评估报告 · {self.period_start}–{self.period_end}"
