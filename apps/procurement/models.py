"""Procurement, award and implementation plan (HB §9–11); the service agreement and the
payments under it are in apps.contracts.

A procurement (采购) is run by the social-insurance administrative department of the level
(role hrss) for one project, or for a lot (标段) grouping projects of one jurisdiction and year
by type or industry. Every requirement item is quantified and carries its acceptance criterion
(HB §9), so that later stages can trace requirement → criterion → evidence → verdict.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.core.money import MoneyField
from apps.core.ownership import OwnedModel, ProjectOwnedModel, participant_projects_q
from apps.core.scoping import Scope


class LotBasis(models.TextChoices):
    PROJECT_TYPE = "project_type", _("By project type")
    INDUSTRY = "industry", _("By industry")


class ProcurementLot(ProjectOwnedModel):
    """标段 — projects of one jurisdiction and year procured together (by type or industry)."""

    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", verbose_name=_("jurisdiction"), on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField(_("budget year"))
    name = models.CharField(_("lot name"), max_length=200)
    basis = models.CharField(_("grouped"), max_length=20, choices=LotBasis.choices)
    projects = models.ManyToManyField(
        "projects.Project", verbose_name=_("projects"), related_name="procurement_lots"
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("procurement lot")
        verbose_name_plural = _("procurement lots")

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @classmethod
    def external_filter(cls, scope: Scope) -> Q | None:
        if not (scope.participant and scope.cleared):
            return None
        return participant_projects_q("projects", scope)


class ProcurementMethod(models.TextChoices):
    PUBLIC_TENDER = "public_tender", _("Public tender")
    COMPETITIVE_NEGOTIATION = "competitive_negotiation", _("Competitive negotiation")
    COMPETITIVE_CONSULTATION = "competitive_consultation", _("Competitive consultation")
    SINGLE_SOURCE = "single_source", _("Single source")
    INQUIRY = "inquiry", _("Inquiry")


class ProcurementCategory(models.TextChoices):
    """What is procured decides which structured rows it carries (HB §9)."""

    TRAINING = "training", _("Training")
    ONSITE_PROMOTION = "onsite_promotion", _("On-site promotion")
    MEDIA_PROMOTION = "media_promotion", _("Media promotion")
    OTHER_PROMOTION = "other_promotion", _("Other promotion")
    EVALUATION = "evaluation", _("Evaluation agency")


class ProcurementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    AWARDED = "awarded", _("Awarded")
    FILED = "filed", _("Filed")
    CANCELLED = "cancelled", _("Cancelled")


class SyllabusSource(models.TextChoices):
    NATIONAL = "national", _("National syllabus (referenced)")
    PROVINCIAL = "provincial", _("Provincial syllabus (referenced)")
    CITY = "city", _("Syllabus written by the city office")


class ProcurementOwned(ProjectOwnedModel):
    """Rows of a procurement of a project or of a lot: participants see them through the
    project, or the lot's projects, they take part in (HB §25)."""

    project_lookup = "project"

    class Meta:
        abstract = True

    @classmethod
    def external_filter(cls, scope: Scope) -> Q | None:
        if not (scope.participant and scope.cleared):
            return None
        lots = ProcurementLot.unscoped.filter(participant_projects_q("projects", scope))
        return participant_projects_q("project", scope) | Q(lot_id__in=lots.values("pk"))


