"""A roster import in small transactions (issue 11 item 5): the rows are checked all or nothing
first, then written a chunk per transaction with progress, each chunk with one audit entry
(row count and digest, no ID number in clear); an import stopped midway keeps the rows written,
its preview says so and checks only the rest, and confirming again imports the rest once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from apps.audit.chain import rows_digest
from apps.audit.models import AuditAction, AuditEntry
from apps.audit.services import json_safe
from apps.batches.models import BatchRun, BatchStatus
from apps.core.validators import make_resident_id
from apps.findings.models import Finding
from apps.training import roster_services, services
from apps.training.models import RosterImport, RosterImportStatus, Trainee
from tests.rendered_forms import form_submit
from tests.training.test_services import row, workbook

pytestmark = pytest.mark.django_db


NAMES = "甲乙丙丁戊己庚辛"  # a name has no digits


def _ids(n):
    return [make_resident_id("130102", datetime.date(1990, 1, 1 + i), 11 + 2 * i) for i in range(n)]


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(roster_services, "ROSTER_CHUNK", 3)
    monkeypatch.setattr("apps.batches.services.CHUNK_SECONDS", 3600)
    monkeypatch.setattr("apps.batches.services.SQLITE_CHUNK_SECONDS", 3600)


def _preview(a, rows):
    return services.roster_preview(
        user=a.agency, training_class=a.training_class, uploaded_file=workbook(rows)
    )


def _trainee_entries():
    return AuditEntry.unscoped.filter(object_type="training.Trainee").order_by("pk")


def test_a_roster_is_written_in_chunks_each_with_one_audit_entry(world, small_chunks):
    a, _ = world
    ids = _ids(7)
    # Row 3 says 女 for a man's ID number: imported, with a finding.
    rows = [row(f"学员{NAMES[i]}", rid, "女" if i == 1 else "") for i, rid in enumerate(ids)]
    preview = _preview(a, rows)
    before = _trainee_entries().count()
    trainees = services.roster_confirm(user=a.agency, roster_import=preview)
    assert len(trainees) == 7
    entries = list(_trainee_entries())[before:]
    assert [(e.action, e.after["rows"]) for e in entries] == [
        (AuditAction.CREATE, 3),
        (AuditAction.CREATE, 3),
        (AuditAction.CREATE, 1),
    ]
    assert all(e.object_id == "" and e.project_id == a.project.pk for e in entries)
    assert [e.after["file_rows"] for e in entries] == [[2, 4], [5, 7], [8, 8]]
    stored = list(
        Trainee.unscoped.filter(pk__in=[t.pk for t in trainees[:3]])
        .order_by("pk")
        .values(*roster_services.TRAINEE_AUDITED)
    )
    assert entries[0].after["digest"] == rows_digest(json_safe(stored))
    assert not any(rid in str(e.after) for e in entries for rid in ids)
    finding = Finding.unscoped.get(rule_code="TR-ROSTER-ID-MISMATCH")
    assert finding.subject_id == trainees[1].pk
    preview.refresh_from_db()
    assert (preview.status, preview.rows) == (RosterImportStatus.CONFIRMED, "[]")
    run = services.roster_import_progress(preview)
    assert (run.status, run.done, run.total) == (BatchStatus.FINISHED, 7, 7)


def test_a_crash_midway_keeps_the_chunks_written_and_confirming_again_imports_the_rest(
    world, small_chunks, monkeypatch
):
    a, _ = world
    ids = _ids(7)
    preview = _preview(a, [row(f"学员{NAMES[i]}", rid) for i, rid in enumerate(ids)])
    real_write = roster_services._roster_chunk_write
    calls = []

    def crashing(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real_write(**kwargs)

    monkeypatch.setattr(roster_services, "_roster_chunk_write", crashing)
    with pytest.raises(RuntimeError, match="worker killed"):
        services.roster_confirm(user=a.agency, roster_import=preview)
    assert Trainee.unscoped.filter(training_class=a.training_class).count() == 3
    preview.refresh_from_db()
    assert preview.status == RosterImportStatus.PREVIEW
    run = BatchRun.objects.get(kind=roster_services.ROSTER_KIND)
    assert (run.status, run.done, run.total, run.cursor) == (BatchStatus.FAILED, 3, 7, 4)
    # What is left is checked against the trainees on file, without flagging those written.
    left = services.roster_import_checks(preview)
    assert [c.number for c in left] == [5, 6, 7, 8]
    assert not any(c.errors for c in left)

    monkeypatch.setattr(roster_services, "_roster_chunk_write", real_write)
    rest = services.roster_confirm(user=a.agency, roster_import=preview)
    assert [t.name for t in rest] == ["学员丁", "学员戊", "学员己", "学员庚"]
    on_roster = Trainee.unscoped.filter(training_class=a.training_class)
    assert sorted(t.resident_id for t in on_roster) == sorted(ids)
    run.refresh_from_db()
    assert (run.status, run.done, run.attempts) == (BatchStatus.FINISHED, 7, 2)
    assert sum(e.after["rows"] for e in _trainee_entries()) >= 7


def test_an_import_going_on_refuses_a_second_confirmation(world):
    a, _ = world
    preview = _preview(a, [row("学员", _ids(1)[0])])
    now = timezone.now()
    BatchRun.objects.create(
        kind=roster_services.ROSTER_KIND, key=str(preview.pk), started_at=now, updated_at=now
    )
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.roster_confirm(user=a.agency, roster_import=preview)
    assert "being imported now" in " ".join(refused.value.messages)
    assert not Trainee.unscoped.filter(training_class=a.training_class).exists()


def test_the_preview_of_a_stopped_import_shows_its_progress_and_resumes_from_the_page(
    client, world, small_chunks, monkeypatch
):
    a, _ = world
    ids = _ids(5)
    preview = _preview(a, [row(f"学员{NAMES[i]}", rid) for i, rid in enumerate(ids)])
    monkeypatch.setattr(roster_services, "ROSTER_CHUNK", 2)
    real_write = roster_services._roster_chunk_write
    calls = []

    def crashing(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real_write(**kwargs)

    monkeypatch.setattr(roster_services, "_roster_chunk_write", crashing)
    with pytest.raises(RuntimeError):
        services.roster_confirm(user=a.agency, roster_import=preview)
    monkeypatch.setattr(roster_services, "_roster_chunk_write", real_write)
    client.force_login(a.agency)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("training:roster_preview", args=[preview.pk]))
    body = page.content.decode()
    assert 'data-testid="import-progress"' in body and 'data-testid="roster-resume"' in body
    assert "after row 3" in body
    assert body.count("data-row=") == 3  # rows 4 to 6 are left
    assert 'data-testid="roster-errors"' not in body
    response = form_submit(client, page, "form[data-testid=roster-confirm-form]")
    assert response.url == reverse("training:class", args=[a.training_class.pk])
    assert Trainee.unscoped.filter(training_class=a.training_class).count() == 5
    assert RosterImport.unscoped.get(pk=preview.pk).status == RosterImportStatus.CONFIRMED
    page = client.get(response.url)
    assert "3 trainees imported." in page.content.decode()
