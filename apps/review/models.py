"""评审 — expert review on the rubric (SZ 2), ranking within the budget (product)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.money import MoneyField
from apps.core.ownership import OwnedModel, ProjectOwnedModel
from apps.core.scoping import Scope


class ExpertProfile(OwnedModel):
    """专家库 — an expert of a programme's pool with specialities."""

    jurisdiction_lookup = "pool"

    user = models.OneToOneField(
        "accounts.User", on_delete=models.PROTECT, related_name="expert_profile"
    )
    pool = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        on_delete=models.PROTECT,
        verbose_name=_("pool of"),
        help_text=_("The province (or own-programme city) whose pool it is."),
    )
    specialities = models.CharField(_("specialities"), max_length=300, blank=True)
    is_active = models.BooleanField(_("available"), default=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("expert pool")

    def __str__(self) -> str:
        return str(self.user)


class ExpertRelation(OwnedModel):
    """A relation an expert declared with an organisation (product: conflicts of interest)."""

    jurisdiction_lookup = "expert__pool"

    expert = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="relations")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT)
    description = models.CharField(_("relation"), max_length=200)

    class Meta:
        verbose_name = _("declared relation")
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "organisation"],
                name="one_relation_per_organisation",
                violation_error_message=_(
                    "The expert's relation with this organisation is already declared."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} ~ {self.organisation}"


class RoundStatus(models.TextChoices):
    SCORING = "scoring", _("Scoring")
    CLOSED = "closed", _("Scoring closed")


