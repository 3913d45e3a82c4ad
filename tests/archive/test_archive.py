"""The archive (HB §23): the completeness check by stage, the evaluation agency's archive step
(refused while incomplete, with the list; refused to others), the project read-only afterwards
(every step of every table and every upload refused), and the office's zip of the whole record
(manifest hashes match the files, the audit trail in it, the download audited)."""

import csv
import datetime
import hashlib
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from apps.acceptance import services as acceptance
from apps.archive import completeness, services
from apps.audit.models import AuditEntry
from apps.contracts.services import payment_record
from apps.evidence.models import EvidenceFile
from apps.evidence.services import evidence_upload
from apps.projects.models import ProjectStage
from apps.projects.services import project_stage_advance
from tests.acceptance.world import apply, evaluate
from tests.implementation.world import pdf
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db


def _accepted_and_paid(w, clock):
    application = apply(w)
    clock.set(2026, 11, 23)
    evaluate(w, application)
    clock.set(2026, 11, 24)
    acceptance.acceptance_decide(user=w.office, application=application, action="accept")
    payment_record(
        user=w.si,
        agreement=w.agreement,
        kind="balance",
        amount=Decimal("150000.00"),
        paid_on=datetime.date(2026, 11, 27),
        uploaded_file=pdf("voucher.pdf"),
    )
    w.project.refresh_from_db()
    application.refresh_from_db()
    return application


def _package(w):
    from apps.implementation.services import package_for

    return package_for(w.project)


def test_completeness_lists_every_stage_with_its_met_and_missing_items(world):
    a, _b, clock = world
    _accepted_and_paid(a, clock)
    check = completeness.project_completeness(a.project)
    stages = {s.stage: s for s in check.stages}
    assert list(stages) == ["procurement", "implementation", "acceptance", "payment"]
    # The world's procurement has no filed documents, the project no pre-start package.
    assert {i.code for i in stages["procurement"].missing} >= {"tender_documents", "winning_bid"}
    assert [i.code for i in stages["implementation"].missing] == ["prestart_package"]
    acceptance_items = {i.code: i for i in stages["acceptance"].items}
    assert acceptance_items["acceptance_opinion"].met
    assert acceptance_items["evaluation_report"].met
    assert acceptance_items["application_form"].met
    assert not acceptance_items["recordings"].met
    assert stages["payment"].complete
    assert not check.complete
    _package(a)
    check = completeness.project_completeness(a.project)
    implementation = next(s for s in check.stages if s.stage == "implementation")
    assert "plan_table" in {i.code for i in implementation.missing}
    assert "other" not in {i.code for i in implementation.missing}  # optional


def test_the_ledger_not_closed_is_missing(world):
    a, _b, _clock = world
    application = apply(a)
    evaluate(a, application)
    acceptance.acceptance_decide(user=a.office, application=application, action="accept")
    a.project.refresh_from_db()
    payment = next(
        s for s in completeness.project_completeness(a.project).stages if s.stage == "payment"
    )
    assert [i.code for i in payment.missing] == ["ledger_closed"]
    assert payment.missing[0].detail == "150000.00 / 300000.00"


def test_archive_refused_while_incomplete_with_the_list(world):
    a, _b, clock = world
    _accepted_and_paid(a, clock)
    with pytest.raises(ValidationError) as refused:
        services.project_archive(user=a.evaluator, project=a.project)
    message = " ".join(refused.value.messages)
    assert "The record is not complete yet" in message
    assert "Procurement: " in message and "Implementation: " in message
    a.project.refresh_from_db()
    assert a.project.stage == ProjectStage.PAYMENT


def test_only_the_projects_evaluation_agency_archives(world, all_met):
    a, b, clock = world
    _accepted_and_paid(a, clock)
    for user in (a.office, a.agency, b.evaluator):
        with pytest.raises((PermissionDenied, ValidationError)):
            services.project_archive(user=user, project=a.project)
    a.project.refresh_from_db()
    assert a.project.stage == ProjectStage.PAYMENT


