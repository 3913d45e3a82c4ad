"""Promotion proofs read from the files (issue 15 item 3): ffprobe and Pillow through
`apps.evidence.media_probe`, run after the upload by a background task, the figures kept on the
proof and set against the procured media placement's technical specifications; a file that
cannot be read is kept as unreadable with the reason, never a crash. Real media made by ffmpeg."""

import datetime
import io
import subprocess
import tempfile

import pytest
from django.core.files.storage import FileSystemStorage, Storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from apps.evidence import media_probe
from apps.evidence.services import evidence_storage
from apps.implementation import proofs
from apps.implementation.models import MediaStatus, PromotionProof, PromotionRecord
from apps.projects.models import ProjectStage
from tests.implementation.media import Clips, broadcast, needs_ffmpeg
from tests.implementation.world import pdf, png
from tests.rendered_forms import form_submit

pytestmark = [pytest.mark.django_db, needs_ffmpeg]
D = datetime.date
SPEC = "1080P 25帧 10bit BT.709 立体声 48kHz"


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    return Clips(tmp_path_factory.mktemp("clips"))


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _placement_spec(w, technical_specs=SPEC, duration="1秒"):
    w.placement.technical_specs = technical_specs
    w.placement.duration = duration
    w.placement.save()


def _figures(proof):
    spec, source = proofs.record_spec(proof.record)
    return proofs.proof_figures(proof, spec, source)


# --- the probe ------------------------------------------------------------------------------


def test_the_probe_reads_video_audio_and_colour_from_real_files(clips, tmp_path):
    at = tmp_path / "at.mp4"
    at.write_bytes(clips.at_spec())
    info = media_probe.probe_path(at, content_type="video/mp4")
    assert (info.kind, info.width, info.height, info.frame_rate) == ("video", 1920, 1080, 25.0)
    assert (info.video_codec, info.pixel_format, info.bit_depth) == ("h264", "yuv420p10le", 10)
    assert (info.colour_primaries, info.colour_space) == ("bt709", "bt709")
    assert (info.audio_codec, info.channels, info.sample_rate) == ("aac", 2, 48000)
    assert 0.9 <= info.duration_seconds <= 1.1 and info.bit_rate > 0

    below = tmp_path / "below.mp4"
    below.write_bytes(clips.below_spec())
    info = media_probe.probe_path(below)
    assert (info.width, info.height, info.frame_rate, info.bit_depth) == (320, 240, 15.0, 8)
    assert (info.colour_primaries, info.channels, info.sample_rate) == ("", 1, 22050)

    radio = tmp_path / "radio.mp3"
    radio.write_bytes(clips.radio())
    info = media_probe.probe_path(radio, content_type="audio/mpeg")
    assert (info.kind, info.width, info.audio_codec, info.channels) == ("audio", None, "mp3", 2)
    assert info.sample_rate == 44100 and 1.9 <= info.duration_seconds <= 2.2

    photo = tmp_path / "photo.png"
    photo.write_bytes(png().read())
    info = media_probe.probe_path(photo, content_type="image/png")
    assert (info.kind, info.width, info.height, info.pixel_format) == ("image", 8, 8, "RGB")


def test_an_unreadable_file_a_timeout_and_a_missing_ffprobe_are_reasons_not_crashes(
    clips, tmp_path, monkeypatch
):
    damaged = tmp_path / "damaged.mp4"
    damaged.write_bytes(clips.damaged())
    with pytest.raises(media_probe.Unreadable) as caught:
        media_probe.probe_path(damaged)
    assert caught.value.reason == (
        "ffprobe could not read the file: Invalid data found when processing input"
    )
    assert str(tmp_path) not in caught.value.reason  # the storage's path is not shown

    def slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], kwargs["timeout"])

    monkeypatch.setattr(media_probe.subprocess, "run", slow)
    with pytest.raises(media_probe.Unreadable, match="did not finish within 120 seconds"):
        media_probe.probe_path(damaged)
    monkeypatch.setattr(media_probe.shutil, "which", lambda name: None)
    with pytest.raises(media_probe.Unreadable, match="ffprobe is not installed"):
        media_probe.probe_path(damaged)


def test_a_storage_without_paths_is_read_through_a_temporary_copy(clips, tmp_path, monkeypatch):
    class ObjectStore(Storage):  # like S3: open() works, path() does not (Storage's default)
        def __init__(self, inner):
            self.inner = inner

        def _open(self, name, mode="rb"):
            return self.inner.open(name, mode)

    bucket = FileSystemStorage(location=str(tmp_path / "bucket"))
    bucket.save("blobs/ab/clip", io.BytesIO(clips.below_spec()))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    store = ObjectStore(bucket)
    info = media_probe.probe_stored(store, "blobs/ab/clip", content_type="video/mp4")
    assert (info.width, info.height) == (320, 240)
    assert not list((tmp_path / "tmp").iterdir())  # the copy is gone
    with pytest.raises(media_probe.Unreadable, match="could not be read"):
        media_probe.probe_stored(store, "blobs/ab/gone", content_type="video/mp4")


def test_a_requirements_words_give_the_spec():
    spec = media_probe.spec_from_text(SPEC, duration_text="1分30秒")
    assert (spec.min_lines, spec.min_frame_rate, spec.min_bit_depth) == (1080, 25.0, 10)
    assert (spec.colour_standard, spec.min_channels, spec.min_sample_rate) == ("bt709", 2, 48000)
    assert spec.min_duration_seconds == 90
    assert media_probe.spec_from_text("4K 50fps").min_lines == 2160
    assert media_probe.spec_from_text("分辨率1920×1080").min_lines == 1080
    assert media_probe.spec_from_text("5.1 声道 44.1kHz").min_sample_rate == 44100
    assert not media_probe.spec_from_text("河北电视台").stated