class Procurement(ProcurementOwned):
    """采购 — one procurement of a project or of a lot (HB §9)."""

    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="procurements",
    )
    year = models.PositiveSmallIntegerField(_("budget year"))
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procurements",
    )
    lot = models.ForeignKey(
        ProcurementLot,
        verbose_name=_("lot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procurements",
    )
    reference = models.CharField(_("procurement number"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=200)
    method = models.CharField(_("method"), max_length=30, choices=ProcurementMethod.choices)
    category = models.CharField(_("category"), max_length=20, choices=ProcurementCategory.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ProcurementStatus.choices,
        default=ProcurementStatus.DRAFT,
    )
    procuring_authority = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("procuring authority"),
        on_delete=models.PROTECT,
        related_name="procurements_run",
    )
    budget_amount = MoneyField(_("budget (yuan)"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    bid_opening_on = models.DateField(_("bid opening on"), null=True, blank=True)
    syllabus_source = models.CharField(
        _("syllabus source"), max_length=12, choices=SyllabusSource.choices, blank=True
    )
    syllabus_reference = models.CharField(
        _("syllabus"),
        max_length=200,
        blank=True,
        help_text=_("The national or provincial syllabus referenced, or the city's own."),
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-created_at", "-pk"]
        verbose_name = _("procurement")
        verbose_name_plural = _("procurements")
        constraints = [
            models.CheckConstraint(
                condition=(Q(project__isnull=False) & Q(lot__isnull=True))
                | (Q(project__isnull=True) & Q(lot__isnull=False)),
                name="procurement_of_project_or_lot",
                violation_error_message=_(
                    "A procurement is of one project or of one lot, not both."
                ),
            ),
            models.CheckConstraint(
                condition=Q(budget_amount__isnull=True) | Q(budget_amount__gte=0),
                name="procurement_budget_not_negative",
                violation_error_message=_("The procurement budget cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(bid_opening_on__isnull=True)
                | Q(published_on__isnull=True)
                | Q(bid_opening_on__gte=F("published_on")),
                name="procurement_bid_opening_after_publication",
                violation_error_message=_("The bid opening must not be before the publication."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def covered_projects(self) -> list:
        """The project, or the lot's projects."""
        if self.project_id:
            return [self.project]
        return list(self.lot.projects.all())


class RequirementItem(OwnedModel):
    """采购需求 — one quantified requirement with its executable acceptance criterion."""

    jurisdiction_lookup = "procurement__jurisdiction"
    project_lookup = "procurement__project"

    procurement = models.ForeignKey(
        Procurement, on_delete=models.CASCADE, related_name="requirements"
    )
    number = models.PositiveSmallIntegerField(_("no."))
    name = models.CharField(_("requirement"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20)
    specification = models.TextField(_("specification"), blank=True)
    acceptance_criterion = models.TextField(_("acceptance criterion"))

    class Meta:
        ordering = ["procurement", "number"]
        verbose_name = _("requirement item")
        verbose_name_plural = _("requirement items")
        constraints = [
            models.CheckConstraint(
                condition=~Q(acceptance_criterion=""),
                name="requirement_has_acceptance_criterion",
                violation_error_message=_("Each requirement needs its acceptance criterion."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="requirement_quantity_positive",
                violation_error_message=_("The quantity must be more than zero."),
            ),
            models.CheckConstraint(
                condition=~Q(unit=""),
                name="requirement_has_unit",
                violation_error_message=_("Give the unit of the quantity."),
            ),
            models.UniqueConstraint(
                fields=["procurement", "number"],
                name="requirement_number",
                violation_error_message=_(
                    "This procurement already has a requirement with this number."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class RequirementDetail(OwnedModel):
    """A structured row of one requirement (syllabus, promotion, media): audited with the
    requirement it details."""

    jurisdiction_lookup = "requirement__procurement__jurisdiction"
    project_lookup = "requirement__procurement__project"

    class Meta:
        abstract = True


class SyllabusLine(RequirementDetail):
    """培训大纲 — per trainee type: content and online/offline hours (HB §9 training)."""

    requirement = models.ForeignKey(
        RequirementItem, on_delete=models.CASCADE, related_name="syllabus_lines"
    )
    trainee_type = models.CharField(_("trainees"), max_length=100)
    content = models.TextField(_("content"))
    online_hours = models.DecimalField(_("online hours"), max_digits=6, decimal_places=1)
    offline_hours = models.DecimalField(_("offline hours"), max_digits=6, decimal_places=1)

    class Meta:
        ordering = ["requirement", "pk"]
        verbose_name = _("syllabus line")
        verbose_name_plural = _("syllabus lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(online_hours__gte=0) & Q(offline_hours__gte=0),
                name="syllabus_hours_not_negative",
                violation_error_message=_("Hours cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(online_hours__gt=0) | Q(offline_hours__gt=0),
                name="syllabus_has_hours",
                violation_error_message=_(
                    "Give online or offline hours (at least one more than zero)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainee_type}: {self.online_hours}+{self.offline_hours}"


class PromotionActivity(RequirementDetail):
    """现场宣传 — content, form and sessions, with the items handed out (HB §9 promotion 1)."""

    requirement = models.ForeignKey(
        RequirementItem, on_delete=models.CASCADE, related_name="promotion_activities"
    )
    content = models.TextField(_("content"))
    form = models.CharField(_("form"), max_length=100)
    sessions = models.PositiveIntegerField(_("sessions"))
    item_name = models.CharField(_("items handed out"), max_length=100, blank=True)
    item_quantity = models.PositiveIntegerField(_("item quantity"), null=True, blank=True)
    item_specification = models.CharField(
        _("item specification, quality and performance"), max_length=300, blank=True
    )

    class Meta:
        ordering = ["requirement", "pk"]
        verbose_name = _("on-site promotion activity")
        verbose_name_plural = _("on-site promotion activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions__gt=0),
                name="promotion_has_sessions",
                violation_error_message=_("The number of sessions must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(item_name="") | (Q(item_quantity__gt=0) & ~Q(item_specification="")),
                name="promotion_item_quantified",
                violation_error_message=_("An item needs its quantity and its specification."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form} × {self.sessions}"


class MediaPlacement(RequirementDetail):
    """宣传媒介 — works, media, duration, time slot, frequency, effect (HB §9 promotion 2)."""

    requirement = models.ForeignKey(
        RequirementItem, on_delete=models.CASCADE, related_name="media_placements"
    )
    content = models.TextField(_("content"))
    technical_specs = models.CharField(_("technical specifications of the works"), max_length=300)
    media = models.CharField(_("media and specification"), max_length=200)
    duration = models.CharField(_("duration"), max_length=60)
    time_slot = models.CharField(_("time slot"), max_length=60)
    frequency = models.CharField(_("frequency"), max_length=60)
    expected_effect = models.CharField(_("expected effect"), max_length=300)

    class Meta:
        ordering = ["requirement", "pk"]
        verbose_name = _("media placement")
        verbose_name_plural = _("media placements")

    def __str__(self) -> str:
        return f"{self.media} · {self.frequency}"


class DocumentKind(models.TextChoices):
    TENDER_DOCUMENTS = "tender_documents", _("Tender documents")
    BID_RECEIVED = "bid_received", _("Bid received")
    WINNING_BID = "winning_bid", _("Winning bid")
    AWARD_NOTICE = "award_notice", _("Award notice")
    SERVICE_AGREEMENT = "service_agreement", _("Service agreement")
    IMPLEMENTATION_PLAN = "implementation_plan", _("Implementation plan")
    PAYMENT_VOUCHER = "payment_voucher", _("Payment voucher")


class ProcurementDocument(OwnedModel):
    """A typed document of the procurement, stored in the evidence store."""

    jurisdiction_lookup = "procurement__jurisdiction"
    project_lookup = "procurement__project"

    procurement = models.ForeignKey(Procurement, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("document"), max_length=30, choices=DocumentKind.choices)
    evidence = models.ForeignKey(
        "evidence.EvidenceFile", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["procurement", "kind", "pk"]
        verbose_name = _("procurement document")
        verbose_name_plural = _("procurement documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.evidence}"


class Award(ProcurementOwned):
    """中标 — the winner, the amount, the award notice; its qualification check (HB §10)."""

    organisation_lookup = "winner"

    procurement = models.OneToOneField(Procurement, on_delete=models.PROTECT, related_name="award")
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lot = models.ForeignKey(
        ProcurementLot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    winner = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("winning organisation"),
        on_delete=models.PROTECT,
        related_name="awards",
    )
    amount = MoneyField(_("winning-bid amount (yuan)"))
    notice_date = models.DateField(_("award notice date"))
    notice_document = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name=_("award notice"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The winner's qualification check (HB §10), kept as the qualifications app recorded it.
    # HB §10 sets conditions for offline training, online platforms and evaluation agencies;
    # a promotion agency has none beyond the Implementing Rules, so nothing is checked then.
    qualification_record_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    qualification_record_id = models.PositiveBigIntegerField(null=True, blank=True)
    qualification_record = GenericForeignKey("qualification_record_type", "qualification_record_id")
    agency_type = models.CharField(_("agency type checked"), max_length=30, blank=True)
    awarded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="award_amount_positive",
                violation_error_message=_("The award amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(agency_type="") | Q(qualification_record_id__isnull=False),
                name="award_keeps_qualification_record",
                violation_error_message=_(
                    "An award to an agency keeps the record of its qualification check."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procurement} · {self.winner}"


class PlanStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class ImplementationPlan(OwnedModel):
    """实施方案 — submitted by the winning agency, reviewed by the office in 5 working days."""

    jurisdiction_lookup = "award__jurisdiction"
    project_lookup = "award__project"
    organisation_lookup = "award__winner"

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="plans")
    version = models.PositiveSmallIntegerField(_("version"))
    document = models.ForeignKey(
        "evidence.EvidenceFile", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.SUBMITTED
    )
    reviewed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        ordering = ["award", "-version"]
        verbose_name = _("implementation plan")
        verbose_name_plural = _("implementation plans")
        constraints = [
            models.UniqueConstraint(
                fields=["award", "version"],
                name="plan_version_unique",
                violation_error_message=_("This version of the plan already exists."),
            ),
            models.UniqueConstraint(
                fields=["award"],
                condition=Q(status="approved"),
                name="one_approved_plan",
                violation_error_message=_("Another plan of this award is already approved."),
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(review_note=""),
                name="returned_plan_has_reasons",
                violation_error_message=_("Give the reasons for returning the plan."),
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(reviewed_on__isnull=False),
                name="reviewed_plan_has_date",
                violation_error_message=_("A reviewed plan needs the date of its review."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award.procurement} · v{self.version}"
