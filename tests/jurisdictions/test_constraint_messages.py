"""Jurisdictions' constraints in plain words (issue 13 item 10). Their rows are loaded from
``apps/jurisdictions/data/*.json`` by the platform, with no page that writes them; should
one appear, a model form's constraint check already gives these messages, not the
constraints' names."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.jurisdictions.models import AnnualSetting
from tests.factories import CityFactory

pytestmark = pytest.mark.django_db


def test_a_second_setting_for_the_year_and_a_negative_total_are_named_in_plain_words():
    city = CityFactory()
    AnnualSetting.objects.create(jurisdiction=city, year=2027, budget_total=1000)
    again = AnnualSetting(jurisdiction=city, year=2027, budget_total=-1)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        again.validate_constraints()
    assert sorted(error.value.messages) == [
        "The fund total cannot be negative.",
        "This jurisdiction already has settings for this year.",
    ]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        again.validate_constraints()
    assert not any("约束" in m for m in error.value.messages)
