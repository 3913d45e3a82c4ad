"""Service agreement and payment ledger (HB §11): the contract the social-insurance agency
signs with the winner of a procurement, and every payment under it (the 50 % advance, later
the balance).

The tables were created by the procurement app and keep their names (`db_table`), so moving
the models here moved no data (see migrations/0001_initial.py). Like the procurement's rows,
they are seen by participants through the project, or the lot's projects, they take part in.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.core.money import MoneyField
from apps.procurement.models import ProcurementOwned


class ServiceAgreement(ProcurementOwned):
    """服务协议 — signed by the social-insurance agency with the winner (HB §11)."""

    award = models.OneToOneField(
        "procurement.Award", on_delete=models.PROTECT, related_name="agreement"
    )
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lot = models.ForeignKey(
        "procurement.ProcurementLot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    number = models.CharField(_("agreement number"), max_length=60, blank=True)
    amount = MoneyField(_("contract amount (yuan)"))
    starts_on = models.DateField(_("service starts on"))
    ends_on = models.DateField(_("service ends on"))
    signed_on = models.DateField(_("signed on"))
    party_a = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("party A"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    party_b = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("party B"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    document = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name=_("signed agreement"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept by the payment service under a row lock: lets the database itself refuse a total
    # above the contract amount.
    paid_total = MoneyField(_("paid (yuan)"), default=0, editable=False)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "procurement_serviceagreement"
        ordering = ["-signed_on", "-pk"]
        verbose_name = _("service agreement")
        verbose_name_plural = _("service agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="agreement_amount_positive",
                violation_error_message=_("The contract amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="agreement_period_ordered",
                violation_error_message=_("The service must end on or after the day it starts."),
            ),
            models.CheckConstraint(
                condition=Q(paid_total__gte=0) & Q(paid_total__lte=F("amount")),
                name="agreement_paid_within_amount",
                violation_error_message=_(
                    "The payments would come to more than the contract amount."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award.procurement} · {self.number or self.signed_on}"

    @property
    def unpaid(self):
        return self.amount - self.paid_total


class PaymentKind(models.TextChoices):
    ADVANCE = "advance", _("Advance (50 %)")
    BALANCE = "balance", _("Balance")
    OTHER = "other", _("Other")


class Payment(ProcurementOwned):
    """付款 — one payment under a service agreement, with its voucher."""

    agreement = models.ForeignKey(
        ServiceAgreement, on_delete=models.PROTECT, related_name="payments"
    )
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lot = models.ForeignKey(
        "procurement.ProcurementLot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PaymentKind.choices)
    amount = MoneyField(_("amount (yuan)"))
    paid_on = models.DateField(_("paid on"))
    document = models.ForeignKey(
        "evidence.EvidenceFile",
        verbose_name=_("payment voucher"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "procurement_payment"
        ordering = ["agreement", "paid_on", "pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("The payment amount must be more than zero."),
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(kind="advance"),
                name="one_advance_per_agreement",
                violation_error_message=_(
                    "The advance under this agreement has already been paid."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} · {self.paid_on}"
