"""A video kept in the evidence store on S3-compatible object storage (moto's server on
127.0.0.1, django-storages' S3 backend — no path on disk) is read by the media probe through a
temporary copy (issue 15 item 3)."""

import subprocess

import pytest

from apps.evidence import media_probe
from apps.evidence.services import evidence_storage, evidence_upload
from tests.implementation.media import needs_ffmpeg

from .factories import upload

pytestmark = [pytest.mark.s3, pytest.mark.django_db, needs_ffmpeg]


def test_a_video_on_object_storage_is_probed(office_a, s3_evidence_bucket, tmp_path):
    out = tmp_path / "spot.mp4"
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25",
            "-f", "lavfi", "-i", "sine", "-t", "1", "-pix_fmt", "yuv420p", str(out),
        ],
        check=True,
        timeout=120,
    )  # fmt: skip
    version = evidence_upload(
        uploaded_by=office_a,
        uploaded_file=upload("spot.mp4", out.read_bytes()),
        purpose="training_material",
        title="公益广告",
        jurisdiction=office_a.organisation.jurisdiction,
    )
    storage = evidence_storage()
    with pytest.raises(NotImplementedError):
        storage.path(version.blob.storage_name)
    info = media_probe.probe_stored(
        storage, version.blob.storage_name, content_type=version.blob.content_type
    )
    assert (info.kind, info.width, info.height, info.frame_rate) == ("video", 640, 360, 25.0)
    assert info.audio_codec and info.channels == 1
