"""REST API of the evidence store: scoped list/detail, multipart upload, audited download."""

import hashlib

import pytest
from rest_framework.test import APIClient

from apps.audit.models import AuditAction, AuditEntry
from apps.evidence.models import EvidenceFile, StoredBlob
from tests.factories import ProjectFactory

from .factories import EvidenceUploadFactory, pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db

BASE = "/api/v1/evidence-files/"


@pytest.fixture
def api():
    return APIClient()


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_list_and_detail_are_scoped(api, office_a, office_b):
    mine = EvidenceUploadFactory(uploaded_by=office_a, title="本市材料")
    theirs = EvidenceUploadFactory(uploaded_by=office_b, title="外市材料")
    api.force_authenticate(office_a)
    listed = api.get(BASE).json()
    assert [row["id"] for row in listed["results"]] == [mine.evidence_file_id]
    row = listed["results"][0]
    assert row["current_version"]["sha256"] == mine.blob_id
    assert row["current_version"]["number"] == 1
    assert row["download_url"].endswith(f"{BASE}{mine.evidence_file_id}/download/")
    detail = api.get(f"{BASE}{mine.evidence_file_id}/")
    assert detail.status_code == 200
    assert [v["number"] for v in detail.json()["versions"]] == [1]
    assert api.get(f"{BASE}{theirs.evidence_file_id}/").status_code == 404
    assert api.get(f"{BASE}{theirs.evidence_file_id}/download/").status_code == 404
    assert not AuditEntry.unscoped.filter(action=AuditAction.DOWNLOAD).exists()


def test_list_filters_by_purpose_and_project(api, office_a):
    project = ProjectFactory(jurisdiction=office_a.organisation.jurisdiction)
    in_project = EvidenceUploadFactory(uploaded_by=office_a, project=project, purpose="report")
    EvidenceUploadFactory(uploaded_by=office_a, purpose="general")
    api.force_authenticate(office_a)
    rows = api.get(BASE, {"project": project.pk}).json()["results"]
    assert [r["id"] for r in rows] == [in_project.evidence_file_id]
    rows = api.get(BASE, {"purpose": "report"}).json()["results"]
    assert [r["id"] for r in rows] == [in_project.evidence_file_id]


