"""Rectification's constraints in plain words (issue 13 item 10): the office urging an order
without the new day is refused from the rendered form with a message on the field (the form
requires the day, the service asks for it again) and the order stays escalated; the model's
checks name what is wrong, never the constraint."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from apps.rectification.models import OrderState, RectificationOrder
from tests.rectification.test_services import escalated, refresh
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db


def test_urging_without_the_new_day_is_refused_in_plain_words(client, world):
    a, _b, clock = world
    order = escalated(a, clock)
    client.force_login(a.office)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("rectification:urge", args=[order.pk]))
    response = form_submit(
        client, page, "form[data-testid=urge-form]", data={"note": "限期整改", "deadline": ""}
    )
    body = response.content.decode()
    assert "This field is required." in body
    assert "Constraint" not in body and "urged_order_has_deadline" not in body
    assert refresh(order).state == OrderState.ESCALATED


def test_the_models_checks_name_what_is_wrong(world):
    a, _b, clock = world
    order = RectificationOrder.unscoped.get(pk=escalated(a, clock).pk)
    order.urged_at, order.urged_deadline = order.issued_at, None
    order.state, order.closed_at = OrderState.CLOSED, None
    with translation.override("en"), pytest.raises(ValidationError) as error:
        order.validate_constraints()
    assert sorted(error.value.messages) == [
        "A closed order keeps the time it was closed.",
        "Give the new deadline when urging the order.",
    ]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        order.validate_constraints()
    assert not any("约束" in m for m in error.value.messages)
