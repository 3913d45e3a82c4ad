"""工伤预防项目申请 — the application form and feasibility report (HB §5, SZ 1–7), structured
so that every rubric indicator has the data it scores."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.money import MoneyField
from apps.core.ownership import OwnedModel, ProjectOwnedModel
from apps.core.scoping import Scope

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def percent_field(label, **kwargs):
    return models.DecimalField(
        label, max_digits=5, decimal_places=2, validators=PERCENT, null=True, blank=True, **kwargs
    )


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SCREENING_PASSED = "screening_passed", _("Passed preliminary review")
    SCREENING_FAILED = "screening_failed", _("Failed preliminary review")


# An application counts towards the call (per-applicant limit, copy detection, screening) from
# submission on, whatever the preliminary review decided; drafts and withdrawn ones do not.
SUBMITTED_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.SCREENING_PASSED,
    ApplicationStatus.SCREENING_FAILED,
)


class Application(ProjectOwnedModel):
    jurisdiction_lookup = "call__jurisdiction"
    organisation_lookup = "applicant"

    call = models.ForeignKey(
        "calls.AnnualCall",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("call"),
    )
    applicant = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant"),
    )
    number = models.CharField(_("application number"), max_length=40, unique=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # 申请表 — the form
    project_name = models.CharField(_("project name"), max_length=200)
    project_type = models.CharField(
        _("project type"),
        max_length=12,
        choices=[("training", _("Training")), ("promotion", _("Promotion"))],
    )
    industry = models.ForeignKey(
        "jurisdictions.KeyIndustry",
        on_delete=models.PROTECT,
        verbose_name=_("key industry"),
        null=True,
        blank=True,
    )
    service_scope = models.TextField(_("service scope"), blank=True)
    # SZ P3②: the industries the service scope and target groups belong to, as data the
    # preliminary review can compare with the call's key industries (the text above says who).
    service_industries = models.ManyToManyField(
        "jurisdictions.KeyIndustry",
        verbose_name=_("industries of the service scope and target groups"),
        related_name="+",
        blank=True,
    )
    target_groups = models.TextField(_("target groups (SZ 6.1)"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    amount_requested = MoneyField(_("amount requested (yuan)"), null=True, blank=True)

    # 申请单位 — facts for SZ P1 ①②③
    enterprise_industry = models.CharField(
        _("industry by the SME standard"), max_length=40, blank=True
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue_wan = models.DecimalField(
        _("operating revenue (10,000 yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    assets_wan = models.DecimalField(
        _("total assets (10,000 yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    legally_registered = models.BooleanField(
        _("legally registered locally, legal person"), default=False
    )
    insured_locally = models.BooleanField(_("work-injury insurance paid locally"), default=False)
    major_violations = models.BooleanField(_("major violations of law"), default=False)

    # 可行性报告 — narrative sections
    background = models.TextField(_("project background and needs (SZ 2.1)"), blank=True)
    main_hazards = models.TextField(_("main hazard sources"), blank=True)
    necessity = models.TextField(_("necessity (SZ 2.2)"), blank=True)
    feasibility = models.TextField(_("feasibility (SZ 2.3)"), blank=True)
    risks = models.TextField(_("implementation risks and responses (SZ 2.4)"), blank=True)
    conditions_hardware = models.TextField(_("hardware conditions"), blank=True)
    conditions_software = models.TextField(_("software conditions"), blank=True)
    conditions_technical = models.TextField(_("technical conditions"), blank=True)
    conditions_personnel = models.TextField(_("personnel conditions"), blank=True)
    methods = models.TextField(_("methods and technical means (SZ 3.3②)"), blank=True)
    management = models.TextField(
        _("management organisation and business scope (SZ 3.4)"), blank=True
    )
    qualitative_targets = models.TextField(_("qualitative targets (SZ 4.1)"), blank=True)
    plan_content = models.TextField(_("implementation content (SZ 6.3)"), blank=True)
    technical_specs = models.TextField(_("technical specifications (HB §5; SZ 6.3)"), blank=True)
    activities = models.TextField(_("activities, methods and means (SZ 6.4)"), blank=True)
    expected_outputs = models.TextField(_("expected outputs (SZ 6.5)"), blank=True)
    quality_assurance = models.TextField(
        _("organisation and quality assurance (SZ 6.6)"), blank=True
    )
    budget_basis = models.TextField(_("spending standards and their basis (SZ 5②)"), blank=True)

    # 绩效目标 — quantitative targets (SZ 4.2)
    awareness_rate = percent_field(_("knowledge awareness rate (%)"))
    pass_rate = percent_field(_("exam pass rate (%)"))
    satisfaction_rate = percent_field(_("employer satisfaction (%)"))
    people_covered = models.PositiveIntegerField(_("people covered"), null=True, blank=True)

    # 加分项 (SZ 7.1)
    has_warning_education_base = models.BooleanField(
        _("has a warning-education base"), default=False
    )
    innovation = models.TextField(_("innovation / local character"), blank=True)
    commits_implementation_report = models.BooleanField(
        _("commits to a written implementation report within 10 working days (SZ 6.5)"),
        default=False,
    )

    # 承诺 (SZ P2 ②)
    commitment_accepted = models.BooleanField(_("commitment accepted"), default=False)
    commitment_signatory = models.CharField(
        _("signed by (legal representative)"), max_length=60, blank=True
    )
    sealed = models.BooleanField(_("form signed and sealed"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="application_dates_in_order",
                violation_error_message=_("The project must end on or after the day it starts."),
            ),
            models.CheckConstraint(
                condition=Q(amount_requested__isnull=True) | Q(amount_requested__gt=0),
                name="application_amount_positive",
                violation_error_message=_("The amount requested must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.project_name}"

    @classmethod
    def scope_filter(cls, scope: Scope) -> Q | None:
        condition = super().scope_filter(scope)
        if scope.region_path and condition is not None:
            # Offices see applications once submitted; drafts are the applicant's own.
            return condition & ~Q(status=ApplicationStatus.DRAFT)
        return condition

    @classmethod
    def external_filter(cls, scope: Scope) -> Q | None:
        if scope.participant and scope.organisation_id:
            own = Q(applicant_id=scope.organisation_id)
            if scope.cleared:
                from apps.review.models import assigned_application_ids

                own |= Q(pk__in=assigned_application_ids(scope))
            return own
        return None

    NARRATIVE_FIELDS = (
        "background",
        "main_hazards",
        "necessity",
        "feasibility",
        "risks",
        "conditions_hardware",
        "conditions_software",
        "conditions_technical",
        "conditions_personnel",
        "methods",
        "management",
        "qualitative_targets",
        "plan_content",
        "technical_specs",
        "activities",
        "expected_outputs",
        "quality_assurance",
        "budget_basis",
        "innovation",
    )

    def narrative_text(self) -> str:
        return "\n".join(
            getattr(self, name) for name in self.NARRATIVE_FIELDS if getattr(self, name)
        )


class ApplicationPart(OwnedModel):
    """A row of one of the application's tables; audited with its application."""

    jurisdiction_lookup = "application__call__jurisdiction"
    organisation_lookup = "application__applicant"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="%(class)s_set"
    )

    class Meta:
        abstract = True


