"""Calls' constraints in plain words (issue 13 item 10): a call closing before it opens, a
limit per application above the budget or a call accepting no kind of project is refused from
the rendered edit page with a message on the field; the model's checks name what is wrong,
never the constraint."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.calls.models import AnnualCall, CallStatus
from tests.calls.factories import CallFactory
from tests.factories import UserFactory
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db


def test_a_call_closing_before_it_opens_is_refused_in_plain_words(client):
    call = CallFactory(status=CallStatus.DRAFT)
    client.force_login(UserFactory(role="office", organisation__jurisdiction=call.jurisdiction))
    client.cookies["django_language"] = "en"
    page = client.get(f"/calls/{call.pk}/edit/")
    response = form_submit(
        client,
        page,
        "form[novalidate]",
        data={
            "opens_at": "2027-03-01T09:00",
            "closes_at": "2027-02-01T09:00",
            "max_amount_per_application": str(call.budget_total + 1),
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The deadline must be after the opening." in body
    assert "The maximum per application is more than the call&#x27;s budget total." in body
    assert "Constraint" not in body and "call_window_in_order" not in body
    saved = AnnualCall.unscoped.get(pk=call.pk)
    assert (saved.opens_at, saved.closes_at) == (call.opens_at, call.closes_at)


def test_the_models_checks_name_what_is_wrong():
    call = AnnualCall.unscoped.get(pk=CallFactory().pk)
    call.closes_at = call.opens_at
    call.max_amount_per_application = call.budget_total + 1
    call.allows_training = call.allows_promotion = False
    with translation.override("en"), pytest.raises(ValidationError) as error:
        call.validate_constraints()
    assert sorted(error.value.messages) == [
        "The call must accept at least one kind of project (training or promotion).",
        "The call must close after it opens.",
        "The limit per application must be more than zero and within the call's budget.",
    ]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        call.validate_constraints()
    assert not any("约束" in m for m in error.value.messages)
