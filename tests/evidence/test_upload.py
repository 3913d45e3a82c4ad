"""evidence_upload: content addressing, versions, real-type checks, scope, nothing half-saved."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts.roles import Role
from apps.audit.models import AuditAction, AuditEntry
from apps.evidence import services
from apps.evidence.models import EvidenceFile, EvidenceVersion, StoredBlob
from apps.evidence.services import blob_storage_name, evidence_upload
from tests.factories import ProjectFactory, UserFactory

from .factories import (
    EvidenceUploadFactory,
    docx_bytes,
    image_bytes,
    mp4_bytes,
    pdf_bytes,
    png_bytes,
    upload,
    xlsx_bytes,
    zip_bytes,
)

pytestmark = pytest.mark.django_db


def _upload(user, name, content, purpose="general", **kwargs):
    kwargs.setdefault("title", "实施方案")
    kwargs.setdefault("jurisdiction", user.organisation.jurisdiction)
    kwargs.setdefault("organisation", user.organisation)
    return evidence_upload(
        uploaded_by=user, uploaded_file=upload(name, content), purpose=purpose, **kwargs
    )


def _assert_nothing_stored(stored_objects):
    assert EvidenceFile.unscoped.count() == 0
    assert EvidenceVersion.objects.count() == 0
    assert StoredBlob.objects.count() == 0
    assert stored_objects() == []


def test_identical_content_is_stored_once(office_a, stored_objects):
    content = pdf_bytes("same content")
    first = _upload(office_a, "plan.pdf", content, title="实施方案")
    second = _upload(office_a, "copy-of-plan.pdf", content, title="实施方案（副本）")

    sha256 = hashlib.sha256(content).hexdigest()
    assert StoredBlob.objects.count() == 1
    blob = StoredBlob.objects.get()
    assert blob.sha256 == sha256
    assert blob.size == len(content)
    assert blob.content_type == "application/pdf"
    assert (
        blob.storage_name
        == blob_storage_name(sha256)
        == f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"
    )
    assert first.evidence_file_id != second.evidence_file_id
    assert first.blob_id == second.blob_id == sha256
    assert (first.original_name, second.original_name) == ("plan.pdf", "copy-of-plan.pdf")
    assert stored_objects() == [blob.storage_name]


def test_new_file_links_owner_purpose_and_current_version(office_a):
    project = ProjectFactory(jurisdiction=office_a.organisation.jurisdiction)
    version = _upload(
        office_a,
        "招标文件.pdf",
        pdf_bytes(),
        purpose="procurement_document",
        title="招标文件",
        project=project,
        note="第一版",
    )
    evidence_file = version.evidence_file
    evidence_file.refresh_from_db()
    assert evidence_file.purpose == "procurement_document"
    assert evidence_file.project == project
    assert evidence_file.organisation == office_a.organisation
    assert evidence_file.jurisdiction == project.jurisdiction
    assert evidence_file.created_by == office_a
    assert evidence_file.current_version == version
    assert (version.number, version.uploaded_by, version.note) == (1, office_a, "第一版")
    assert version.original_name == "招标文件.pdf"


def test_replacing_keeps_history_and_v1_stays_downloadable(office_a):
    v1_content, v2_content, v3_content = pdf_bytes("v1"), pdf_bytes("v2"), pdf_bytes("v3")
    v1 = _upload(office_a, "plan.pdf", v1_content)
    evidence_file = v1.evidence_file
    v2 = evidence_upload(
        uploaded_by=office_a,
        uploaded_file=upload("plan-rev.pdf", v2_content),
        purpose="general",
        title="",
        replaces=evidence_file,
        note="修订",
    )
    v3 = evidence_upload(
        uploaded_by=office_a,
        uploaded_file=upload("plan-final.pdf", v3_content),
        purpose="",
        title="实施方案（定稿）",
        replaces=evidence_file,
    )
    evidence_file.refresh_from_db()
    assert [v.number for v in evidence_file.versions.order_by("number")] == [1, 2, 3]
    assert evidence_file.current_version == v3
    assert evidence_file.title == "实施方案（定稿）"
    assert v2.evidence_file_id == v3.evidence_file_id == evidence_file.pk
    assert EvidenceFile.unscoped.count() == 1

    version, stored = services.evidence_download_open(
        user=office_a, evidence_file_id=evidence_file.pk, version_number=1
    )
    with stored:
        assert version == v1
        assert stored.read() == v1_content
    version, stored = services.evidence_download_open(
        user=office_a, evidence_file_id=evidence_file.pk
    )
    with stored:
        assert version == v3
        assert stored.read() == v3_content


def test_a_new_version_keeps_the_purpose(office_a):
    v1 = _upload(office_a, "plan.pdf", pdf_bytes(), purpose="report")
    with pytest.raises(ValidationError) as exc:
        evidence_upload(
            uploaded_by=office_a,
            uploaded_file=upload("plan.pdf", pdf_bytes()),
            purpose="general",
            title="",
            replaces=v1.evidence_file,
        )
    assert "purpose" in exc.value.message_dict
    assert EvidenceVersion.objects.count() == 1


def test_pdf_name_with_png_content_is_refused_and_leaves_nothing(office_a, stored_objects):
    with pytest.raises(ValidationError) as exc:
        _upload(office_a, "scan.pdf", png_bytes(), purpose="compliance_document")
    message = " ".join(exc.value.message_dict["file"])
    assert "scan.pdf" in message
    assert "a PDF document (.pdf)" in message  # what the name promises
    assert "a PNG image" in message  # what the content is
    assert exc.value.error_dict["file"][0].code == "type_mismatch"
    _assert_nothing_stored(stored_objects)


def test_empty_file_is_refused(office_a, stored_objects):
    with pytest.raises(ValidationError) as exc:
        _upload(office_a, "empty.pdf", b"")
    assert exc.value.message_dict["file"] == ["The file “empty.pdf” is empty."]
    _assert_nothing_stored(stored_objects)


def test_file_over_the_purpose_limit_is_refused(office_a, settings, stored_objects):
    content = pdf_bytes()
    settings.EVIDENCE_PURPOSE_MAX_BYTES = {"general": len(content) - 1}
    with pytest.raises(ValidationError) as exc:
        _upload(office_a, "big.pdf", content)
    assert exc.value.error_dict["file"][0].code == "too_large"
    assert "big.pdf" in exc.value.message_dict["file"][0]
    _assert_nothing_stored(stored_objects)
    # The same file is fine for a purpose whose limit it fits.
    assert _upload(office_a, "big.pdf", content, purpose="report").number == 1


def test_global_ceiling_caps_every_purpose(office_a, settings, stored_objects):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        _upload(office_a, "video.mp4", mp4_bytes(b"\x00" * 200), purpose="recording")
    assert exc.value.error_dict["file"][0].code == "too_large"
    _assert_nothing_stored(stored_objects)


def test_size_is_counted_not_taken_from_the_declared_size(office_a, settings, stored_objects):
    content = pdf_bytes()
    settings.EVIDENCE_PURPOSE_MAX_BYTES = {"general": len(content) - 1}
    lying = upload("plan.pdf", content)
    lying.size = 10
    with pytest.raises(ValidationError):
        evidence_upload(
            uploaded_by=office_a,
            uploaded_file=lying,
            purpose="general",
            title="x",
            jurisdiction=office_a.organisation.jurisdiction,
        )
    _assert_nothing_stored(stored_objects)


@pytest.mark.parametrize(
    ("purpose", "name", "content"),
    [
        ("compliance_document", "agreement.pdf", pdf_bytes()),
        ("compliance_document", "agreement.jpg", image_bytes("JPEG")),
        ("site_photo", "site.jpeg", image_bytes("JPEG")),
        ("site_photo", "site.png", png_bytes()),
        ("site_photo", "site.webp", image_bytes("WEBP")),
        ("procurement_document", "tender.docx", docx_bytes()),
        ("report", "roster.xlsx", xlsx_bytes()),
        ("training_material", "lesson.mp4", mp4_bytes()),
        ("recording", "session.MP4", mp4_bytes()),
    ],
)
def test_accepted_types(office_a, purpose, name, content):
    version = _upload(office_a, name, content, purpose=purpose)
    assert version.blob.size == len(content)


@pytest.mark.parametrize(
    ("purpose", "name", "content", "code", "fragment"),
    [
        # a real PDF, but the purpose takes images only
        ("site_photo", "site.pdf", pdf_bytes(), "type_not_accepted", "a PDF document"),
        # a video is no compliance document
        ("compliance_document", "a.mp4", mp4_bytes(), "type_not_accepted", "an MP4 video"),
        # a plain ZIP named .docx: no word/ inside
        ("report", "plan.docx", zip_bytes(), "type_mismatch", "a ZIP archive"),
        # an Excel workbook named .docx
        ("report", "plan.docx", xlsx_bytes(), "type_mismatch", "an Excel workbook"),
        # text is not any accepted type
        ("general", "notes.pdf", b"just some text\n", "unknown_type", "unrecognised"),
        # a GIF is recognised but not accepted anywhere
        ("site_photo", "site.gif", image_bytes("GIF"), "unknown_type", "a file of type GIF"),
        # right content, name without a known extension
        ("general", "scan", png_bytes(), "unknown_extension", ".png"),
        # a damaged ZIP container
        ("report", "plan.docx", b"PK\x03\x04" + b"\x00" * 40, "unknown_type", "damaged"),
    ],
)
def test_refused_types(office_a, stored_objects, purpose, name, content, code, fragment):
    with pytest.raises(ValidationError) as exc:
        _upload(office_a, name, content, purpose=purpose)
    error = exc.value.error_dict["file"][0]
    assert error.code == code
    assert fragment in exc.value.message_dict["file"][0]
    _assert_nothing_stored(stored_objects)


def test_docx_named_zip_is_taken_as_an_archive_only_where_archives_are_accepted(
    office_a, monkeypatch
):
    from apps.evidence import purposes

    with pytest.raises(ValidationError):
        _upload(office_a, "plan.zip", docx_bytes(), purpose="report")
    archive_purpose = purposes.Purpose("archive", "Archive", frozenset({"zip"}), 10**6)
    monkeypatch.setitem(purposes.PURPOSES, "archive", archive_purpose)
    version = _upload(office_a, "plan.zip", docx_bytes(), purpose="archive")
    assert version.blob.content_type == "application/zip"


def test_unknown_purpose_and_missing_title_are_refused(office_a, stored_objects):
    with pytest.raises(ValidationError) as exc:
        _upload(office_a, "a.pdf", pdf_bytes(), purpose="holiday_photos")
    assert "purpose" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _upload(office_a, "a.pdf", pdf_bytes(), title="  ")
    assert "title" in exc.value.message_dict
    _assert_nothing_stored(stored_objects)


def test_file_name_is_reduced_to_its_base_name(office_a):
    version = _upload(office_a, "C:\\Users\\张三\\Desktop\\plan.pdf", pdf_bytes())
    assert version.original_name == "plan.pdf"


def test_content_is_hashed_in_chunks_never_read_whole(office_a, monkeypatch, tmp_path):
    from django.core.files import File

    monkeypatch.setattr(services, "CHUNK_BYTES", 4096)
    content = pdf_bytes("x" * 200_000)
    path = tmp_path / "big.pdf"
    path.write_bytes(content)

    class ChunkedOnly(File):
        def read(self, size=-1):
            assert size is not None and 0 < size <= 64 * 1024, f"read({size}) of a whole file"
            return super().read(size)

    with path.open("rb") as handle:
        version = evidence_upload(
            uploaded_by=office_a,
            uploaded_file=ChunkedOnly(handle, name="big.pdf"),
            purpose="general",
            title="x",
            jurisdiction=office_a.organisation.jurisdiction,
        )
    assert version.blob_id == hashlib.sha256(content).hexdigest()
    assert version.blob.size == len(content)


# --- scope ---------------------------------------------------------------------------------


def test_replacing_a_file_of_another_city_is_refused(office_a, office_b, stored_objects):
    theirs = _upload(office_b, "plan.pdf", pdf_bytes("b's plan"))
    objects_before = stored_objects()
    with pytest.raises(PermissionDenied):
        evidence_upload(
            uploaded_by=office_a,
            uploaded_file=upload("plan.pdf", pdf_bytes("a's version")),
            purpose="general",
            title="",
            replaces=theirs.evidence_file,
        )
    assert EvidenceVersion.objects.count() == 1
    assert StoredBlob.objects.count() == 1
    assert stored_objects() == objects_before


def test_filing_into_a_project_of_another_city_is_refused_and_cleaned_up(
    office_a, city_b, stored_objects
):
    project_b = ProjectFactory(jurisdiction=city_b)
    with pytest.raises(PermissionDenied):
        _upload(office_a, "plan.pdf", pdf_bytes(), project=project_b, jurisdiction=city_b)
    _assert_nothing_stored(stored_objects)


def test_project_document_must_carry_the_project_jurisdiction(office_a, city_b):
    project_a = ProjectFactory(jurisdiction=office_a.organisation.jurisdiction)
    with pytest.raises(ValidationError) as exc:
        _upload(office_a, "plan.pdf", pdf_bytes(), project=project_a, jurisdiction=city_b)
    assert "jurisdiction" in exc.value.message_dict


def test_province_office_files_into_a_city_project(province_office, city_a):
    project = ProjectFactory(jurisdiction=city_a)
    version = _upload(
        province_office, "plan.pdf", pdf_bytes(), project=project, jurisdiction=city_a
    )
    assert version.evidence_file.jurisdiction == city_a


def _implementer(project, *, cleared: bool):
    from tests.factories import ComplianceDocumentFactory, ParticipantFactory

    user = UserFactory(role=Role.IMPLEMENTER, organisation__jurisdiction=project.jurisdiction)
    ParticipantFactory(project=project, organisation=user.organisation, role="implementer")
    if cleared:
        for kind in ("confidentiality", "implementer_account"):
            ComplianceDocumentFactory(organisation=user.organisation, kind=kind)
    return user


def test_cleared_participant_files_into_its_project(city_a):
    project = ProjectFactory(jurisdiction=city_a)
    implementer = _implementer(project, cleared=True)
    version = _upload(implementer, "plan.pdf", pdf_bytes(), project=project, jurisdiction=city_a)
    assert version.evidence_file.project == project


def test_uncleared_participant_cannot_file_into_the_project_but_files_its_own_documents(
    city_a, stored_objects
):
    project = ProjectFactory(jurisdiction=city_a)
    implementer = _implementer(project, cleared=False)
    with pytest.raises(PermissionDenied):
        _upload(implementer, "plan.pdf", pdf_bytes(), project=project, jurisdiction=city_a)
    _assert_nothing_stored(stored_objects)
    # Its own confidentiality agreement is what it must be able to file first (HB §25).
    own = _upload(implementer, "agreement.pdf", pdf_bytes(), purpose="compliance_document")
    assert own.evidence_file.organisation == implementer.organisation


def test_compliance_document_submit_goes_through_the_evidence_store(city_a):
    from apps.accounts.services import compliance_document_submit

    project = ProjectFactory(jurisdiction=city_a)
    implementer = _implementer(project, cleared=False)
    document = compliance_document_submit(
        submitted_by=implementer,
        organisation=implementer.organisation,
        kind="confidentiality",
        uploaded_file=upload("保密协议.pdf", pdf_bytes()),
    )
    assert document.evidence.purpose == "compliance_document"
    assert document.evidence.current_version.original_name == "保密协议.pdf"


# --- nothing half-saved --------------------------------------------------------------------


def test_storage_failure_leaves_no_rows(office_a, monkeypatch, stored_objects):
    from django.core.files.storage import FileSystemStorage

    def broken_save(self, name, content, max_length=None):
        raise OSError("disk full")

    monkeypatch.setattr(FileSystemStorage, "save", broken_save)
    with pytest.raises(OSError):
        _upload(office_a, "plan.pdf", pdf_bytes())
    _assert_nothing_stored(stored_objects)


def test_database_failure_after_the_content_was_written_removes_it(
    office_a, monkeypatch, stored_objects
):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(EvidenceVersion, "save", broken_save)
    with pytest.raises(RuntimeError):
        _upload(office_a, "plan.pdf", pdf_bytes())
    _assert_nothing_stored(stored_objects)
    assert not AuditEntry.unscoped.filter(object_type__startswith="evidence.").exists()


def test_failed_upload_of_known_content_keeps_the_existing_object(
    office_a, monkeypatch, stored_objects
):
    content = pdf_bytes("shared")
    first = _upload(office_a, "plan.pdf", content)

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(EvidenceVersion, "save", broken_save)
    with pytest.raises(RuntimeError):
        _upload(office_a, "again.pdf", content)
    monkeypatch.undo()
    assert stored_objects() == [first.blob.storage_name]
    _version, stored = services.evidence_download_open(
        user=office_a, evidence_file_id=first.evidence_file_id
    )
    with stored:
        assert stored.read() == content


def test_rolled_back_caller_leaves_an_unreachable_object_that_is_reused_or_swept(
    office_a, stored_objects
):
    from datetime import timedelta

    from django.db import transaction

    content = pdf_bytes("rolled back")
    with pytest.raises(RuntimeError), transaction.atomic():
        _upload(office_a, "plan.pdf", content)
        raise RuntimeError("the caller's own step failed")
    assert EvidenceFile.unscoped.count() == 0
    assert StoredBlob.objects.count() == 0
    orphan = blob_storage_name(hashlib.sha256(content).hexdigest())
    assert stored_objects() == [orphan]

    # Young objects are left alone (an upload may be writing them right now) ...
    assert services.evidence_orphans_sweep() == []
    # ... old ones go.
    assert services.evidence_orphans_sweep(older_than=timedelta(0)) == [orphan]
    assert stored_objects() == []

    # Had it stayed, the next upload of the same content verifies and reuses it.
    with pytest.raises(RuntimeError), transaction.atomic():
        _upload(office_a, "plan.pdf", content)
        raise RuntimeError("again")
    assert stored_objects() == [orphan]
    version = _upload(office_a, "plan.pdf", content)
    assert stored_objects() == [orphan] == [version.blob.storage_name]


def test_a_corrupt_leftover_under_the_hash_name_is_replaced(office_a, settings, stored_objects):
    from pathlib import Path

    content = pdf_bytes("to be corrupted")
    name = blob_storage_name(hashlib.sha256(content).hexdigest())
    path = Path(settings.STORAGES["evidence"]["OPTIONS"]["location"]) / name
    path.parent.mkdir(parents=True)
    path.write_bytes(b"%PDF-1.4 truncated")
    version = _upload(office_a, "plan.pdf", content)
    assert version.blob.storage_name == name
    assert path.read_bytes() == content


def test_sweep_keeps_referenced_objects(office_a, stored_objects):
    from datetime import timedelta

    version = _upload(office_a, "plan.pdf", pdf_bytes())
    assert services.evidence_orphans_sweep(older_than=timedelta(0)) == []
    assert stored_objects() == [version.blob.storage_name]


def test_missing_object_of_a_known_blob_is_restored_by_the_same_content(
    office_a, settings, stored_objects
):
    from pathlib import Path

    content = pdf_bytes("lost")
    first = _upload(office_a, "plan.pdf", content)
    (Path(settings.STORAGES["evidence"]["OPTIONS"]["location"]) / first.blob.storage_name).unlink()
    _upload(office_a, "plan.pdf", content)
    assert stored_objects() == [first.blob.storage_name]


def test_factory_makes_stored_evidence(office_a):
    version = EvidenceUploadFactory(uploaded_by=office_a)
    assert version.evidence_file.current_version == version
    assert version.evidence_file.jurisdiction == office_a.organisation.jurisdiction


def test_every_write_is_audited(office_a):
    version = _upload(office_a, "plan.pdf", pdf_bytes())
    types = set(
        AuditEntry.unscoped.filter(action=AuditAction.CREATE).values_list("object_type", flat=True)
    )
    assert {"evidence.StoredBlob", "evidence.EvidenceFile", "evidence.EvidenceVersion"} <= types
    assert AuditEntry.unscoped.filter(
        object_type="evidence.StoredBlob", object_id=version.blob_id
    ).exists()


def test_concurrent_upload_of_the_same_content_reuses_the_winner(
    office_a, monkeypatch, stored_objects
):
    """The other upload committed between our look-up and our insert: we take its blob."""
    from django.db.models import QuerySet

    content = pdf_bytes("raced")
    winner = _upload(office_a, "plan.pdf", content)
    real_first = QuerySet.first
    hidden = []

    def first_not_yet_seeing_the_winner(self):
        if self.model is StoredBlob and not hidden:
            hidden.append(True)
            return None
        return real_first(self)

    monkeypatch.setattr(QuerySet, "first", first_not_yet_seeing_the_winner)
    loser = _upload(office_a, "plan.pdf", content)
    assert hidden
    assert loser.blob_id == winner.blob_id
    assert StoredBlob.objects.count() == 1
    assert stored_objects() == [winner.blob.storage_name]


def test_sweep_command(office_a, stored_objects):
    from io import StringIO

    from django.core.management import call_command
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        _upload(office_a, "plan.pdf", pdf_bytes("command"))
        raise RuntimeError("rolled back")
    out = StringIO()
    call_command("evidence_sweep_orphans", "--older-than-hours", "0", stdout=out)
    assert "1 unreferenced object(s) deleted." in out.getvalue()
    assert stored_objects() == []
