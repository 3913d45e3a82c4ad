import pytest
from django.utils import translation

from apps.deadlines.calendar import clear_calendar_cache


@pytest.fixture(autouse=True)
def _english_messages():
    # Messages are asserted by their English text, whatever the catalogue holds.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_calendar():
    clear_calendar_cache()
    yield
    clear_calendar_cache()
