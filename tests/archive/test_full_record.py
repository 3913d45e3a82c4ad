"""A project through every stage with the real services, archived on its own merits (issue 15
item 8): the demo's accepted project (demo/acceptance.py + demo/archive.py: added by an
adjustment, procured, awarded, its plan approved, contracted with the advance paid, its
supervision plan approved, the pre-start package approved, a class with its roster, confirmed
attendance, exam results and the session's recording, spending, monthly and periodic reports,
accepted 合格 with the auditor's and an expert's opinions, the balance paid). No checklist is
stubbed: the completeness check passes by what the services wrote. The evaluation agency
archives it from its page, the project is read-only, and the office's zip holds every document
with hashes that match."""

import datetime
import hashlib
import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.accounts.models import User
from apps.archive.completeness import project_completeness
from apps.archive.models import ArchiveBundle, BundleStatus
from apps.evidence.models import EvidenceVersion
from apps.implementation.models import FundsEntry
from apps.implementation.services import funds_entry_add
from apps.projects.models import ProjectStage
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_project(monkeypatch):
    """The demo as scripts/run.sh loads it, but the archive step left to the test."""
    import demo.acceptance
    from demo.seed import demo_seed

    monkeypatch.setattr(demo.acceptance, "_try_archive", lambda project: None)
    demo_seed()
    project = demo.acceptance.demo_accepted_project()
    assert project.stage == ProjectStage.PAYMENT
    return project


def test_a_project_through_every_stage_is_archived_and_zipped(
    paid_project, client, django_capture_on_commit_callbacks
):
    project = paid_project
    check = project_completeness(project)
    assert check.complete, check.missing_text()
    stages = {s.stage: s for s in check.stages}
    assert list(stages) == ["procurement", "implementation", "acceptance", "payment"]
    assert all(i.met for s in check.stages for i in s.items if i.required)
    # What the services wrote on the way (demo/archive.py), none of it left out.
    from apps.implementation.models import MonthlyReport
    from apps.supervision.models import PeriodicReport, SupervisionPlan
    from apps.training.recordings_models import Recording

    assert SupervisionPlan.unscoped.get(project=project).status == "approved"
    assert PeriodicReport.unscoped.filter(project=project).count() == 1
    months = MonthlyReport.unscoped.filter(project=project)
    assert months.count() == 4 and {m.status for m in months} == {"submitted"}
    recording = Recording.unscoped.get(session__training_class__project=project)
    assert (recording.height, recording.frame_rate) == (1080, 25.0)
    assert recording.duration_seconds == pytest.approx(3600, abs=1)
    assert recording.start_source == "creation_time"
    # The evaluation agency archives it from its page (the rendered form).
    client.force_login(User.unscoped.get(username="evaluator"))
    client.cookies["django_language"] = "en"
    page = client.get(reverse("archive:project", args=[project.pk]))
    assert b"The record is complete." in page.content
    form_submit(client, page, "form[data-testid=archive-form]", data={"note": "资料齐全"})
    project.refresh_from_db()
    assert project.stage == ProjectStage.ARCHIVED
    # Read-only: a write of the project's agency is refused, nothing is saved.
    spent = FundsEntry.unscoped.filter(project=project).count()
    agency = User.unscoped.get(username="implementer")
    with pytest.raises(ValidationError, match=r"(?i)archived"):
        funds_entry_add(
            user=agency,
            project=project,
            direction="spent",
            entry_date=datetime.date(2026, 11, 25),
            item="补记费用",
            amount="100.00",
            voucher_file=SimpleUploadedFile("v.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        )
    assert FundsEntry.unscoped.filter(project=project).count() == spent
    # …a new document of the project, and a change of one of its rows from any service.
    from apps.evidence.services import evidence_upload

    with pytest.raises(ValidationError, match="read-only"):
        evidence_upload(
            uploaded_by=agency,
            uploaded_file=SimpleUploadedFile("late.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
            purpose="report",
            title="补交材料",
            jurisdiction=project.jurisdiction,
            project=project,
        )
    entry = FundsEntry.unscoped.filter(project=project).first()
    entry.note = "改写"
    with pytest.raises(ValidationError, match="read-only"):
        entry.save()
    entry.refresh_from_db()
    assert entry.note != "改写"
    # The office of the project's level builds the zip from its page and downloads it.
    client.force_login(User.unscoped.get(username="sjz_office"))
    page = client.get(reverse("archive:project", args=[project.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        form_submit(client, page, "form[data-testid=archive-bundle-form]")
    bundle = ArchiveBundle.unscoped.get(project=project)
    assert bundle.status == BundleStatus.DONE, bundle.error
    response = client.get(reverse("archive:download", args=[project.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == bundle.sha256
    with default_storage.open(bundle.storage_name, "rb") as stored:
        assert stored.read() == content
    archive = zipfile.ZipFile(io.BytesIO(content))
    manifest = json.loads(archive.read("manifest.json"))
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(archive.namelist()) - {"manifest.json"}
    for path, row in listed.items():
        data = archive.read(path)
        assert len(data) == row["size"] and hashlib.sha256(data).hexdigest() == row["sha256"]
    # Every version of every document of the project, the recording among them.
    versions = EvidenceVersion.objects.filter(evidence_file__project=project)
    documents = [p for p in listed if p.startswith("documents/")]
    assert len(documents) == versions.count()
    assert {v.blob.sha256 for v in versions} == {listed[p]["sha256"] for p in documents}
    assert any(p.endswith(".mp4") for p in documents)
    assert json.loads(archive.read("completeness.json"))["complete"] is True
    trail = json.loads(archive.read("audit/audit_trail.json"))
    assert any(e["message"].endswith("资料齐全") or "资料齐全" in e["message"] for e in trail)
