import pytest
from django.utils import translation

from apps.deadlines.calendar import clear_calendar_cache
from tests.acceptance.world import build


@pytest.fixture(autouse=True)
def _english_messages():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_calendar():
    clear_calendar_cache()
    yield
    clear_calendar_cache()


@pytest.fixture
def world(db, monkeypatch):
    return build(monkeypatch)