def test_multipart_upload_dedupes_and_versions(api, office_a):
    api.force_authenticate(office_a)
    content = pdf_bytes("via api")
    response = api.post(
        BASE,
        {"file": upload("plan.pdf", content), "purpose": "general", "title": "实施方案"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["current_version"]["sha256"] == hashlib.sha256(content).hexdigest()
    assert created["jurisdiction_code"] == office_a.organisation.jurisdiction.code
    assert created["organisation"] == office_a.organisation.pk

    again = api.post(
        BASE,
        {"file": upload("same.pdf", content), "purpose": "general", "title": "副本"},
        format="multipart",
    )
    assert again.status_code == 201
    assert StoredBlob.objects.count() == 1

    replaced = api.post(
        BASE,
        {"file": upload("plan-v2.pdf", pdf_bytes("v2")), "replaces": created["id"], "note": "修订"},
        format="multipart",
    )
    assert replaced.status_code == 201, replaced.content
    body = replaced.json()
    assert body["id"] == created["id"]
    assert [v["number"] for v in body["versions"]] == [2, 1]
    assert body["current_version"]["note"] == "修订"


def test_upload_errors_are_400_with_the_reason(api, office_a, stored_objects):
    api.force_authenticate(office_a)
    response = api.post(
        BASE,
        {"file": upload("scan.pdf", png_bytes()), "purpose": "compliance_document", "title": "x"},
        format="multipart",
    )
    assert response.status_code == 400
    message = response.json()["errors"]["file"][0]
    assert "a PNG image" in message and "a PDF document" in message
    response = api.post(BASE, {"file": upload("a.pdf", pdf_bytes())}, format="multipart")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"purpose", "title"}
    assert not EvidenceFile.unscoped.exists()
    assert stored_objects() == []


def test_upload_into_other_city_is_refused(api, office_a, office_b, city_b, stored_objects):
    theirs = EvidenceUploadFactory(uploaded_by=office_b)
    project_b = ProjectFactory(jurisdiction=city_b)
    before = stored_objects()
    api.force_authenticate(office_a)
    response = api.post(
        BASE,
        {"file": upload("a.pdf", pdf_bytes()), "replaces": theirs.evidence_file_id},
        format="multipart",
    )
    assert response.status_code == 400
    assert "replaces" in response.json()["errors"]
    response = api.post(
        BASE,
        {
            "file": upload("a.pdf", pdf_bytes()),
            "purpose": "general",
            "title": "x",
            "project": project_b.pk,
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "project" in response.json()["errors"]
    assert EvidenceFile.unscoped.count() == 1
    assert stored_objects() == before


def test_download_streams_the_bytes_and_is_audited(api, office_a):
    v1_content = pdf_bytes("api v1")
    v1 = EvidenceUploadFactory(uploaded_by=office_a, uploaded_file=upload("v1.pdf", v1_content))
    api.force_authenticate(office_a)
    api.post(
        BASE,
        {"file": upload("v2.pdf", pdf_bytes("api v2")), "replaces": v1.evidence_file_id},
        format="multipart",
    )
    url = f"{BASE}{v1.evidence_file_id}/download/"
    response = api.get(url, {"version": 1}, HTTP_ACCEPT="application/octet-stream")
    assert response.status_code == 200
    assert _body(response) == v1_content
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert 'filename="v1.pdf"' in response["Content-Disposition"]
    entry = AuditEntry.unscoped.get(action=AuditAction.DOWNLOAD)
    assert entry.via == "api"
    assert entry.after == {
        "version": 1,
        "sha256": v1.blob_id,
        "file_name": "v1.pdf",
        "size": len(v1_content),
    }
    assert api.get(url, {"version": 9}).status_code == 404
    assert api.get(url, {"version": "x"}).status_code == 404
    assert AuditEntry.unscoped.filter(action=AuditAction.DOWNLOAD).count() == 1


def test_anonymous_is_refused(api, office_a):
    version = EvidenceUploadFactory(uploaded_by=office_a)
    assert api.get(BASE).status_code in (401, 403)
    assert api.get(f"{BASE}{version.evidence_file_id}/download/").status_code in (401, 403)


def test_schema_describes_multipart_upload_and_binary_download():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    create = schema["paths"]["/api/v1/evidence-files/"]["post"]
    assert list(create["requestBody"]["content"]) == ["multipart/form-data"]
    ref = create["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    upload_schema = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert upload_schema["properties"]["file"] == {
        "type": "string",
        "format": "binary",
        "description": upload_schema["properties"]["file"]["description"],
    }
    assert {"purpose", "title", "project", "replaces", "note"} <= set(upload_schema["properties"])
    download = schema["paths"]["/api/v1/evidence-files/{id}/download/"]["get"]
    content = download["responses"]["200"]["content"]
    assert content["application/pdf"]["schema"] == {"type": "string", "format": "binary"}
    assert "video/mp4" in content
    assert any(p["name"] == "version" for p in download["parameters"])


def test_list_query_count_does_not_grow_with_rows(api, office_a, django_assert_max_num_queries):
    for _ in range(15):
        EvidenceUploadFactory(uploaded_by=office_a)
    api.force_authenticate(office_a)
    with django_assert_max_num_queries(6):
        response = api.get(BASE)
    assert len(response.json()["results"]) == 15


def test_filter_by_a_project_of_another_city_reveals_nothing(api, office_a, city_b):
    project_b = ProjectFactory(jurisdiction=city_b)
    api.force_authenticate(office_a)
    for project_id in (project_b.pk, 999_999):
        response = api.get(BASE, {"project": project_id})
        assert response.status_code == 200
        assert response.json()["results"] == []
