import pytest
from django.utils import translation

from apps.archive import completeness
from apps.checklists.engine import ChecklistResult, ItemResult, checklist_evaluate
from apps.deadlines.calendar import clear_calendar_cache
from tests.acceptance.world import build
from tests.evidence.conftest import moto_s3_server, s3_client  # noqa: F401 — S3 fixtures


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


@pytest.fixture(autouse=True)
def _isolated_default_storage(settings, tmp_path):
    """The record's zips go to the default storage: a directory of this test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture
def all_met(monkeypatch):
    """Every checklist item met, as if every document of every stage were on the platform;
    the stage records themselves (procurement, package, accepted application, ledger) are
    still checked for real."""

    def evaluate_met(*, code, subject, context=None):
        result = checklist_evaluate(code=code, subject=subject, context=context)
        return ChecklistResult(
            checklist=result.checklist,
            results=tuple(
                ItemResult(item=r.item, met=True, detail=r.detail, links=r.links)
                for r in result.results
            ),
        )

    monkeypatch.setattr(completeness, "checklist_evaluate", evaluate_met)
