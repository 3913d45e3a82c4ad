from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.money import MoneyField
from apps.core.ownership import ProjectOwnedModel
from apps.core.scoping import Scope

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class AnnualCall(ProjectOwnedModel):
    """申报通知 — an office's call for next year's projects (HB §4), with the application
    requirements the preliminary review checks against (SZ P1③, P3)."""

    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="calls",
    )
    year = models.PositiveSmallIntegerField(
        _("project year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("announcement text"), blank=True)
    key_industries = models.ManyToManyField(
        "jurisdictions.KeyIndustry", verbose_name=_("key industries called")
    )
    allows_training = models.BooleanField(_("training projects allowed"), default=True)
    allows_promotion = models.BooleanField(_("promotion projects allowed"), default=True)
    budget_total = MoneyField(_("budget total (yuan)"))
    max_amount_per_application = MoneyField(_("maximum amount per application (yuan)"))
    max_applications_per_applicant = models.PositiveSmallIntegerField(
        _("maximum applications per applicant"), default=1, validators=[MinValueValidator(1)]
    )
    min_awareness_rate = models.DecimalField(
        _("minimum knowledge awareness rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    min_pass_rate = models.DecimalField(
        _("minimum exam pass rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    min_satisfaction_rate = models.DecimalField(
        _("minimum employer satisfaction (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    opens_at = models.DateTimeField(_("applications open"))
    closes_at = models.DateTimeField(_("application deadline"))
    rubric_code = models.CharField(_("rubric in force"), max_length=60, blank=True)
    similarity_threshold = models.DecimalField(
        _("copy-detection threshold"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0.10")), MaxValueValidator(Decimal("0.99"))],
        help_text=_("Share of an application's own text found in another one (0.10–0.99)."),
    )
    similarity_figure_threshold = models.DecimalField(
        _("copy-detection threshold for figures"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.30"),
        validators=[MinValueValidator(Decimal("0.10")), MaxValueValidator(Decimal("0.99"))],
        help_text=_(
            "Share of an application's own figures (each number with the words around it) found "
            "in another one (0.10–0.99). Catches copies of a template's filled-in figures."
        ),
    )
    similarity_boilerplate_share = models.DecimalField(
        _("copy detection: share of applications that makes wording common"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.050"),
        validators=[MinValueValidator(Decimal("0.005")), MaxValueValidator(Decimal("0.500"))],
        help_text=_(
            "Wording or figures found in more than this share of the call's applications (and in "
            "more than four) are the call's common text — template, regulations, stock phrases — "
            "and are not evidence of copying (0.005–0.5)."
        ),
    )
    similarity_near_miss_share = models.DecimalField(
        _("copy detection: near misses listed from"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.80"),
        validators=[MinValueValidator(Decimal("0.50")), MaxValueValidator(Decimal("1.00"))],
        help_text=_(
            "Pairs above this share of a threshold are listed for the reviewer too (0.5–1)."
        ),
    )
    similarity_min_own_text = models.PositiveIntegerField(
        _("copy detection: minimum own text (characters)"),
        default=100,
        validators=[MinValueValidator(20), MaxValueValidator(5000)],
        help_text=_(
            "An application with less text of its own once the common text is set aside cannot "
            "be assessed on its text: the reviewer decides P4 (20–5000)."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "jurisdiction__path"]
        verbose_name = _("annual call")
        verbose_name_plural = _("annual calls")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="call_window_in_order",
                violation_error_message=_("The call must close after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(max_amount_per_application__gt=0)
                & Q(max_amount_per_application__lte=models.F("budget_total")),
                name="call_amount_limit_within_budget",
                violation_error_message=_(
                    "The limit per application must be more than zero and within the call's budget."
                ),
            ),
            models.CheckConstraint(
                condition=Q(allows_training=True) | Q(allows_promotion=True),
                name="call_allows_a_type",
                violation_error_message=_(
                    "The call must accept at least one kind of project (training or promotion)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def external_filter(cls, scope: Scope) -> Q | None:
        if scope.participant:
            # Applicants and other parties read published calls (they are public anyway).
            return ~Q(status=CallStatus.DRAFT)
        return None

    @property
    def allowed_types(self) -> list[str]:
        return [
            t
            for t, on in (("training", self.allows_training), ("promotion", self.allows_promotion))
            if on
        ]
