"""Backup and restore with the evidence store on S3 (issue 16 item 3): django-storages' S3
backend against a real S3 API (moto's server mode on 127.0.0.1, the suite's fixture) — every
object of the bucket listed (nested prefixes too), copied into the backup with its SHA-256,
and written back into the new installation's empty bucket, where each is read back and
compared; a bucket holding another version of a file is refused before anything is touched."""

import hashlib
import io
import json
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command

from apps.accounts.models import User
from apps.operations.backup import MANIFEST, BackupError
from apps.operations.models import RestoreRecord
from apps.operations.restore import backup_restore
from tests.evidence.conftest import S3_ENV, moto_s3_server, s3_client  # noqa: F401

from .test_backup_restore import (
    _backup,
    _empty_database,
    _small_installation,
    pristine,  # noqa: F401  (the fixture)
)

pytestmark = [pytest.mark.s3, pytest.mark.django_db(transaction=True)]

OBJECTS = {
    "sha256/0a/1b/0a1b-first": b"%PDF-1.4 first evidence",
    "sha256/0a/2c/0a2c-second": "第二份证据".encode() * 500,
    "sha256/ff/ee/ffee-third": bytes(range(256)) * 4096,  # 1 MiB: more than one read chunk
    "recordings/2027/05/class-1.mp4": b"\x00\x00\x00\x18ftypmp42" + b"x" * 5000,
}


def _bucket(s3_client, settings, server) -> str:  # noqa: F811
    """A new empty bucket, and the evidence store pointed at it."""
    bucket = f"wipp-evidence-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": server,
                "access_key": S3_ENV["AWS_ACCESS_KEY_ID"],
                "secret_key": S3_ENV["AWS_SECRET_ACCESS_KEY"],
                "region_name": S3_ENV["AWS_DEFAULT_REGION"],
                "addressing_style": "path",
                "file_overwrite": False,
                "default_acl": None,
            },
        },
    }
    return bucket


def _objects(s3_client, bucket) -> dict[str, str]:  # noqa: F811
    found = {}
    paginator = s3_client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            body = s3_client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
            found[item["Key"]] = hashlib.sha256(body).hexdigest()
    return found


def _fill(store) -> None:
    for name, content in OBJECTS.items():
        assert store.save(name, ContentFile(content)) == name
    # What /healthz leaves behind is not evidence.
    store.save("healthz/probe-left-over", ContentFile(b"probe"))


def test_the_s3_evidence_store_round_trips_through_backup_and_restore(
    pristine,  # noqa: F811
    settings,
    tmp_path,
    moto_s3_server,  # noqa: F811
    s3_client,  # noqa: F811
):
    old_bucket = _bucket(s3_client, settings, moto_s3_server)
    _fill(storages["evidence"])
    _small_installation()  # a user or three, and one more evidence object
    before = _objects(s3_client, old_bucket)
    backup = _backup(tmp_path)

    manifest = json.loads((backup / MANIFEST).read_text())
    evidence = {
        name.removeprefix("evidence/"): digest
        for name, digest in manifest["files"].items()
        if name.startswith("evidence/")
    }
    expected = {k: v for k, v in before.items() if not k.startswith("healthz/")}
    assert evidence == expected
    for name, content in OBJECTS.items():
        assert evidence[name] == hashlib.sha256(content).hexdigest()
        assert (backup / "evidence" / name).read_bytes() == content

    users = User.unscoped.count()
    _empty_database(pristine)
    new_bucket = _bucket(s3_client, settings, moto_s3_server)
    settings.WIPP_AUDIT_CHECKPOINT_DIR = str(tmp_path / "new-machine" / "checkpoints")
    out = io.StringIO()
    call_command("restore", str(backup), stdout=out)
    assert "Restore verified" in out.getvalue(), out.getvalue()
    assert f"and {len(manifest['files']) - 1} files" in out.getvalue()
    assert _objects(s3_client, new_bucket) == expected
    assert User.unscoped.count() == users
    assert RestoreRecord.objects.get().files == len(manifest["files"])


def test_a_bucket_with_another_version_of_a_file_is_refused(
    pristine,  # noqa: F811
    settings,
    tmp_path,
    moto_s3_server,  # noqa: F811
    s3_client,  # noqa: F811
):
    _bucket(s3_client, settings, moto_s3_server)
    _fill(storages["evidence"])
    _small_installation()
    backup = _backup(tmp_path)
    _empty_database(pristine)
    target = _bucket(s3_client, settings, moto_s3_server)
    settings.WIPP_AUDIT_CHECKPOINT_DIR = str(tmp_path / "other" / "checkpoints")
    s3_client.put_object(Bucket=target, Key="sha256/0a/1b/0a1b-first", Body=b"tampered")
    with pytest.raises(BackupError, match="exist here with other content"):
        backup_restore(backup)
    assert User.unscoped.count() == 0
    assert list(_objects(s3_client, target)) == ["sha256/0a/1b/0a1b-first"]


def test_an_object_changed_in_the_store_after_the_restore_is_reported(
    pristine,  # noqa: F811
    settings,
    tmp_path,
    moto_s3_server,  # noqa: F811
    s3_client,  # noqa: F811
    monkeypatch,
):
    """The read-back after the copy compares each object with the manifest: a store that
    does not keep what it was given (here: one object replaced right after its upload) fails
    the restore."""
    _bucket(s3_client, settings, moto_s3_server)
    _fill(storages["evidence"])
    backup = _backup(tmp_path)
    _empty_database(pristine)
    target = _bucket(s3_client, settings, moto_s3_server)
    settings.WIPP_AUDIT_CHECKPOINT_DIR = str(tmp_path / "third" / "checkpoints")
    from apps.operations import restore

    real = restore.files_copy_in

    def copy_then_damage(directory, manifest):
        copied = real(directory, manifest)
        s3_client.put_object(Bucket=target, Key="sha256/ff/ee/ffee-third", Body=b"rotted")
        return copied

    monkeypatch.setattr(restore, "files_copy_in", copy_then_damage)
    report = backup_restore(backup)
    assert report.file_mismatches == ["evidence/sha256/ff/ee/ffee-third: SHA-256 differs"]
    assert not report.intact and not RestoreRecord.objects.exists()
