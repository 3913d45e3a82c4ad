"""Evidence downloads handed off (issue 16 item 1, apps.operations.downloads): after the access
check and the download's audit entry, nginx sends a local file (X-Accel-Redirect) or S3 a
pre-signed URL; Python streams the bytes only when neither is configured."""

from urllib.parse import parse_qs, urlparse
from urllib.request import urlopen

import pytest
from django.urls import reverse

from apps.audit.models import AuditAction, AuditEntry
from apps.evidence.services import blob_storage_name

from .factories import EvidenceUploadFactory, pdf_bytes, upload

pytestmark = pytest.mark.django_db


def _download(client, user, version):
    client.force_login(user)
    return client.get(reverse("evidence:download", args=[version.evidence_file_id]))


def test_nginx_sends_the_local_file_after_the_check_and_the_audit_entry(client, office_a, settings):
    settings.WIPP_DOWNLOAD_ACCEL_PREFIX = "/_protected/evidence/"
    version = EvidenceUploadFactory(
        uploaded_by=office_a, uploaded_file=upload("实施方案.pdf", pdf_bytes("accel"))
    )
    response = _download(client, office_a, version)
    assert response.status_code == 200
    assert response.content == b""  # nginx fills the body
    assert response["X-Accel-Redirect"] == "/_protected/evidence/" + blob_storage_name(
        version.blob_id
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%E5%AE%9E%E6%96%BD%E6%96%B9%E6%A1%88.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert AuditEntry.unscoped.filter(action=AuditAction.DOWNLOAD).count() == 1


def test_out_of_scope_gets_no_redirect(client, office_a, office_b, settings):
    settings.WIPP_DOWNLOAD_ACCEL_PREFIX = "/_protected/evidence/"
    version = EvidenceUploadFactory(uploaded_by=office_a)
    response = _download(client, office_b, version)
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response


def test_without_a_prefix_python_streams(client, office_a, settings):
    settings.WIPP_DOWNLOAD_ACCEL_PREFIX = ""
    content = pdf_bytes("streamed")
    version = EvidenceUploadFactory(uploaded_by=office_a, uploaded_file=upload("a.pdf", content))
    response = _download(client, office_a, version)
    assert b"".join(response.streaming_content) == content
    assert "X-Accel-Redirect" not in response


@pytest.mark.s3
def test_s3_answers_with_a_short_pre_signed_url(client, office_a, settings, s3_evidence_bucket):
    settings.WIPP_DOWNLOAD_S3_PRESIGNED_SECONDS = 60
    content = pdf_bytes("on s3")
    version = EvidenceUploadFactory(uploaded_by=office_a, uploaded_file=upload("plan.pdf", content))
    response = _download(client, office_a, version)
    assert response.status_code == 302
    url = response["Location"]
    query = parse_qs(urlparse(url).query)
    assert "X-Amz-Expires" in query or "Expires" in query  # signature v4 or v2
    assert query["response-content-disposition"][0].startswith("attachment;")
    with urlopen(url, timeout=30) as fetched:
        assert fetched.status == 200
        assert fetched.read() == content
    assert AuditEntry.unscoped.filter(action=AuditAction.DOWNLOAD).count() == 1
