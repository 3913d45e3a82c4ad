"""Web pages of the evidence store: thin views, 404 outside the scope, audited downloads."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditAction, AuditEntry
from apps.evidence.models import EvidenceFile, EvidenceVersion, StoredBlob
from tests.factories import ProjectFactory

from .factories import EvidenceUploadFactory, pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


def _downloads():
    return AuditEntry.unscoped.filter(action=AuditAction.DOWNLOAD)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_urls_are_named():
    assert reverse("evidence:list") == "/evidence/"
    assert reverse("evidence:upload") == "/evidence/upload/"
    assert reverse("evidence:detail", args=[7]) == "/evidence/7/"
    assert reverse("evidence:replace", args=[7]) == "/evidence/7/replace/"
    assert reverse("evidence:download", args=[7]) == "/evidence/7/download/"


def test_pages_need_login(client, office_a):
    version = EvidenceUploadFactory(uploaded_by=office_a)
    for url in (
        reverse("evidence:list"),
        reverse("evidence:upload"),
        reverse("evidence:detail", args=[version.evidence_file_id]),
        reverse("evidence:download", args=[version.evidence_file_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert not _downloads().exists()


def test_download_serves_the_bytes_as_an_attachment_and_is_audited(client, office_a):
    content = pdf_bytes("downloaded")
    version = EvidenceUploadFactory(
        uploaded_by=office_a, uploaded_file=upload("实施方案 v1.pdf", content)
    )
    client.force_login(office_a)
    response = client.get(reverse("evidence:download", args=[version.evidence_file_id]))
    assert response.status_code == 200
    assert _body(response) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(content))
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''%E5%AE%9E%E6%96%BD%E6%96%B9%E6%A1%88%20v1.pdf"
        in response["Content-Disposition"]
    )

    entry = _downloads().get()
    assert entry.actor_id == office_a.pk
    assert entry.via == "web"
    assert entry.object_type == "evidence.EvidenceFile"
    assert entry.object_id == str(version.evidence_file_id)
    assert entry.jurisdiction_path == office_a.organisation.jurisdiction.path
    assert entry.after["version"] == 1
    assert entry.after["sha256"] == version.blob_id
    assert entry.after["file_name"] == "实施方案 v1.pdf"


def test_download_of_another_city_is_404_and_not_logged(client, office_a, office_b):
    theirs = EvidenceUploadFactory(uploaded_by=office_b)
    client.force_login(office_a)
    url = reverse("evidence:download", args=[theirs.evidence_file_id])
    assert client.get(url).status_code == 404
    assert client.get(url + "?version=1").status_code == 404
    assert client.get(reverse("evidence:detail", args=[theirs.evidence_file_id])).status_code == 404
    assert not _downloads().exists()


def test_province_office_downloads_city_evidence(client, office_a, province_office):
    version = EvidenceUploadFactory(uploaded_by=office_a)
    client.force_login(province_office)
    response = client.get(reverse("evidence:download", args=[version.evidence_file_id]))
    assert response.status_code == 200
    assert _downloads().get().actor_id == province_office.pk


def test_download_of_an_older_version_and_unknown_versions(client, office_a):
    v1_content = pdf_bytes("first")
    v1 = EvidenceUploadFactory(uploaded_by=office_a, uploaded_file=upload("a.pdf", v1_content))
    client.force_login(office_a)
    replace_url = reverse("evidence:replace", args=[v1.evidence_file_id])
    response = client.post(
        replace_url, {"file": upload("b.pdf", pdf_bytes("second")), "note": "修订"}
    )
    assert response.status_code == 302
    url = reverse("evidence:download", args=[v1.evidence_file_id])
    response = client.get(url + "?version=1")
    assert _body(response) == v1_content
    assert _downloads().get().after["version"] == 1
    for bad in ("99", "0", "abc", ""):
        assert client.get(f"{url}?version={bad}").status_code == 404
    assert _downloads().count() == 1


def test_detail_lists_versions_with_uploader_size_and_hash(client, office_a):
    v1 = EvidenceUploadFactory(uploaded_by=office_a, title="培训教材")
    client.force_login(office_a)
    client.post(
        reverse("evidence:replace", args=[v1.evidence_file_id]),
        {"file": upload("v2.pdf", pdf_bytes("v2")), "note": "第二版"},
    )
    response = client.get(reverse("evidence:detail", args=[v1.evidence_file_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "培训教材" in html
    assert v1.blob_id[:12] in html
    v2 = EvidenceVersion.objects.get(evidence_file_id=v1.evidence_file_id, number=2)
    assert v2.blob_id[:12] in html
    assert "第二版" in html
    assert str(office_a) in html
    assert "?version=1" in html and "?version=2" in html
    assert reverse("evidence:replace", args=[v1.evidence_file_id]) in html


def test_replace_with_a_wrong_file_shows_the_reason(client, office_a):
    v1 = EvidenceUploadFactory(uploaded_by=office_a)
    client.force_login(office_a)
    response = client.post(
        reverse("evidence:replace", args=[v1.evidence_file_id]),
        {"file": upload("x.pdf", png_bytes())},
    )
    assert response.status_code == 400
    assert "a PNG image" in response.content.decode()
    assert EvidenceVersion.objects.count() == 1


def test_replace_of_another_city_is_404(client, office_a, office_b):
    theirs = EvidenceUploadFactory(uploaded_by=office_b)
    client.force_login(office_a)
    response = client.post(
        reverse("evidence:replace", args=[theirs.evidence_file_id]),
        {"file": upload("x.pdf", pdf_bytes())},
    )
    assert response.status_code == 404
    assert EvidenceVersion.objects.count() == 1


def test_upload_page_files_a_document_of_the_organisation(client, office_a):
    client.force_login(office_a)
    assert client.get(reverse("evidence:upload")).status_code == 200
    response = client.post(
        reverse("evidence:upload"),
        {"title": "年度工作总结", "purpose": "report", "file": upload("总结.pdf", pdf_bytes())},
    )
    evidence_file = EvidenceFile.unscoped.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evidence:detail", args=[evidence_file.pk])
    assert evidence_file.organisation == office_a.organisation
    assert evidence_file.jurisdiction == office_a.organisation.jurisdiction
    assert evidence_file.project is None
    assert evidence_file.current_version.original_name == "总结.pdf"


def test_upload_page_files_into_a_visible_project(client, province_office, city_a):
    project = ProjectFactory(jurisdiction=city_a)
    client.force_login(province_office)
    response = client.post(
        reverse("evidence:upload"),
        {
            "title": "招标文件",
            "purpose": "procurement_document",
            "project": project.pk,
            "file": upload("招标文件.pdf", pdf_bytes()),
        },
    )
    assert response.status_code == 302
    evidence_file = EvidenceFile.unscoped.get()
    assert evidence_file.project == project
    assert evidence_file.jurisdiction == city_a  # the project's, not the province's


def test_upload_page_refuses_a_project_out_of_scope(client, office_a, city_b, stored_objects):
    project_b = ProjectFactory(jurisdiction=city_b)
    client.force_login(office_a)
    response = client.post(
        reverse("evidence:upload"),
        {
            "title": "x",
            "purpose": "general",
            "project": project_b.pk,
            "file": upload("a.pdf", pdf_bytes()),
        },
    )
    assert response.status_code == 400
    assert not EvidenceFile.unscoped.exists()
    assert stored_objects() == []


def test_upload_page_shows_the_type_error_and_saves_nothing(client, office_a, stored_objects):
    client.force_login(office_a)
    response = client.post(
        reverse("evidence:upload"),
        {
            "title": "扫描件",
            "purpose": "compliance_document",
            "file": upload("scan.pdf", png_bytes()),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "scan.pdf" in html and "a PNG image" in html and "a PDF document" in html
    assert not EvidenceFile.unscoped.exists()
    assert not StoredBlob.objects.exists()
    assert stored_objects() == []


def test_list_is_scoped_and_filtered(client, office_a, office_b):
    mine = EvidenceUploadFactory(uploaded_by=office_a, title="本市材料", purpose="report")
    EvidenceUploadFactory(
        uploaded_by=office_a,
        title="本市照片",
        purpose="site_photo",
        uploaded_file=upload("p.png", png_bytes()),
    )
    EvidenceUploadFactory(uploaded_by=office_b, title="外市材料")
    client.force_login(office_a)
    html = client.get(reverse("evidence:list")).content.decode()
    assert "本市材料" in html and "本市照片" in html
    assert "外市材料" not in html
    html = client.get(reverse("evidence:list") + "?purpose=report").content.decode()
    assert "本市材料" in html and "本市照片" not in html
    assert reverse("evidence:detail", args=[mine.evidence_file_id]) in html
    searched = client.get(reverse("evidence:list") + "?q=照片&sort=-title").content.decode()
    assert "本市照片" in searched and "本市材料" not in searched
    assert 'data-testid="list-pager"' in searched


def test_list_page_query_count_does_not_grow_with_rows(
    client, office_a, django_assert_max_num_queries
):
    project = ProjectFactory(jurisdiction=office_a.organisation.jurisdiction)
    for n in range(20):
        EvidenceUploadFactory(uploaded_by=office_a, project=project if n % 2 else None)
    client.force_login(office_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("evidence:list"))
    assert response.status_code == 200
    assert response.content.decode().count("bi-download") == 20