def test_archive_waits_for_the_balance_payment_stage(world, all_met):
    a, _b, _clock = world
    with pytest.raises(ValidationError):
        services.project_archive(user=a.evaluator, project=a.project)  # implementation


def _archived(a, clock):
    application = _accepted_and_paid(a, clock)
    _package(a)
    services.project_archive(user=a.evaluator, project=a.project, note="资料齐全")
    a.project.refresh_from_db()
    assert a.project.stage == ProjectStage.ARCHIVED
    return application


def test_once_complete_the_evaluation_agency_archives_and_the_project_is_read_only(world, all_met):
    a, _b, clock = world
    application = _archived(a, clock)
    entry = (
        AuditEntry.unscoped.filter(
            object_type="projects.Project", object_id=str(a.project.pk), action="transition"
        )
        .order_by("id")
        .last()
    )
    assert entry.after == {"stage": "archived"} and "资料齐全" in entry.message
    # Every step of every table refuses a row of the archived project…
    with pytest.raises(ValidationError, match="archived"):
        acceptance.expert_opinion_record(user=a.expert, application=application, opinion="补充")
    package = _package(a)
    from apps.core.workflow import transition_apply
    from apps.implementation.workflow import PRESTART_WORKFLOW

    with pytest.raises(ValidationError, match="archived"):
        transition_apply(table=PRESTART_WORKFLOW, instance=package, action="submit", user=a.agency)
    # …and every upload: a new document of the project, a new version of one of its documents.
    with pytest.raises(ValidationError, match="archived"):
        evidence_upload(
            uploaded_by=a.agency,
            uploaded_file=pdf("late.pdf"),
            purpose="report",
            title="补交材料",
            jurisdiction=a.project.jurisdiction,
            project=a.project,
        )
    document = EvidenceFile.unscoped.get(pk=application.form_document_id)
    with pytest.raises(ValidationError, match="archived"):
        evidence_upload(uploaded_by=a.agency, uploaded_file=pdf("v2.pdf"), replaces=document,
                        purpose="", title="")  # fmt: skip
    with pytest.raises(ValidationError):
        payment_record(
            user=a.si,
            agreement=a.agreement,
            kind="other",
            amount=Decimal("1.00"),
            paid_on=datetime.date(2026, 12, 1),
            uploaded_file=pdf("v.pdf"),
        )
    with pytest.raises(ValidationError):
        services.project_archive(user=a.evaluator, project=a.project)
    with pytest.raises(ValidationError):
        project_stage_advance(user=a.evaluator, project=a.project, action="archive")
    assert EvidenceFile.unscoped.filter(project=a.project, title="补交材料").count() == 0


def test_a_direct_change_to_an_archived_projects_row_is_refused(world, all_met):
    """Also writes that are neither a step nor an upload (a save or delete from any service)."""
    a, _b, clock = world
    application = _archived(a, clock)
    application.refresh_from_db()
    application.summary = "改写"
    with pytest.raises(ValidationError, match="archived"):
        application.save()
    from apps.projects.models import ProjectParticipant

    participant = ProjectParticipant.objects.filter(project=a.project).first()
    with pytest.raises(ValidationError, match="archived"), transaction.atomic():
        participant.delete()
    assert ProjectParticipant.objects.filter(pk=participant.pk).exists()


