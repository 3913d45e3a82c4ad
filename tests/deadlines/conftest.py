import pytest

from apps.deadlines.calendar import clear_calendar_cache


@pytest.fixture(autouse=True)
def _fresh_calendar():
    # Entered schedules are cached per process; each test starts from its own database.
    clear_calendar_cache()
    yield
    clear_calendar_cache()


@pytest.fixture(autouse=True)
def _english():
    # Assertions below quote the English messages; the platform itself defaults to Chinese.
    from django.utils import translation

    with translation.override("en"):
        yield
