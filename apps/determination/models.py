"""项目确定、备案、年度安排、调整 — determination and filing (HB §6), budget years (HB §8),
the province's annual arrangement and its adjustments (HB §7).

The chain of one call, each step by its own role (see `workflow.py`):

    city office drafts the proposal (a frozen snapshot of the review's proposed list)
    → city office records the joint meeting of the member units (decision per project)
    → city office submits it to the HRSS department of the same city
    → HRSS approves, or returns it with reasons (the office revises: a new revision)
    → city office files the approved projects (frozen copy of the application; Project created)
    → province office compiles the annual arrangement of its cities → publishes it
    → adjustments: requested by an office, consented to by the province member unit
      concerned, then filed and published by the office; the original entry is kept.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.money import MoneyField
from apps.core.ownership import GovernmentOwnedModel, OwnedModel
from apps.core.scoping import Scope


def root_path_of(scope: Scope) -> str:
    """The province's path above a scope ("130000/130100/" → "130000/")."""
    return scope.region_path.split("/", 1)[0] + "/"


class DeterminationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposal drafted")
    MEETING_HELD = "meeting_held", _("Reviewed by the joint meeting")
    SUBMITTED = "submitted", _("Submitted for HRSS approval")
    RETURNED = "returned", _("Returned by HRSS")
    APPROVED = "approved", _("Approved by HRSS")
    FILED = "filed", _("Filed")


class Determination(GovernmentOwnedModel):
    """项目确定 — the determination chain of one call (HB §6)."""

    jurisdiction_lookup = "call__jurisdiction"

    call = models.OneToOneField(
        "calls.AnnualCall",
        on_delete=models.PROTECT,
        related_name="determination",
        verbose_name=_("call"),
    )
    review_round = models.ForeignKey(
        "review.ReviewRound", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=15,
        choices=DeterminationStatus.choices,
        default=DeterminationStatus.PROPOSED,
    )
    revision = models.PositiveSmallIntegerField(
        _("revision"),
        default=1,
        help_text=_("Raised each time a returned proposal is revised; earlier ones are kept."),
    )
    proposed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposed at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    filed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-call__year", "call__jurisdiction__path"]
        verbose_name = _("determination")
        verbose_name_plural = _("determinations")

    def __str__(self) -> str:
        return f"{self.call} · {self.get_status_display()}"

    @property
    def jurisdiction(self):
        return self.call.jurisdiction


