"""Two uploads of the same content at the same time, on real database connections.

The StoredBlob row is the lock on the content's storage name: the second upload waits for the
first to commit (and reuses its blob) or to roll back (and then stores the content itself).
Needs a server database (PostgreSQL; CI runs the suite on it too): SQLite's in-memory test
database shares one cache between threads and refuses concurrent writers outright.
"""

import threading
import time

import pytest
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection

from apps.evidence.models import EvidenceFile, EvidenceVersion, StoredBlob
from apps.evidence.services import evidence_upload

from .factories import pdf_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _server_database():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")


def _run_in_thread(name, target, results):
    def run():
        try:
            results[name] = target()
        except Exception as exc:  # reported to the test
            results[name] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


@pytest.fixture
def slow_storage(monkeypatch):
    """Writing takes a while, so the second upload arrives while the first one writes."""
    real_save = FileSystemStorage._save

    def slow_save(self, name, content):
        time.sleep(0.4)
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", slow_save)


def _upload_as(user, content, title):
    def upload_it():
        return evidence_upload(
            uploaded_by=user,
            uploaded_file=upload("plan.pdf", content),
            purpose="general",
            title=title,
            jurisdiction=user.organisation.jurisdiction,
        )

    return upload_it


def test_simultaneous_identical_uploads_store_the_content_once(
    office_a, slow_storage, stored_objects
):
    content = pdf_bytes("simultaneous")
    results = {}
    first = _run_in_thread("first", _upload_as(office_a, content, "甲"), results)
    time.sleep(0.1)
    second = _run_in_thread("second", _upload_as(office_a, content, "乙"), results)
    first.join(30)
    second.join(30)

    assert isinstance(results["first"], EvidenceVersion), results["first"]
    assert isinstance(results["second"], EvidenceVersion), results["second"]
    assert StoredBlob.objects.count() == 1
    assert EvidenceFile.unscoped.count() == 2
    assert stored_objects() == [StoredBlob.objects.get().storage_name]


def test_waiting_upload_stores_the_content_when_the_first_one_fails(
    office_a, slow_storage, monkeypatch, stored_objects
):
    content = pdf_bytes("first one fails")
    real_save = EvidenceVersion.save

    def save_failing_in_first_thread(self, *args, **kwargs):
        if threading.current_thread().name == "first":
            raise RuntimeError("the first upload's database write failed")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(EvidenceVersion, "save", save_failing_in_first_thread)
    results = {}
    first = _run_in_thread("first", _upload_as(office_a, content, "甲"), results)
    time.sleep(0.1)
    second = _run_in_thread("second", _upload_as(office_a, content, "乙"), results)
    first.join(30)
    second.join(30)

    assert isinstance(results["first"], RuntimeError)
    assert isinstance(results["second"], EvidenceVersion), results["second"]
    blob = StoredBlob.objects.get()
    assert stored_objects() == [blob.storage_name]
    evidence_file = EvidenceFile.unscoped.get()
    assert evidence_file.title == "乙"
    with storages["evidence"].open(blob.storage_name, "rb") as stored:
        assert stored.read() == content