# --- proofs uploaded, read after the commit ---------------------------------------------------


def test_a_broadcast_proof_is_read_after_the_upload_and_set_against_the_placement(
    world, clips, django_capture_on_commit_callbacks
):
    a, _ = world
    _placement_spec(a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record = broadcast(a, clips.upload("at_spec"), extra=[("feedback", pdf())])
    assert len(callbacks) == 2  # one task per proof
    proof = record.proofs.get(kind="broadcast_proof")
    assert proof.media_status == MediaStatus.READ and proof.media_read_at is not None
    assert (proof.media["width"], proof.media["frame_rate"], proof.media["channels"]) == (
        1920,
        25.0,
        2,
    )
    assert proof.evidence.purpose == "training_material"
    row = _figures(proof)
    assert row["shortfalls"] == [] and row["spec"].startswith("≥1080p, ≥25 fps, ≥10 bit, BT.709")
    assert row["spec_source"] == "宣传项目采购 #2"
    feedback = record.proofs.get(kind="feedback")
    assert feedback.media_status == MediaStatus.NOT_MEDIA and feedback.media_reason == ""

    with django_capture_on_commit_callbacks(execute=True):
        record = broadcast(a, clips.upload("below_spec"), what="公益广告（低清）")
    row = _figures(record.proofs.get())
    assert row["shortfalls"] == [
        "resolution 320×240 is below 1080p",
        "frame rate 15 is below 25 fps",
        "colour depth 8 bit is below 10 bit",
        "colour standard not declared in the file, not BT.709",
        "1 audio channels, 2 asked",
        "audio sample rate 22050 Hz is below 48000 Hz",
    ]


def test_a_damaged_proof_is_kept_as_unreadable_with_the_reason(
    world, clips, django_capture_on_commit_callbacks
):
    a, _ = world
    with django_capture_on_commit_callbacks(execute=True):
        record = broadcast(a, clips.upload("damaged", "damaged.mp4"))
    proof = record.proofs.get()
    assert proof.media_status == MediaStatus.UNREADABLE
    assert proof.media_reason == (
        "ffprobe could not read the file: Invalid data found when processing input"
    )
    assert _figures(proof)["shortfalls"] == []


def test_a_radio_spot_is_held_to_the_audio_part_and_a_photo_to_nothing(
    world, clips, django_capture_on_commit_callbacks
):
    a, _ = world
    _placement_spec(a, "立体声 48kHz", duration="30秒")
    with django_capture_on_commit_callbacks(execute=True):
        record = broadcast(a, clips.upload("radio"))
    row = _figures(record.proofs.get())
    assert row["media"]["kind"] == "audio"
    sample_rate, duration = row["shortfalls"]
    assert sample_rate == "audio sample rate 44100 Hz is below 48000 Hz"
    assert duration.startswith("duration 2") and duration.endswith("is shorter than 30 s")
    with django_capture_on_commit_callbacks(execute=True):
        record = broadcast(a, png())
    row = _figures(record.proofs.get())
    assert row["media"]["kind"] == "image" and row["spec"] == "" and row["shortfalls"] == []


def test_proofs_waiting_are_read_by_the_command_archived_ones_not(world, clips, capsys):
    a, _ = world
    _placement_spec(a)
    record = broadcast(a, clips.upload("below_spec"))  # no commit: the task never ran
    proof = record.proofs.get()
    assert proof.media_status == MediaStatus.PENDING
    assert _figures(proof)["status"] == "pending"
    call_command("promotion_proofs_read")
    assert "read: 1" in capsys.readouterr().out
    proof.refresh_from_db()
    assert proof.media_status == MediaStatus.READ and proof.media["width"] == 320
    assert proof.media["sha256"] == proof.evidence.current_version.blob.sha256
    assert evidence_storage().exists(proof.evidence.current_version.blob.storage_name)
    call_command("promotion_proofs_read")
    assert "none waiting" in capsys.readouterr().out

    other = broadcast(a, clips.upload("radio"), what="广播版")
    type(a.promo).unscoped.filter(pk=a.promo.pk).update(stage=ProjectStage.ARCHIVED)
    call_command("promotion_proofs_read")  # an archived record is read-only: left as it is
    assert "none waiting" in capsys.readouterr().out
    assert other.proofs.get().media_status == MediaStatus.PENDING


# --- the pages ------------------------------------------------------------------------------


def test_a_video_proof_uploaded_from_the_page_shows_its_technical_data(
    client, world, clips, django_capture_on_commit_callbacks
):
    a, _ = world
    _placement_spec(a)
    client.force_login(a.agency)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("implementation:promotion_record_add", args=[a.promo.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        response = form_submit(
            client,
            page,
            "form[data-testid=promotion-record-form]",
            data={
                "kind": "broadcast",
                "placement": str(a.placement.pk),
                "what": "公益广告",
                "place": "河北电视台",
                "occurred_on": "2027-06-05",
                "quantity": "3",
                "audience": "全市观众",
                "channel": "新闻频道",
                "time_slot": "19:00-20:00",
                "duration_seconds": "30",
                "photo": clips.upload("below_spec"),
            },
        )
    record = PromotionRecord.unscoped.get(project=a.promo)
    assert response.url == reverse("implementation:promotion_record", args=[record.pk])
    proof = PromotionProof.objects.get(record=record)
    assert proof.media_status == MediaStatus.READ
    page = client.get(response.url)
    text = page.content.decode()
    assert "320×240 · 15.0 fps · h264 · colour yuv420p 8 bit" in text
    assert "audio aac 1 channel 22050 Hz" in text
    assert f'data-testid="proof-below-{proof.pk}"' in text
    assert "resolution 320×240 is below 1080p" in text