def test_the_office_downloads_the_whole_record_with_matching_hashes(
    world, all_met, client, django_capture_on_commit_callbacks
):
    a, b, clock = world
    application = _archived(a, clock)
    url = reverse("archive:download", args=[a.project.pk])
    client.force_login(a.office)
    page = client.get(reverse("archive:project", args=[a.project.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        form_submit(client, page, "form[data-testid=archive-bundle-form]")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["project"]["code"] == a.project.code
    assert manifest["project"]["stage"] == "archived"
    assert manifest["project"]["paid_total"] == manifest["project"]["contract_amount"]
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(archive.namelist()) - {"manifest.json"}
    for path, row in listed.items():
        content = archive.read(path)
        assert len(content) == row["size"]
        assert hashlib.sha256(content).hexdigest() == row["sha256"]
    # Every version of every document of the project, with the store's own hash.
    documents = [p for p in listed if p.startswith("documents/")]
    form = EvidenceFile.unscoped.get(pk=application.form_document_id)
    assert any(f"/{form.pk}-" in p for p in documents)
    assert any(listed[p]["sha256"] == form.current_version.blob.sha256 for p in documents)
    assert {"acceptance/工伤预防项目验收表.pdf", "acceptance/工伤预防项目验收表.docx"} <= set(
        listed
    )
    # The audit trail: the project's entries in plain words with the chain fields.
    trail = json.loads(archive.read("audit/audit_trail.json"))
    assert manifest["audit_entries"] == len(trail)
    archived = [
        e for e in trail if e["action"] == "transition" and e["object_type"] == "projects.Project"
    ]
    assert archived[-1]["changes"][-1]["after"] == str(ProjectStage.ARCHIVED.label)
    assert {"chained_seq", "previous_hash", "entry_hash", "key_id"} <= set(trail[0])
    rows = list(csv.DictReader(io.StringIO(archive.read("audit/audit_trail.csv").decode()[1:])))
    assert [int(r["id"]) for r in rows] == [e["id"] for e in trail]
    assert json.loads(archive.read("completeness.json"))["complete"] is True
    # The download is logged.
    assert AuditEntry.unscoped.filter(
        action="download", object_type="projects.Project", object_id=str(a.project.pk)
    ).exists()
    # Others: the other city's office does not see it, the evaluator may not download it.
    client.force_login(b.office)
    assert client.get(url).status_code == 404
    client.force_login(a.evaluator)
    assert client.get(url).status_code == 403


def test_a_changed_stored_file_is_refused_not_zipped(world, all_met):
    from apps.archive.bundle import StoredFileChanged, archive_zip_write
    from apps.evidence.services import evidence_storage

    a, _b, clock = world
    application = _archived(a, clock)
    blob = EvidenceFile.unscoped.get(pk=application.form_document_id).current_version.blob
    storage = evidence_storage()
    storage.delete(blob.storage_name)
    storage.save(blob.storage_name, io.BytesIO(b"%PDF-1.4 changed"))
    with pytest.raises(StoredFileChanged):
        archive_zip_write(project=a.project)


def test_no_download_before_the_archive(world, client):
    a, _b, clock = world
    _accepted_and_paid(a, clock)
    client.force_login(a.office)
    assert client.get(reverse("archive:download", args=[a.project.pk])).status_code == 403


def test_the_evaluation_agency_archives_from_the_page(world, all_met, client):
    a, _b, clock = world
    _accepted_and_paid(a, clock)
    _package(a)
    client.force_login(a.evaluator)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("archive:project", args=[a.project.pk]))
    assert b'data-testid="stage-procurement"' in page.content
    form_submit(client, page, "form[data-testid=archive-form]", data={"note": "归档"})
    a.project.refresh_from_db()
    assert a.project.stage == ProjectStage.ARCHIVED
    client.force_login(a.office)
    page = client.get(reverse("archive:project", args=[a.project.pk]))
    assert b'data-testid="archive-bundle-form"' in page.content
    assert b'data-testid="archive-form"' not in page.content


def test_the_page_shows_what_is_missing_and_the_refusal(world, client):
    a, _b, clock = world
    _accepted_and_paid(a, clock)
    client.force_login(a.evaluator)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("archive:project", args=[a.project.pk]))
    assert b'data-testid="item-implementation-prestart_package"' in page.content
    response = form_submit(client, page, "form[data-testid=archive-form]", data={"note": ""})
    a.project.refresh_from_db()
    assert a.project.stage == ProjectStage.PAYMENT
    followed = client.get(response.url)
    assert "The record is not complete yet" in followed.content.decode()
