"""Inspections (HB §18 ¶2–3): at least two evaluators confirm a regular on-site inspection,
each on his or her own account; photos and videos keep the original's SHA-256 and get the
server's watermark with a verification code; questionnaires give computed rates; a confirmed
inspection raises findings with its photos as evidence."""

import datetime
import hashlib
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.evidence.services import evidence_storage
from apps.findings.models import Finding
from apps.supervision import services, watermark
from apps.supervision.models import (
    Inspection,
    InspectionMedia,
    InspectionPresence,
    InspectionStatus,
)

from .world import evaluator_of, jpeg, onsite

pytestmark = pytest.mark.django_db


def _content(evidence_file) -> bytes:
    blob = evidence_file.current_version.blob
    with evidence_storage().open(blob.storage_name, "rb") as handle:
        return handle.read()


# --- two evaluators ---------------------------------------------------------------------------


def test_an_onsite_inspection_is_confirmed_only_by_a_second_distinct_evaluator(world):
    a, _b, _clock = world
    inspection = onsite(a)
    assert inspection.status == InspectionStatus.RECORDED
    assert list(inspection.presences.values_list("evaluator", flat=True)) == [a.evaluator.pk]
    # The recorder confirming again is not a second evaluator.
    with pytest.raises(ValidationError, match="already confirmed"):
        services.inspection_presence_confirm(user=a.evaluator, inspection=inspection)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.RECORDED

    services.inspection_presence_confirm(
        user=a.evaluator2, inspection=inspection, latitude="38.0424", longitude="114.5149"
    )
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.CONFIRMED and inspection.confirmed_at
    assert inspection.presences.count() == 2


def test_others_cannot_confirm_presence_for_the_agency(world):
    a, b, _clock = world
    inspection = onsite(a)
    uncommitted = evaluator_of(a.evaluator.organisation, commitment=False, name="未承诺")
    for user in (b.evaluator, a.agency, a.office, uncommitted):
        with pytest.raises(PermissionDenied):
            services.inspection_presence_confirm(user=user, inspection=inspection)
    assert InspectionPresence.objects.filter(inspection=inspection).count() == 1
    assert Inspection.unscoped.get(pk=inspection.pk).status == InspectionStatus.RECORDED


@pytest.mark.parametrize("kind", ["meeting", "phone", "platform"])
def test_the_other_means_are_one_evaluators_record(world, kind):
    a, _b, _clock = world
    inspection = onsite(a, kind=kind, latitude=None, longitude=None)
    assert inspection.status == InspectionStatus.CONFIRMED


def test_questionnaire_rates_are_computed(world):
    a, _b, _clock = world
    inspection = onsite(a, kind="questionnaire", respondents=120, aware=103, satisfied=111)
    assert inspection.awareness_rate == Decimal("85.83")
    assert inspection.satisfaction_rate == Decimal("92.50")


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"kind": "questionnaire", "respondents": 10, "aware": 11}, "aware"),
        ({"kind": "questionnaire", "respondents": None}, "respondents"),
        ({"kind": "onsite", "respondents": 10}, "respondents"),
        ({"held_on": datetime.date(2026, 11, 21)}, "held_on"),
        ({"place": " "}, "place"),
    ],
)
def test_bad_input_is_refused_in_words_and_nothing_is_saved(world, changes, field):
    a, _b, _clock = world
    with pytest.raises(ValidationError) as error:
        onsite(a, **changes)
    assert field in error.value.message_dict
    assert not Inspection.unscoped.exists()


# --- photos and videos ------------------------------------------------------------------------


