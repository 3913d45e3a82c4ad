from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.money import MoneyField
from apps.core.ownership import OwnedModel, ProjectOwnedModel
from apps.core.scoping import Scope
from apps.jurisdictions.models import Jurisdiction, KeyIndustry


class ProjectType(models.TextChoices):
    TRAINING = "training", _("Training")
    PROMOTION = "promotion", _("Promotion")


class ProjectStage(models.TextChoices):
    APPLICATION = "application", _("Application")
    SCREENING = "screening", _("Preliminary review")
    EXPERT_REVIEW = "expert_review", _("Expert review")
    DETERMINATION = "determination", _("Determination and filing")
    ARRANGED = "arranged", _("In the annual arrangement")
    PROCUREMENT = "procurement", _("Procurement")
    CONTRACT = "contract", _("Contract and advance")
    IMPLEMENTATION = "implementation", _("Implementation")
    ACCEPTANCE = "acceptance", _("Acceptance")
    PAYMENT = "payment", _("Balance payment")
    ARCHIVED = "archived", _("Archived")


class Project(ProjectOwnedModel):
    """工伤预防项目 — one project, owned by the jurisdiction that set it up (谁立项、谁负责)."""

    code = models.CharField(_("project number"), max_length=40, unique=True)
    name = models.CharField(_("project name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("budget year"))
    project_type = models.CharField(_("type"), max_length=12, choices=ProjectType.choices)
    industry = models.ForeignKey(
        KeyIndustry, verbose_name=_("industry"), on_delete=models.PROTECT, null=True, blank=True
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    applicant = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="applied_projects",
    )
    # Written only by apps.projects.services (the lifecycle table); see lifecycle.py.
    stage = models.CharField(
        _("stage"), max_length=20, choices=ProjectStage.choices, default=ProjectStage.DETERMINATION
    )
    budget_amount = MoneyField(_("budget (yuan)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_amount__isnull=True) | Q(budget_amount__gte=0),
                name="project_budget_not_negative",
                violation_error_message=_("The project budget cannot be negative."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    organisation_lookup = "applicant"

    @classmethod
    def external_filter(cls, scope: Scope) -> Q | None:
        if not (scope.participant and scope.cleared):
            return None
        return Q(pk__in=participating_project_ids(scope))

    def owning_project(self):
        return self

    def owning_project_id(self) -> int | None:
        return self.pk


class ParticipantRole(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    IMPLEMENTER = "implementer", _("Implementing agency")
    ONLINE_PLATFORM = "online_platform", _("Online training platform")
    EVALUATION_AGENCY = "evaluation_agency", _("Evaluation agency")
    EXPERT = "expert", _("Expert")
    AUDITOR = "auditor", _("Auditor")


class ProjectParticipant(OwnedModel):
    """项目参与方 — an organisation, or one person, taking part in a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(_("role in project"), max_length=20, choices=ParticipantRole.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True
    )
    person = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("For experts and auditors assigned personally."),
    )
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        verbose_name = _("project participant")
        verbose_name_plural = _("project participants")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(person__isnull=False),
                name="participant_is_someone",
                violation_error_message=_("Name the organisation or the person who takes part."),
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.project.code} · {self.get_role_display()} · {self.person or self.organisation}"
        )

    jurisdiction_lookup = "project__jurisdiction"
    project_lookup = "project"


def participating_project_ids(scope: Scope):
    """Subquery of the projects an external user takes part in: as the applicant, through
    the organisation, or assigned in person (experts, auditors)."""
    who = Q(participants__person_id=scope.user_id)
    if scope.organisation_id:
        who |= Q(applicant_id=scope.organisation_id)
        who |= Q(
            participants__organisation_id=scope.organisation_id,
            participants__person__isnull=True,
        )
    return Project.unscoped.filter(who).values("pk")
