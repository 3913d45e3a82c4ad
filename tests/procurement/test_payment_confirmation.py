"""Paying is irreversible (the ledger is append-only): the payment form states that and asks
for a confirmation before anything is recorded (issue 13 item 11). Submitted from the
rendered detail page."""

import pytest
from django.conf import settings

from apps.contracts.selectors import payments_of
from tests.procurement.world import build_world, contracted, pdf
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ADVANCE = {"kind": "advance", "amount": "234000.00", "paid_on": "2026-11-12"}


@pytest.fixture
def agency_page(client):
    a, _ = build_world()
    procurement, _award, agreement = contracted(a)
    client.force_login(a.si_agency)
    return client, client.get(f"/procurement/{procurement.pk}/", **EN), agreement


def test_the_payment_form_states_that_a_payment_is_final(agency_page):
    _client, page, _agreement = agency_page
    text = page.content.decode()
    assert "once recorded it cannot be changed or deleted" in text


def test_an_unconfirmed_payment_is_not_recorded(agency_page):
    client, page, agreement = agency_page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = form_submit(
        client,
        page,
        "form[data-testid=payment-form]",
        data={**ADVANCE, "file": pdf("voucher.pdf"), "confirmed": None},
    )
    assert response.status_code == 400
    assert b"Confirm the payment before it is recorded." in response.content
    assert not list(payments_of(agreement))


def test_a_confirmed_payment_is_recorded(agency_page):
    client, page, agreement = agency_page
    form_submit(
        client,
        page,
        "form[data-testid=payment-form]",
        data={**ADVANCE, "file": pdf("voucher.pdf"), "confirmed": "on"},
    )
    assert [p.kind for p in payments_of(agreement)] == ["advance"]