def test_a_photo_keeps_its_original_and_hash_and_gets_the_servers_watermark(world):
    a, _b, _clock = world
    inspection = onsite(a)
    photo = jpeg()
    original_bytes = photo.read()
    photo.seek(0)
    media = services.media_add(user=a.evaluator2, inspection=inspection, uploaded_file=photo)

    assert media.kind == "photo"
    assert media.original_sha256 == hashlib.sha256(original_bytes).hexdigest()
    assert _content(media.original) == original_bytes
    stamped = _content(media.watermarked)
    assert stamped != original_bytes
    image = Image.open(io.BytesIO(stamped))
    assert image.format == "JPEG" and image.size == (640, 480)
    # the band at the bottom is darkened, the top is untouched
    assert sum(image.getpixel((320, 470))) < sum(Image.open(photo).getpixel((320, 470)))
    data = media.watermark
    assert data["time"] == "2026-11-20 10:00:00"  # the server's time in Asia/Shanghai
    assert data["place"] == inspection.place and data["inspector"] == "评估人员乙"
    assert data["coordinates"] == "38.042307, 114.514860"
    assert data["project"].startswith(a.project.code)
    assert data["verification_code"] == media.verification_code
    assert len(media.verification_code) == 12
    assert services.media_verify(media)


def test_the_code_detects_a_changed_original_or_a_changed_stamp(world):
    a, _b, _clock = world
    media = services.media_add(user=a.evaluator, inspection=onsite(a), uploaded_file=jpeg())
    assert not services.media_verify(media, content=jpeg().read())
    stamp = services.stamp_for(media)
    forged = watermark.Stamp(**{**stamp.__dict__, "time": "2026-11-19 09:00:00"})
    assert not watermark.code_matches(forged, media.verification_code)
    assert watermark.code_matches(stamp, media.verification_code.lower())


def test_a_video_keeps_the_original_and_hash_with_the_watermark_beside_it(world, tmp_path):
    if not shutil.which("ffmpeg"):
        pytest.skip("ffmpeg is not installed")
    a, _b, _clock = world
    path = tmp_path / "site.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=64x64:rate=5",
            "-t",
            "1",
            "-pix_fmt",
            "yuv420p",
            str(path),
        ],
        check=True,
    )
    content = path.read_bytes()
    media = services.media_add(
        user=a.evaluator,
        inspection=onsite(a),
        uploaded_file=SimpleUploadedFile("site.mp4", content, content_type="video/mp4"),
    )
    assert media.kind == "video" and media.watermarked is None
    assert media.original_sha256 == hashlib.sha256(content).hexdigest()
    assert _content(media.original) == content
    assert media.watermark["verification_code"] == media.verification_code
    assert services.media_verify(media)


def test_a_document_is_not_a_photo(world):
    a, _b, _clock = world
    from .world import pdf

    with pytest.raises(ValidationError) as error:
        services.media_add(user=a.evaluator, inspection=onsite(a), uploaded_file=pdf())
    assert "file" in error.value.message_dict
    assert not InspectionMedia.objects.exists()


# --- findings ---------------------------------------------------------------------------------


def test_only_a_confirmed_inspection_raises_findings(world):
    a, _b, _clock = world
    inspection = onsite(a)
    with pytest.raises(ValidationError, match="2 evaluators"):
        services.inspection_finding_raise(user=a.evaluator, inspection=inspection, message="x")
    assert not Finding.unscoped.filter(rule_code=services.FINDING_RULE).exists()


def test_what_an_inspection_found_becomes_findings_with_its_photos(world):
    a, _b, _clock = world
    inspection = onsite(a)
    services.inspection_presence_confirm(user=a.evaluator2, inspection=inspection)
    media = services.media_add(user=a.evaluator2, inspection=inspection, uploaded_file=jpeg())
    first = services.inspection_finding_raise(
        user=a.evaluator,
        inspection=inspection,
        message="现场实到人数 32 人，花名册 40 人，签到记录 40 人",
        severity="major",
        media=[media],
    )
    second = services.inspection_finding_raise(
        user=a.evaluator2,
        inspection=inspection,
        message="授课教师与实施方案不一致",
        severity="minor",
    )
    assert (first.rule_code, first.citation, first.key) == ("SV-INSPECTION", "HB §19, §20", "0001")
    assert second.key == "0002" and first.pk != second.pk
    assert first.subject == inspection and first.project_id == a.project.pk
    assert first.owner_role == "implementer"
    assert first.owner_organisation == a.agency.organisation
    assert list(first.evidence.all()) == [media.watermarked]
    assert {"what": "inspection_media", "id": media.pk, "code": media.verification_code} in (
        first.records
    )
