"""Forms of the contract steps on the procurement page: the service agreement and a payment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin
from apps.procurement.forms import DATE, MONEY

from .models import PaymentKind


class AgreementForm(BootstrapFormMixin, forms.Form):
    number = forms.CharField(label=_("Agreement number"), max_length=60, required=False)
    amount = forms.DecimalField(label=_("Contract amount (yuan)"), **MONEY)
    starts_on = forms.DateField(label=_("Service starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Service ends on"), widget=DATE)
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    file = forms.FileField(label=_("Signed agreement"), required=False)


class PaymentForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PaymentKind.choices)
    amount = forms.DecimalField(label=_("Amount (yuan)"), **MONEY)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    file = forms.FileField(label=_("Payment voucher"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    # A payment is final (the ledger is append-only): the payer confirms that before it is
    # recorded. A checkbox rather than a second page, because the voucher file cannot be
    # carried over to a confirmation page.
    confirmed = forms.BooleanField(
        label=_(
            "I confirm this payment: once recorded it cannot be changed or deleted, and it "
            "counts against the contract amount."
        ),
        error_messages={"required": _("Confirm the payment before it is recorded.")},
    )
