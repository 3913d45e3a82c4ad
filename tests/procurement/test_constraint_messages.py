"""Procurement's constraints in plain words (issue 13 item 10): the service refuses dates out
of order with its own message before the database could, and the model's checks name what is
wrong, not the constraint."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.procurement import services
from apps.procurement.models import Procurement
from tests.procurement.world import build_world, draft

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_bid_opening_before_the_publication_is_refused_in_plain_words():
    a, _ = build_world()
    procurement = draft(a)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.procurement_publish(
            user=a.hrss,
            procurement=procurement,
            published_on=D(2026, 9, 1),
            bid_opening_on=D(2026, 8, 31),
        )
    assert error.value.message_dict["bid_opening_on"] == ["Bids cannot open before publication."]
    procurement.refresh_from_db()
    assert procurement.bid_opening_on is None


def test_the_models_checks_name_what_is_wrong():
    a, _ = build_world()
    procurement = Procurement.unscoped.get(pk=draft(a).pk)
    procurement.published_on, procurement.bid_opening_on = D(2026, 9, 1), D(2026, 8, 1)
    procurement.budget_amount = -1
    for language, expected in (
        ("en", "The bid opening must not be before the publication."),
        ("zh-hans", "开标日期不能早于发布日期。"),
    ):
        with translation.override(language), pytest.raises(ValidationError) as error:
            procurement.validate_constraints()
        text = " ".join(error.value.messages)
        assert expected in text
        assert "Constraint" not in text and "约束" not in text