class ReviewRound(ProjectOwnedModel):
    """One call's expert review: rubric in force, experts per application, settings."""

    jurisdiction_lookup = "call__jurisdiction"

    call = models.OneToOneField(
        "calls.AnnualCall", on_delete=models.PROTECT, related_name="review_round"
    )
    rubric_code = models.CharField(_("rubric"), max_length=60)
    rubric_snapshot = models.JSONField(
        _("rubric as in force when the review opened"), default=dict, editable=False
    )
    experts_per_application = models.PositiveSmallIntegerField(
        _("experts per application"), default=3
    )
    deviation_margin = models.DecimalField(
        _("flag a score deviating from the others' mean by more than"),
        max_digits=5,
        decimal_places=2,
        default=15,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.SCORING
    )
    closed_at = models.DateTimeField(_("scoring closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")

    def __str__(self) -> str:
        return f"{self.call} · {self.get_status_display()}"

    @classmethod
    def external_filter(cls, scope: Scope) -> Q | None:
        if scope.participant and scope.cleared:
            return Q(assignments__expert_id=scope.user_id)
        return None

    @property
    def rubric(self):
        """The rubric this round scores on: its own snapshot, so a later edit of the rubric
        file never changes a review already under way."""
        from .rubric import load_rubric, rubric_from_snapshot

        if not self.rubric_snapshot:
            return load_rubric(self.rubric_code)
        return rubric_from_snapshot(self.rubric_snapshot, name=self.rubric_code)


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    SUBMITTED = "submitted", _("Score sheet submitted")
    CONFLICT = "conflict", _("Withdrawn: conflict of interest")


class ExpertAssignment(ProjectOwnedModel):
    jurisdiction_lookup = "round__call__jurisdiction"
    person_lookup = "expert"

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="assignments")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="expert_assignments"
    )
    expert = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="expert_assignments"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.ASSIGNED,
    )
    conflict_reason = models.CharField(_("declared conflict"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    bonus = models.JSONField(_("bonus points (SZ 7.1)"), default=dict, blank=True)
    bonus_reasons = models.JSONField(
        _("reasons for departing from a computed bonus"), default=dict, blank=True
    )
    vetoes = models.JSONField(_("veto flags with reasons (SZ 7.3)"), default=dict, blank=True)
    comment = models.TextField(_("overall comment"), blank=True)

    class Meta:
        ordering = ["application__number", "expert__username"]
        verbose_name = _("expert assignment")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert"],
                name="one_assignment_per_expert",
                violation_error_message=_("This expert is already assigned to this application."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.number} · {self.expert}"

    @classmethod
    def external_filter(cls, scope: Scope) -> Q | None:
        if scope.participant and scope.cleared:
            # An expert sees only own, live assignments (a declared conflict ends access).
            return Q(expert_id=scope.user_id) & ~Q(status=AssignmentStatus.CONFLICT)
        return None


class ItemScore(OwnedModel):
    """One indicator (or sub-item) of one expert's sheet."""

    jurisdiction_lookup = "assignment__round__call__jurisdiction"

    assignment = models.ForeignKey(
        ExpertAssignment, on_delete=models.CASCADE, related_name="scores"
    )
    item_code = models.CharField(_("indicator"), max_length=12)
    level_code = models.CharField(_("level"), max_length=30, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    computed_score = models.DecimalField(
        _("platform's computed score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    override_reason = models.CharField(
        _("reason for overriding the computed score"), max_length=300, blank=True
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("item score")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "item_code"],
                name="one_score_per_item",
                violation_error_message=_("This item already has a score on this score sheet."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_code}: {self.score}"


class OrganisationEventKind(models.TextChoices):
    FAILED_ACCEPTANCE = "failed_acceptance", _("A project failed acceptance (SZ 7.2①)")
    UNREMEDIED_NONCOMPLIANCE = (
        "unremedied_noncompliance",
        _("Not implemented as required and not corrected after urging (SZ 7.2②)"),
    )
    REFUSED_SUPERVISION = (
        "refused_supervision",
        _("Refused to cooperate with supervision (SZ 7.2③)"),
    )


class OrganisationEvent(ProjectOwnedModel):
    """单位履约记录 — what the deductions of SZ 7.2 read from. Later stages record these
    themselves; history from before the platform is entered by an office with a reason."""

    jurisdiction_lookup = "organisation__jurisdiction"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=30, choices=OrganisationEventKind.choices)
    occurred_on = models.DateField(_("occurred on"))
    description = models.CharField(_("description"), max_length=500)
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, null=True, blank=True)
    evidence = models.ForeignKey(
        "evidence.EvidenceFile", on_delete=models.PROTECT, null=True, blank=True
    )
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    entry_reason = models.CharField(_("why entered by hand"), max_length=300, blank=True)

    class Meta:
        ordering = ["-occurred_on"]
        verbose_name = _("organisation event")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_kind_display()} · {self.occurred_on}"


class ReviewResult(ProjectOwnedModel):
    """The combined result of one application: scores, bonus, deductions, veto, rank."""

    jurisdiction_lookup = "round__call__jurisdiction"

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="results")
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="review_result"
    )
    expert_count = models.PositiveSmallIntegerField(_("experts"))
    base_score = models.DecimalField(_("score of indicators 1–6"), max_digits=6, decimal_places=2)
    bonus = models.DecimalField(_("bonus"), max_digits=5, decimal_places=2, default=0)
    deduction = models.DecimalField(_("deductions"), max_digits=5, decimal_places=2, default=0)
    final_score = models.DecimalField(_("final score"), max_digits=6, decimal_places=2)
    first_level = models.JSONField(_("combined first-level scores"), default=dict)
    deductions_detail = models.JSONField(_("deductions and their events"), default=list)
    vetoes = models.JSONField(_("vetoes and their rules"), default=list)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    amount = MoneyField(_("amount requested (yuan)"))
    proposed = models.BooleanField(_("proposed for funding"), default=False)
    adjusted_reason = models.CharField(
        _("reason for the office's adjustment"), max_length=300, blank=True
    )

    class Meta:
        ordering = ["round", "rank"]
        verbose_name = _("review result")

    def __str__(self) -> str:
        return f"{self.application.number} · {self.final_score}"

    @property
    def vetoed(self) -> bool:
        return bool(self.vetoes)

    @classmethod
    def external_filter(cls, scope: Scope) -> Q | None:
        if scope.participant and scope.organisation_id:
            return Q(application__applicant_id=scope.organisation_id, round__status="closed")
        return None


def assigned_application_ids(scope: Scope):
    """Applications an expert is assigned to and has not withdrawn from for a conflict."""
    return (
        ExpertAssignment.unscoped.filter(expert_id=scope.user_id)
        .exclude(status=AssignmentStatus.CONFLICT)
        .values("application_id")
    )
