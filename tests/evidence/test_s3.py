"""The evidence store on S3-compatible object storage: a real server (moto's server mode) on
127.0.0.1, reached through django-storages' S3 backend and boto3 — no mocked client."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import storages
from django.db import transaction
from django.urls import reverse

from apps.audit.models import AuditAction, AuditEntry
from apps.evidence import services
from apps.evidence.models import EvidenceFile, StoredBlob
from apps.evidence.services import blob_storage_name, evidence_upload
from tests.factories import ProjectFactory

from .factories import pdf_bytes, upload

pytestmark = [pytest.mark.s3, pytest.mark.django_db]


def _keys(s3_client, bucket) -> list[str]:
    listing = s3_client.list_objects_v2(Bucket=bucket)
    return sorted(obj["Key"] for obj in listing.get("Contents", []))


def _upload(user, name, content, **kwargs):
    kwargs.setdefault("title", "实施方案")
    kwargs.setdefault("purpose", "general")
    kwargs.setdefault("jurisdiction", user.organisation.jurisdiction)
    return evidence_upload(uploaded_by=user, uploaded_file=upload(name, content), **kwargs)


def test_storage_is_the_s3_backend(s3_evidence_bucket):
    from storages.backends.s3 import S3Storage

    storage = storages["evidence"]
    assert isinstance(storage, S3Storage)
    assert storage.bucket_name == s3_evidence_bucket


def test_upload_dedupe_and_download_round_trip(office_a, s3_evidence_bucket, s3_client, client):
    content = pdf_bytes("on object storage")
    sha256 = hashlib.sha256(content).hexdigest()
    first = _upload(office_a, "plan.pdf", content)
    second = _upload(office_a, "plan-copy.pdf", content, title="副本")

    assert StoredBlob.objects.count() == 1
    assert first.blob_id == second.blob_id == sha256
    assert _keys(s3_client, s3_evidence_bucket) == [blob_storage_name(sha256)]
    head = s3_client.head_object(Bucket=s3_evidence_bucket, Key=blob_storage_name(sha256))
    assert head["ContentLength"] == len(content)

    version, stored = services.evidence_download_open(
        user=office_a, evidence_file_id=second.evidence_file_id
    )
    with stored:
        assert stored.read() == content
    assert version == second

    client.force_login(office_a)
    response = client.get(reverse("evidence:download", args=[first.evidence_file_id]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert AuditEntry.unscoped.filter(action=AuditAction.DOWNLOAD).count() == 2

    raw = s3_client.get_object(Bucket=s3_evidence_bucket, Key=blob_storage_name(sha256))
    assert raw["Body"].read() == content


def test_versions_stay_on_the_server(office_a, s3_evidence_bucket, s3_client):
    v1_content, v2_content = pdf_bytes("s3 v1"), pdf_bytes("s3 v2")
    v1 = _upload(office_a, "a.pdf", v1_content)
    evidence_upload(
        uploaded_by=office_a,
        uploaded_file=upload("a.pdf", v2_content),
        purpose="general",
        title="",
        replaces=v1.evidence_file,
    )
    assert len(_keys(s3_client, s3_evidence_bucket)) == 2
    _version, stored = services.evidence_download_open(
        user=office_a, evidence_file_id=v1.evidence_file_id, version_number=1
    )
    with stored:
        assert stored.read() == v1_content


def test_refused_upload_leaves_no_object(office_a, city_b, s3_evidence_bucket, s3_client):
    project_b = ProjectFactory(jurisdiction=city_b)
    with pytest.raises(PermissionDenied):
        _upload(office_a, "a.pdf", pdf_bytes(), project=project_b, jurisdiction=city_b)
    assert not EvidenceFile.unscoped.exists()
    assert _keys(s3_client, s3_evidence_bucket) == []


def test_orphan_from_a_rolled_back_caller_is_swept(office_a, s3_evidence_bucket, s3_client):
    content = pdf_bytes("s3 orphan")
    with pytest.raises(RuntimeError), transaction.atomic():
        _upload(office_a, "a.pdf", content)
        raise RuntimeError("caller failed")
    orphan = blob_storage_name(hashlib.sha256(content).hexdigest())
    assert _keys(s3_client, s3_evidence_bucket) == [orphan]
    assert services.evidence_orphans_sweep(older_than=timedelta(0)) == [orphan]
    assert _keys(s3_client, s3_evidence_bucket) == []
