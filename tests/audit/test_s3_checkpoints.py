"""Checkpoints on S3 under object lock (moto's server mode, a real S3 API on 127.0.0.1)."""

import uuid

import pytest
from botocore.exceptions import ClientError

from apps.audit.selectors import audit_chain_verify
from apps.audit.sequencer import audit_chain_pending
from apps.audit.services import audit_record

pytestmark = [pytest.mark.s3, pytest.mark.django_db]


@pytest.fixture
def locked_bucket(moto_s3_server, s3_client, settings):
    bucket = f"wipp-audit-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    settings.WIPP_AUDIT_CHECKPOINT_S3_BUCKET = bucket
    settings.WIPP_AUDIT_CHECKPOINT_S3_ENDPOINT_URL = moto_s3_server
    return bucket


def _chain_twice():
    for i in range(2):
        audit_record(action="update", object_type="test.Thing", after={"n": i})
        audit_chain_pending()


def test_checkpoints_are_written_to_s3_under_compliance_retention(locked_bucket, s3_client):
    _chain_twice()
    keys = [o["Key"] for o in s3_client.list_objects_v2(Bucket=locked_bucket)["Contents"]]
    assert len(keys) == 2 and all(k.startswith("audit-checkpoints/") for k in keys)
    head = s3_client.head_object(Bucket=locked_bucket, Key=keys[0])
    assert head["ObjectLockMode"] == "COMPLIANCE"
    assert head["ObjectLockRetainUntilDate"].year >= 2026
    version = head["VersionId"]
    with pytest.raises(ClientError):
        s3_client.delete_object(Bucket=locked_bucket, Key=keys[0], VersionId=version)
    assert audit_chain_verify().intact


def test_a_checkpoint_removed_from_the_directory_is_caught_by_its_s3_copy(
    locked_bucket, checkpoint_files
):
    _chain_twice()
    checkpoint_files()[-1].unlink()
    verdict = audit_chain_verify()
    assert not verdict.intact
    assert "checkpoint #2 was removed from the directory" in verdict.reason
