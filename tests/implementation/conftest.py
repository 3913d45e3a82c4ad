import pytest

from apps.deadlines.calendar import clear_calendar_cache
from tests.implementation.world import build_world


@pytest.fixture(autouse=True)
def _fresh_calendar():
    clear_calendar_cache()
    yield
    clear_calendar_cache()


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def en(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
