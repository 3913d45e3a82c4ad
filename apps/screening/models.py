"""初评 — the four pass/fail indicators of SZ P1–P4, computed by the platform and confirmed
or overridden (with a reason) by a reviewer."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.ownership import OwnedModel, ProjectOwnedModel
from apps.core.scoping import Scope


class Indicator(models.TextChoices):
    ELIGIBLE_APPLICANT = "P1", _("P1 Eligible applicant")
    FORMAL_COMPLETENESS = "P2", _("P2 Formal completeness")
    PROJECT_CONFORMITY = "P3", _("P3 Project conformity")
    NO_COPYING = "P4", _("P4 No copying")


class ReviewOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class PreliminaryReview(ProjectOwnedModel):
    jurisdiction_lookup = "application__call__jurisdiction"

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="preliminary_review"
    )
    computed_at = models.DateTimeField(_("checks computed at"))
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=ReviewOutcome.choices, default=ReviewOutcome.PENDING
    )
    reviewer = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    summary = models.TextField(_("reasons given to the applicant"), blank=True)

    class Meta:
        ordering = ["application__number"]
        verbose_name = _("preliminary review")
        verbose_name_plural = _("preliminary reviews")

    def __str__(self) -> str:
        return f"{self.application.number} · {self.get_outcome_display()}"

    @classmethod
    def external_filter(cls, scope: Scope) -> Q | None:
        if scope.participant and scope.organisation_id:
            return Q(application__applicant_id=scope.organisation_id)
        return None


class IndicatorVerdict(OwnedModel):
    jurisdiction_lookup = "review__application__call__jurisdiction"

    review = models.ForeignKey(PreliminaryReview, on_delete=models.CASCADE, related_name="verdicts")
    indicator = models.CharField(_("indicator"), max_length=2, choices=Indicator.choices)
    computed_pass = models.BooleanField(
        _("platform's verdict"), null=True, help_text=_("Empty where the platform cannot decide.")
    )
    checks = models.JSONField(_("checks and evidence"), default=list)
    final_pass = models.BooleanField(_("reviewer's verdict"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["indicator"]
        verbose_name = _("indicator verdict")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "indicator"],
                name="one_verdict_per_indicator",
                violation_error_message=_("This indicator already has a verdict in this review."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.review.application.number} {self.indicator}"

    @property
    def overridden(self) -> bool:
        return (
            self.final_pass is not None
            and self.computed_pass is not None
            and self.final_pass != self.computed_pass
        )


class SimilarityBasis(models.TextChoices):
    """What the copy detection found a pair on (the engine's ``SuspiciousPair.basis``)."""

    TEXT = "text", _("own text")
    FIGURES = "figures", _("figures")


class SimilarityPair(ProjectOwnedModel):
    """雷同 — two applications whose own text (boilerplate discounted) largely coincides."""

    jurisdiction_lookup = "call__jurisdiction"

    audit_exempt = True

    call = models.ForeignKey(
        "calls.AnnualCall", on_delete=models.CASCADE, related_name="similarity_pairs"
    )
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="+"
    )
    other = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Of this call or an earlier year."),
    )
    score = models.DecimalField(_("similarity"), max_digits=5, decimal_places=4)
    jaccard = models.DecimalField(_("Jaccard"), max_digits=5, decimal_places=4)
    basis = models.CharField(
        _("found on"),
        max_length=10,
        choices=SimilarityBasis.choices,
        blank=True,
        help_text=_("Whether the own text or the figures of the two applications coincide."),
    )
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-score"]
        verbose_name = _("suspicious pair")
        verbose_name_plural = _("suspicious pairs")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "other"],
                name="one_pair_per_direction",
                violation_error_message=_("These two applications have already been compared."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.number} ~ {self.other.number} ({self.score})"


class ReviewRevision(OwnedModel):
    """改判 — a recorded preliminary-review decision changed by the office, with its reason,
    while the call's screening is still open (before the expert review starts). Keeps what
    was decided before, so the first decision stays readable next to the new one."""

    jurisdiction_lookup = "review__application__call__jurisdiction"

    review = models.ForeignKey(
        PreliminaryReview, on_delete=models.CASCADE, related_name="revisions"
    )
    revised_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    revised_at = models.DateTimeField(_("revised at"))
    reason = models.TextField(_("reason for the revision"))
    outcome_before = models.CharField(
        _("outcome before"), max_length=10, choices=ReviewOutcome.choices
    )
    outcome_after = models.CharField(
        _("outcome after"), max_length=10, choices=ReviewOutcome.choices
    )
    verdicts_before = models.JSONField(_("verdicts before"), default=dict)
    summary_before = models.TextField(_("reasons given before"), blank=True)

    class Meta:
        ordering = ["revised_at", "pk"]
        verbose_name = _("revision of a preliminary review")
        verbose_name_plural = _("revisions of preliminary reviews")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="revision_has_a_reason",
                violation_error_message=_("Give the reason for revising the review."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.revised_at:%Y-%m-%d %H:%M}"