class InsuranceYear(ApplicationPart):
    """近三年参保信息 — one year of the background figures (HB §5; SZ 2.1)."""

    year = models.PositiveSmallIntegerField(_("year"))
    insured_headcount = models.PositiveIntegerField(_("insured headcount"))
    injury_incidence_rate = models.DecimalField(
        _("injury incidence rate (‰)"),
        max_digits=7,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0"))],
    )
    fund_payment_ratio = models.DecimalField(
        _("fund payment ratio (%)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    accident_injuries = models.PositiveIntegerField(_("work accidents"), default=0)
    occupational_diseases = models.PositiveIntegerField(_("occupational diseases"), default=0)
    main_causes = models.CharField(_("main causes"), max_length=300, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("insurance year")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "year"],
                name="one_figure_row_per_year",
                violation_error_message=_("The application already has figures for this year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}"


class TitleLevel(models.TextChoices):
    SENIOR = "senior", _("Senior (正高级)")
    DEPUTY_SENIOR = "deputy_senior", _("Deputy senior (副高级)")
    INTERMEDIATE = "intermediate", _("Intermediate (中级)")
    JUNIOR = "junior", _("Junior (初级)")
    QUALIFICATION = "qualification", _("Vocational / practising qualification")
    NONE = "none", _("None")


class DegreeLevel(models.TextChoices):
    DOCTOR = "doctor", _("Doctorate")
    MASTER = "master", _("Master")
    BACHELOR = "bachelor", _("Bachelor")
    OTHER = "other", _("Below bachelor")


class TeamMember(ApplicationPart):
    """项目负责人及团队 — the one project leader (SZ 1.2) and the team (SZ 3.2)."""

    is_leader = models.BooleanField(_("project leader"), default=False)
    name = models.CharField(_("name"), max_length=60)
    title_level = models.CharField(
        _("professional title"), max_length=20, choices=TitleLevel.choices, default=TitleLevel.NONE
    )
    title_field = models.CharField(_("field of the title"), max_length=100, blank=True)
    qualifications = models.CharField(_("qualifications"), max_length=200, blank=True)
    degree = models.CharField(
        _("highest degree"), max_length=10, choices=DegreeLevel.choices, default=DegreeLevel.OTHER
    )
    degree_field = models.CharField(_("field of the degree"), max_length=100, blank=True)
    years_experience = models.PositiveSmallIntegerField(
        _("years of relevant experience"), default=0
    )
    experience_field = models.CharField(_("field of the experience"), max_length=100, blank=True)

    class Meta:
        ordering = ["-is_leader", "id"]
        verbose_name = _("team member")
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(is_leader=True),
                name="one_project_leader",
                violation_error_message=_("The team can have only one project leader."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class PastProject(ApplicationPart):
    """近两年工伤预防项目 — a dated past prevention project (SZ 3.3①)."""

    name = models.CharField(_("project"), max_length=200)
    completed_on = models.DateField(_("completed on"))
    client = models.CharField(_("client"), max_length=200, blank=True)

    class Meta:
        ordering = ["-completed_on"]
        verbose_name = _("past project")

    def __str__(self) -> str:
        return self.name


class PlanStage(ApplicationPart):
    """实施阶段 — a stage of the plan with dates and its goal (SZ 6.2)."""

    name = models.CharField(_("stage"), max_length=100)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    goal = models.CharField(_("stage goal"), max_length=300)

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("plan stage")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="stage_dates_in_order",
                violation_error_message=_(
                    "A stage of the plan must end on or after the day it starts."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name


class BudgetLine(ApplicationPart):
    """预算清单 — item, unit cost × quantity = amount, with its spending standard (SZ 5②)."""

    item = models.CharField(_("item"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20)
    unit_cost = MoneyField(_("unit cost (yuan)"))
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    amount = MoneyField(_("amount (yuan)"))
    standard = models.CharField(_("spending standard and basis"), max_length=300, blank=True)
    spend_year = models.PositiveSmallIntegerField(
        _("year of spending"),
        null=True,
        blank=True,
        help_text=_(
            "For a project running into a second year: the year this money is spent "
            "(HB §8 支出计划); the budget years follow it."
        ),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("budget line")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_cost__gt=0) & Q(quantity__gt=0),
                name="budget_line_positive",
                violation_error_message=_(
                    "A budget line's unit cost and quantity must be more than zero."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.item


class ApplicationAttachment(ApplicationPart):
    """附件 — scanned form with seal, licences, certificates: files in the evidence store."""

    kind = models.CharField(_("attachment"), max_length=40)
    evidence = models.ForeignKey("evidence.EvidenceFile", on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("attachment")

    def __str__(self) -> str:
        return self.kind
