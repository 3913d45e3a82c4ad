"""The contract steps on the procurement page: posted to the contracts app, refused steps come
back on the procurement page with the errors on their form."""

import pytest
from django.urls import reverse

from apps.accounts.roles import Role
from apps.contracts.models import Payment, ServiceAgreement
from tests.procurement.world import approved, build_world, contracted, pdf

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_contract_urls():
    assert reverse("contracts:agreement", args=[7]) == "/contracts/procurements/7/agreement/"
    assert reverse("contracts:payment", args=[7]) == "/contracts/procurements/7/payments/"


def test_payment_without_voucher_through_the_page(client):
    a, _ = build_world()
    procurement, _award, _agreement = contracted(a)
    client.force_login(a.si_agency)
    response = client.post(
        reverse("contracts:payment", args=[procurement.pk]),
        {"kind": "advance", "amount": "234000.00", "paid_on": "2026-11-12"},
        **EN,
    )
    assert response.status_code == 400
    assert b"voucher" in response.content


def test_agreement_through_the_page(client):
    a, b = build_world()
    procurement, _award = approved(a)
    url = reverse("contracts:agreement", args=[procurement.pk])
    data = {
        "number": "SJZ-GS-2027-001",
        "amount": "468000.00",
        "starts_on": "2027-01-01",
        "ends_on": "2027-12-31",
        "signed_on": "2026-11-10",
    }
    client.force_login(a.si_agency)
    page = client.get(f"/procurement/{procurement.pk}/", **EN)
    assert url.encode() in page.content
    for user, expected in ((a.users[Role.OFFICE], 403), (b.si_agency, 404)):
        client.force_login(user)
        assert client.post(url, {**data, "file": pdf()}).status_code == expected
    assert not ServiceAgreement.unscoped.exists()
    client.force_login(a.si_agency)
    response = client.post(url, {**data, "file": pdf("agreement.pdf")})
    assert response.status_code == 302
    assert response["Location"] == f"/procurement/{procurement.pk}/"
    agreement = ServiceAgreement.unscoped.get()
    assert agreement.award.procurement == procurement
    page = client.get(f"/procurement/{procurement.pk}/", **EN)
    assert b'data-testid="agreement"' in page.content
    assert reverse("contracts:payment", args=[procurement.pk]).encode() in page.content
    assert not Payment.unscoped.exists()