class ProposalEntry(OwnedModel):
    """One project of the city's proposal: a frozen copy of the review result it came from,
    and the joint meeting's decision on it."""

    jurisdiction_lookup = "determination__call__jurisdiction"

    determination = models.ForeignKey(
        Determination, on_delete=models.CASCADE, related_name="entries"
    )
    revision = models.PositiveSmallIntegerField(_("revision"))
    position = models.PositiveSmallIntegerField(_("position"))
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="+"
    )
    review_result = models.ForeignKey(
        "review.ReviewResult", on_delete=models.PROTECT, related_name="+"
    )
    application_number = models.CharField(_("application number"), max_length=40)
    project_name = models.CharField(_("project name"), max_length=200)
    applicant_name = models.CharField(_("applicant"), max_length=200)
    project_type = models.CharField(_("type"), max_length=12)
    final_score = models.DecimalField(_("final score"), max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    amount = MoneyField(_("amount (yuan)"))
    meeting_agreed = models.BooleanField(_("agreed by the joint meeting"), null=True)
    meeting_reason = models.CharField(_("reason of the joint meeting"), max_length=500, blank=True)

    class Meta:
        ordering = ["determination", "revision", "position"]
        verbose_name = _("proposed project")
        verbose_name_plural = _("proposed projects")
        constraints = [
            models.UniqueConstraint(
                fields=["determination", "revision", "application"],
                name="one_entry_per_application_and_revision",
                violation_error_message=_(
                    "This application is already in this version of the proposal."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="proposal_amount_positive",
                violation_error_message=_("The proposed amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=~Q(meeting_agreed=False) | ~Q(meeting_reason=""),
                name="meeting_refusal_has_reason",
                violation_error_message=_("Give the joint meeting's reason for not agreeing."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_number} {self.project_name}"

    def save(self, *args, **kwargs):
        # Filed is final (HB §6): no code path changes or adds an entry of a filed proposal.
        if (
            Determination.unscoped.filter(pk=self.determination_id)
            .values_list("status", flat=True)
            .first()
            == DeterminationStatus.FILED
        ):
            raise ValidationError(
                _("The proposal is filed (HB §6) and locked; its entries no longer change.")
            )
        super().save(*args, **kwargs)


class JointMeeting(OwnedModel):
    """联席会议 — the member units' joint meeting that reviewed one revision of the proposal."""

    jurisdiction_lookup = "determination__call__jurisdiction"

    determination = models.ForeignKey(
        Determination, on_delete=models.CASCADE, related_name="meetings"
    )
    revision = models.PositiveSmallIntegerField(_("revision"))
    held_on = models.DateField(_("date of the meeting"))
    place = models.CharField(_("place"), max_length=200)
    minutes = models.TextField(_("minutes"))
    minutes_file = models.ForeignKey(
        "evidence.EvidenceFile",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("minutes file"),
    )
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["determination", "revision"]
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        constraints = [
            models.UniqueConstraint(
                fields=["determination", "revision"],
                name="one_meeting_per_revision",
                violation_error_message=_(
                    "This version of the proposal already has a joint meeting."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.determination.call} · {self.held_on}"


class MeetingAttendee(OwnedModel):
    """A member unit (organisation) and the person who attended for it."""

    jurisdiction_lookup = "meeting__determination__call__jurisdiction"

    meeting = models.ForeignKey(JointMeeting, on_delete=models.CASCADE, related_name="attendees")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person_name = models.CharField(_("name"), max_length=60)
    position = models.CharField(_("position"), max_length=100, blank=True)

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.person_name}"


class ApprovalOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class ApprovalDecision(OwnedModel):
    """人社部门审核确定 — the HRSS department's decision on one revision."""

    jurisdiction_lookup = "determination__call__jurisdiction"

    determination = models.ForeignKey(
        Determination, on_delete=models.CASCADE, related_name="approvals"
    )
    revision = models.PositiveSmallIntegerField(_("revision"))
    outcome = models.CharField(_("decision"), max_length=10, choices=ApprovalOutcome.choices)
    opinion = models.TextField(_("opinion or reasons"), blank=True)
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        ordering = ["determination", "decided_at"]
        verbose_name = _("HRSS decision")
        verbose_name_plural = _("HRSS decisions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="returned") | ~Q(opinion=""),
                name="return_has_reasons",
                violation_error_message=_("Give the reasons for returning the proposal."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.determination.call} · {self.get_outcome_display()}"


class FiledProject(GovernmentOwnedModel):
    """备案 — the filed copy of an approved project (HB §6): feasibility report, plan, targets
    and budget list as they stood when the office filed them. Never edited afterwards."""

    jurisdiction_lookup = "determination__call__jurisdiction"
    project_lookup = "project"

    determination = models.ForeignKey(
        Determination, on_delete=models.PROTECT, related_name="filed_projects"
    )
    entry = models.OneToOneField(ProposalEntry, on_delete=models.PROTECT, related_name="filed")
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="filed_project"
    )
    project = models.OneToOneField(
        "projects.Project", on_delete=models.PROTECT, related_name="filed_copy"
    )
    approved_amount = MoneyField(_("approved amount (yuan)"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    feasibility = models.JSONField(_("feasibility report"), default=dict)
    plan_stages = models.JSONField(_("plan stages"), default=list)
    targets = models.JSONField(_("performance targets"), default=dict)
    budget_lines = models.JSONField(_("budget list"), default=list)
    budget_split_basis = models.CharField(
        _("how the budget years were split"), max_length=500, blank=True
    )
    filed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed at"))

    class Meta:
        ordering = ["determination", "entry__position"]
        verbose_name = _("filed project")
        verbose_name_plural = _("filed projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="filed_dates_in_order",
                violation_error_message=_(
                    "The filed project must end on or after the day it starts."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(self.project)


class BudgetYear(GovernmentOwnedModel):
    """分年度预算 — one calendar year's share of a project's approved amount (HB §8)."""

    jurisdiction_lookup = "project__jurisdiction"
    project_lookup = "project"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="budget_years"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    days = models.PositiveSmallIntegerField(_("scheduled days in the year"))
    amount = MoneyField(_("amount (yuan)"))

    class Meta:
        ordering = ["project", "year"]
        verbose_name = _("budget year")
        verbose_name_plural = _("budget years")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year"],
                name="one_budget_line_per_year",
                violation_error_message=_("The project already has a budget for this year."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="budget_year_not_negative",
                violation_error_message=_("A year's budget cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} · {self.year}: {self.amount}"


class BudgetResplit(OwnedModel):
    """A recorded re-split of a project's budget years by the office, with its reason."""

    jurisdiction_lookup = "project__jurisdiction"
    project_lookup = "project"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="budget_resplits"
    )
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))
    reason = models.CharField(_("reason"), max_length=500)
    changed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        ordering = ["project", "-changed_at"]
        verbose_name = _("budget re-split")
        verbose_name_plural = _("budget re-splits")

    def __str__(self) -> str:
        return f"{self.project.code} · {self.changed_at:%Y-%m-%d}"


class BudgetExceptionKind(models.TextChoices):
    RESPLIT = "resplit", _("Budget moved between years")
    CARRY_OVER = "carry_over", _("Carry-over of a closed year's money")


class BudgetExceptionStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting the HRSS department's approval")
    APPROVED = "approved", _("Approved and in effect")
    REFUSED = "refused", _("Refused")


class BudgetException(GovernmentOwnedModel):
    """预算调整或跨年结转的例外 (HB §8 原则上不得调整及跨年结转; SPEC §3.7 product rule): the
    office's request, with its reason and the years before and after, takes effect only once
    the HRSS department of the same level approves it."""

    jurisdiction_lookup = "project__jurisdiction"
    project_lookup = "project"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="budget_exceptions"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=BudgetExceptionKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=BudgetExceptionStatus.choices,
        default=BudgetExceptionStatus.REQUESTED,
    )
    reason = models.CharField(_("reason"), max_length=500)
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("opinion"), max_length=500, blank=True)

    class Meta:
        ordering = ["project", "-requested_at"]
        verbose_name = _("budget exception")
        verbose_name_plural = _("budget exceptions")

    def __str__(self) -> str:
        return f"{self.project.code} · {self.get_kind_display()}"


class ArrangementStatus(models.TextChoices):
    DRAFT = "draft", _("Compiled, not published")
    PUBLISHED = "published", _("Published")


class AnnualArrangement(GovernmentOwnedModel):
    """《××年度全省工伤预防项目安排》 — the province's annual arrangement (HB §6)."""

    jurisdiction_lookup = "province"

    province = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        on_delete=models.PROTECT,
        related_name="arrangements",
        verbose_name=_("province"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ArrangementStatus.choices,
        default=ArrangementStatus.DRAFT,
    )
    compiled_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    compiled_at = models.DateTimeField(_("compiled at"))
    published_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "province__path"]
        verbose_name = _("annual arrangement")
        verbose_name_plural = _("annual arrangements")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year"],
                name="one_arrangement_per_province_and_year",
                violation_error_message=_(
                    "The province already has an annual arrangement for this year."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_filter(cls, scope: Scope) -> Q | None:
        if not scope.region_path:
            return None
        # The province sees its arrangement from the draft on; a city sees it once published
        # (and, through the entries' own scope, only its own entries).
        own = Q(province__path__startswith=scope.region_path)
        return own | Q(province__path=root_path_of(scope), status=ArrangementStatus.PUBLISHED)


class ArrangementEntry(GovernmentOwnedModel):
    """One project line of the arrangement. Entries are never rewritten: an adjustment marks
    the entry it changes as superseded and adds the new one (`replaces`)."""

    project_lookup = "project"

    arrangement = models.ForeignKey(
        AnnualArrangement, on_delete=models.CASCADE, related_name="entries"
    )
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("jurisdiction"),
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="arrangement_entries"
    )
    filed_project = models.ForeignKey(
        FiledProject, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"))
    project_name = models.CharField(_("project name"), max_length=200)
    applicant_name = models.CharField(_("applicant"), max_length=200)
    project_type = models.CharField(_("type"), max_length=12)
    industry_name = models.CharField(_("industry"), max_length=100, blank=True)
    procurement_item = models.CharField(_("procurement item"), max_length=200)
    amount = MoneyField(_("amount (yuan)"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    is_current = models.BooleanField(_("current"), default=True)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    adjustment = models.ForeignKey(
        "Adjustment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The adjustment that added this entry."),
    )

    class Meta:
        ordering = ["arrangement", "jurisdiction__path", "position", "id"]
        verbose_name = _("arrangement entry")
        verbose_name_plural = _("arrangement entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="arrangement_amount_positive",
                violation_error_message=_("The amount in the arrangement must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.project_name}"

    @classmethod
    def scope_filter(cls, scope: Scope) -> Q | None:
        if not scope.region_path:
            return None
        visible = AnnualArrangement.scope_filter(scope)
        return Q(jurisdiction__path__startswith=scope.region_path) & Q(
            arrangement__in=AnnualArrangement.unscoped.filter(visible)
        )


class AdjustmentKind(models.TextChoices):
    ADD = "add", _("Add a project")
    CHANGE = "change", _("Change a project")
    PROCUREMENT_ITEM = "procurement_item", _("Change the procurement item")


class AdjustmentGround(models.TextChoices):
    NATIONAL_RULE = "national_rule", _("Required by a national rule")
    PROVINCIAL_RULE = "provincial_rule", _("Required by a provincial rule")
    SPECIAL = "special", _("Special circumstances")


class AdjustmentStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting consent")
    CONSENTED = "consented", _("Consented")
    REFUSED = "refused", _("Refused")
    PUBLISHED = "published", _("Filed and published")


class Adjustment(GovernmentOwnedModel):
    """调整（增加）项目或变更采购品目 (HB §7)."""

    organisation_lookup = "consenting_unit"

    arrangement = models.ForeignKey(
        AnnualArrangement, on_delete=models.PROTECT, related_name="adjustments"
    )
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("jurisdiction"),
        help_text=_("Whose project it is: the requesting office's own level."),
    )
    number = models.CharField(_("number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AdjustmentKind.choices)
    ground = models.CharField(_("ground"), max_length=20, choices=AdjustmentGround.choices)
    entry = models.ForeignKey(
        ArrangementEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adjustments",
        verbose_name=_("arrangement entry changed"),
    )
    subject = models.CharField(_("what changes"), max_length=200)
    before_text = models.TextField(_("before"), blank=True)
    after_text = models.TextField(_("after"))
    reason = models.TextField(_("reason"))
    new_project_name = models.CharField(_("new project name"), max_length=200, blank=True)
    new_applicant = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applicant of the added project"),
    )
    new_project_type = models.CharField(_("type"), max_length=12, blank=True)
    new_amount = MoneyField(_("new amount (yuan)"), null=True, blank=True)
    new_start_date = models.DateField(_("new start date"), null=True, blank=True)
    new_end_date = models.DateField(_("new end date"), null=True, blank=True)
    new_procurement_item = models.CharField(_("new procurement item"), max_length=200, blank=True)
    consenting_unit = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("province member unit concerned"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AdjustmentStatus.choices,
        default=AdjustmentStatus.REQUESTED,
    )
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    consent_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    consent_at = models.DateTimeField(_("consent decided at"), null=True, blank=True)
    consent_note = models.TextField(_("opinion of the member unit"), blank=True)
    consent_document = models.ForeignKey(
        "evidence.EvidenceFile",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("consent document"),
    )
    published_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adjustments",
    )

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="add") | Q(entry__isnull=False),
                name="change_names_its_entry",
                violation_error_message=_("Choose the project that this change concerns."),
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(consent_note=""),
                name="refusal_has_reason",
                violation_error_message=_("Give the reason for refusing the adjustment."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()} · {self.subject}"
