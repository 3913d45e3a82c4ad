"""Contracts' constraints in plain words (issue 13 item 10): a service period ending before it
starts is refused from the agreement form on the procurement page with a message on the field;
the models' checks name what is wrong, never the constraint."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.contracts.models import Payment, PaymentKind, ServiceAgreement
from tests.procurement.world import approved, build_world, contracted, pdf
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db


def test_a_service_ending_before_it_starts_is_refused_in_plain_words(client):
    a, _ = build_world()
    procurement, _award = approved(a)
    client.force_login(a.si_agency)
    client.cookies["django_language"] = "en"
    page = client.get(f"/procurement/{procurement.pk}/")
    response = form_submit(
        client,
        page,
        "form[data-testid=agreement-form]",
        data={
            "number": "SJZ-GS-2027-009",
            "amount": "468000.00",
            "starts_on": "2027-12-31",
            "ends_on": "2027-01-01",
            "signed_on": "2026-11-10",
            "file": pdf("agreement.pdf"),
        },
    )
    body = response.content.decode()
    assert "The service cannot end before it starts." in body
    assert "Constraint" not in body and "agreement_period_ordered" not in body
    assert not ServiceAgreement.unscoped.exists()


def test_the_models_checks_name_what_is_wrong():
    a, _ = build_world()
    _procurement, _award, agreement = contracted(a)
    agreement = ServiceAgreement.unscoped.get(pk=agreement.pk)
    agreement.ends_on = agreement.starts_on.replace(year=agreement.starts_on.year - 1)
    agreement.paid_total = agreement.amount + Decimal("0.01")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        agreement.validate_constraints()
    assert sorted(error.value.messages) == [
        "The payments would come to more than the contract amount.",
        "The service must end on or after the day it starts.",
    ]
    payment = Payment(
        agreement=agreement,
        jurisdiction=agreement.jurisdiction,
        kind=PaymentKind.OTHER,
        amount=Decimal("0"),
    )
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        payment.validate_constraints()
    assert error.value.messages == ["付款金额须大于零。"]
