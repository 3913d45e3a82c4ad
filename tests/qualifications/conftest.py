import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_check_texts():
    """Check lines are rendered in the active language; the assertions on their evidence
    read the English source texts."""
    with translation.override("en"):
        yield
