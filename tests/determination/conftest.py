import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    # Assertions quote the English messages; the platform itself defaults to Chinese, and a test
    # run alone must not depend on a language left active by another test.
    with translation.override("en"):
        yield
