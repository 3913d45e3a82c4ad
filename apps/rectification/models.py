"""Rectification orders (整改意见, HB §20; SZ 7.2②).

A member unit of the project's level or the project's evaluation agency raises an order on a
project being implemented: what is wrong, what must be done, the clause, the day it must be
remedied by. The implementing agency answers with its remedy and evidence; the remedy is
confirmed (by the project's evaluation agency, or by the raiser — `WIPP_RECTIFICATION_CONFIRMER`)
or returned; a confirmed order is closed. An order not remedied by its day is escalated by the
platform to the office of the project's level, which urges (督促) with a new day; still not
remedied when that day passes, the platform records the SZ 7.2② organisation event against the
implementing agency, once, linked from the order (`event`).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.ownership import OwnedModel, ProjectOwnedModel


class OrderState(models.TextChoices):
    ISSUED = "issued", _("Issued; awaiting the agency's remedy")
    ANSWERED = "answered", _("Answered; awaiting confirmation")
    RETURNED = "returned", _("Returned: not remedied")
    ESCALATED = "escalated", _("Overdue; escalated to the office")
    URGED = "urged", _("Urged by the office; awaiting the remedy")
    UNREMEDIED = "unremedied", _("Not remedied after urging (SZ 7.2②)")
    CONFIRMED = "confirmed", _("Remedy confirmed; awaiting closing")
    CLOSED = "closed", _("Closed")


#: States in which the agency still owes its remedy.
AWAITING_REMEDY = (
    OrderState.ISSUED,
    OrderState.RETURNED,
    OrderState.ESCALATED,
    OrderState.URGED,
    OrderState.UNREMEDIED,
)
OPEN_STATES = tuple(s for s in OrderState.values if s != OrderState.CLOSED)


class RectificationOrder(ProjectOwnedModel):
    """整改意见 — one order on a project, raised by a member unit or the evaluation agency."""

    jurisdiction_lookup = "project__jurisdiction"
    project_lookup = "project"
    organisation_lookup = "raised_by_organisation"

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="rectification_orders",
    )
    raised_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    raised_by_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    implementer = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("implementing agency"),
        on_delete=models.PROTECT,
        related_name="rectification_orders",
    )
    problem = models.TextField(_("what is wrong"))
    requirement = models.TextField(_("what must be done"))
    clause = models.CharField(
        _("clause"),
        max_length=100,
        help_text=_("The agreement, plan or rule it departs from, e.g. 服务协议第五条, HB §13."),
    )
    deadline = models.DateField(_("to be remedied by"))
    document = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name=_("rectification notice (整改意见书)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_finding = models.ForeignKey(
        "findings.Finding",
        verbose_name=_("raised from the finding"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectification_orders",
    )
    state = models.CharField(
        _("status"), max_length=12, choices=OrderState.choices, default=OrderState.ISSUED
    )
    issued_at = models.DateTimeField(_("issued at"))
    escalated_at = models.DateTimeField(_("escalated to the office at"), null=True, blank=True)
    urged_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    urged_at = models.DateTimeField(_("urged at"), null=True, blank=True)
    urged_deadline = models.DateField(_("to be remedied by (after urging)"), null=True, blank=True)
    urge_note = models.TextField(_("the office's urging"), blank=True)
    confirmed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("remedy confirmed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    event = models.OneToOneField(
        "review.OrganisationEvent",
        verbose_name=_("organisation event (SZ 7.2②)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectification_order",
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")
        indexes = [models.Index(fields=["state", "deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(urged_at__isnull=True) | Q(urged_deadline__isnull=False),
                name="urged_order_has_deadline",
                violation_error_message=_("Give the new deadline when urging the order."),
            ),
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(closed_at__isnull=False),
                name="closed_order_has_time",
                violation_error_message=_("A closed order keeps the time it was closed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} · {_('rectification order')} #{self.pk}"

    @property
    def current_deadline(self):
        """The day the remedy is due now: the urged day once the office has urged."""
        return self.urged_deadline or self.deadline

    @property
    def is_open(self) -> bool:
        return self.state != OrderState.CLOSED


class AnswerOutcome(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Remedy confirmed")
    RETURNED = "returned", _("Returned: not remedied")


class RectificationAnswer(OwnedModel):
    """The implementing agency's answer: what it did, with evidence files; confirmed or
    returned with a note."""

    jurisdiction_lookup = "order__project__jurisdiction"
    project_lookup = "order__project"
    organisation_lookup = "organisation"

    order = models.ForeignKey(RectificationOrder, on_delete=models.PROTECT, related_name="answers")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    answered_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered at"))
    response = models.TextField(_("what was done"))
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=AnswerOutcome.choices, default=AnswerOutcome.PENDING
    )
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)

    class Meta:
        ordering = ["answered_at", "pk"]
        verbose_name = _("answer to a rectification order")
        verbose_name_plural = _("answers to rectification orders")

    def __str__(self) -> str:
        return f"{self.order} · {_('answer')} {self.answered_at:%Y-%m-%d}"


class RectificationAnswerFile(OwnedModel):
    """One evidence file of an answer (photos, revised materials, records)."""

    jurisdiction_lookup = "answer__order__project__jurisdiction"
    project_lookup = "answer__order__project"

    answer = models.ForeignKey(RectificationAnswer, on_delete=models.PROTECT, related_name="files")
    evidence = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name=_("evidence of the remedy"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("evidence of a remedy")

    def __str__(self) -> str:
        return f"{self.answer} · {self.evidence_id}"
