import pytest

from apps.training import faces
from tests.training.world import STUB, build_world


@pytest.fixture(autouse=True)
def _stub_verifier(settings):
    settings.WIPP_TRAINING_FACE_VERIFIER = STUB
    faces._verifier_for.cache_clear()
    yield
    faces._verifier_for.cache_clear()


@pytest.fixture
def world(db):
    return build_world()
