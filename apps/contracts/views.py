"""Steps of the contract on the procurement page: the social-insurance agency records the
signed service agreement and each payment (HB §11). The page itself is the procurement's
(apps.procurement.views); a refused step comes back on it with the errors on its form."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.procurement.views import award_or_404, detail_step, procurement_or_404

from . import forms, selectors, services


@login_required
@require_POST
def agreement_record(request, pk):
    procurement = procurement_or_404(request, pk)
    award = award_or_404(procurement)
    return detail_step(
        request,
        procurement,
        name="agreement_form",
        form=forms.AgreementForm(request.POST, request.FILES),
        action=lambda data: services.agreement_record(
            user=request.user,
            award=award,
            number=data["number"],
            amount=data["amount"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            signed_on=data["signed_on"],
            uploaded_file=data["file"],
        ),
        success=_("The service agreement is recorded."),
    )


@login_required
@require_POST
def payment_record(request, pk):
    procurement = procurement_or_404(request, pk)
    agreement = selectors.agreement_of(award_or_404(procurement))
    if agreement is None:
        raise Http404
    return detail_step(
        request,
        procurement,
        name="payment_form",
        form=forms.PaymentForm(request.POST, request.FILES),
        action=lambda data: services.payment_record(
            user=request.user,
            agreement=agreement,
            kind=data["kind"],
            amount=data["amount"],
            paid_on=data["paid_on"],
            uploaded_file=data["file"],
            note=data["note"],
        ),
        success=_("The payment is recorded."),
    )
