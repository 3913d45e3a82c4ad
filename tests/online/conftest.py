import pytest
from django.core.cache import cache

from apps.training import faces
from tests.online.world import build_online
from tests.training.world import STUB


@pytest.fixture(autouse=True)
def _stub_verifier(settings):
    settings.WIPP_TRAINING_FACE_VERIFIER = STUB
    faces._verifier_for.cache_clear()
    yield
    faces._verifier_for.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def online(db):
    return build_online()
