"""Session recordings (issue 14 item 8): tus upload, ffprobe, evidence, coverage, findings."""

import base64
import datetime
import hashlib
import shutil
import subprocess

import pytest
from django.test import Client

from apps.evidence.models import EvidenceFile
from apps.findings.models import Finding
from apps.procurement.models import RequirementItem
from apps.training import recordings
from apps.training.models import Recording, RecordingUpload, StartSource
from tests.training.world import START

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None,
        reason="ffmpeg/ffprobe missing (Debian package ffmpeg, scripts/setup.sh installs it)",
    ),
]
TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture(autouse=True)
def _upload_dir(settings, tmp_path):
    settings.WIPP_RECORDING_UPLOAD_DIR = str(tmp_path / "uploads")


@pytest.fixture
def cities(world):
    return world


@pytest.fixture
def city(cities):
    return cities[0]


def video(tmp_path, name="clip.mp4", *, seconds=3, size="640x360", rate=10, created=None):
    out = tmp_path / name
    command = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi"]
    command += ["-i", f"testsrc=duration={seconds}:size={size}:rate={rate}"]
    command += ["-pix_fmt", "yuv420p"]
    if created:
        command += ["-metadata", f"creation_time={created.isoformat()}"]
    subprocess.run([*command, str(out)], check=True, timeout=60)
    return out.read_bytes()


def agency_client(city):
    client = Client()
    client.force_login(city.agency)
    return client


def create(client, session, content, name="clip.mp4"):
    meta = "filename " + base64.b64encode(name.encode()).decode()
    return client.post(
        f"/training/sessions/{session.pk}/recordings/tus/",
        headers={**TUS, "Upload-Length": str(len(content)), "Upload-Metadata": meta},
    )


def patch(client, url, chunk, offset, **headers):
    return client.generic(
        "PATCH",
        url,
        data=chunk,
        content_type="application/offset+octet-stream",
        headers={**TUS, "Upload-Offset": str(offset), **headers},
    )


def upload_all(client, session, content, *, chunk=20_000, name="clip.mp4"):
    url = create(client, session, content, name)["Location"]
    offset = 0
    while offset < len(content):
        response = patch(client, url, content[offset : offset + chunk], offset)
        assert response.status_code == 204, response.content
        offset = int(response["Upload-Offset"])
    return url, response


def test_tus_upload_resumes_checks_chunks_and_stores_the_probed_recording(city, tmp_path):
    content = video(tmp_path, created=START)
    client = agency_client(city)
    options = client.options(f"/training/sessions/{city.session.pk}/recordings/tus/")
    assert options.status_code == 204 and options["Tus-Version"] == "1.0.0"
    assert "creation" in options["Tus-Extension"] and "sha256" in options["Tus-Checksum-Algorithm"]
    no_version = client.post(
        f"/training/sessions/{city.session.pk}/recordings/tus/",
        headers={"Upload-Length": "10"},
    )
    assert no_version.status_code == 412
    bad_name = create(client, city.session, content, name="clip.exe")
    assert bad_name.status_code == 400

    created = create(client, city.session, content)
    assert created.status_code == 201
    url = created["Location"]
    assert client.head(url, headers=TUS)["Upload-Offset"] == "0"
    half = len(content) // 2
    assert patch(client, url, content[:half], 0).status_code == 204
    # the connection dropped: the client asks where to go on
    assert client.head(url, headers=TUS)["Upload-Offset"] == str(half)
    assert patch(client, url, content[half:], 0).status_code == 409
    wrong = base64.b64encode(hashlib.sha1(b"other").digest()).decode()
    refused = patch(client, url, content[half:], half, **{"Upload-Checksum": f"sha1 {wrong}"})
    assert refused.status_code == 460
    assert client.head(url, headers=TUS)["Upload-Offset"] == str(half)
    right = base64.b64encode(hashlib.sha256(content[half:]).digest()).decode()
    done = patch(client, url, content[half:], half, **{"Upload-Checksum": f"sha256 {right}"})
    assert done.status_code == 204 and done["Upload-Offset"] == str(len(content))

    recording = Recording.unscoped.get()
    assert (recording.width, recording.height, recording.frame_rate) == (640, 360, 10.0)
    assert recording.duration_seconds == pytest.approx(3, abs=0.1)
    assert recording.start_source == StartSource.CREATION_TIME
    assert recording.started_at == START
    evidence = EvidenceFile.unscoped.get(pk=recording.evidence_id)
    assert evidence.purpose == "recording" and evidence.project_id == city.project.pk
    assert not list((tmp_path / "uploads").iterdir())  # the part file is gone
    # 360p at 10 fps is below HB §10's 1080p and the default 25 fps
    finding = Finding.unscoped.get(rule_code="TR-RECORDING-BELOW-SPEC")
    assert "1080p" in finding.message and "25 fps" in finding.message
    assert client.head(url, headers=TUS)["Upload-Offset"] == str(len(content))
    assert patch(client, url, b"x", len(content)).status_code == 410


def test_without_creation_time_the_start_is_upload_time_minus_duration(city, tmp_path, monkeypatch):
    content = video(tmp_path, seconds=2)
    done_at = START + datetime.timedelta(minutes=30)
    monkeypatch.setattr(recordings, "clock", lambda: done_at)
    upload_all(agency_client(city), city.session, content)
    recording = Recording.unscoped.get()
    if recording.start_source == StartSource.CREATION_TIME:
        pytest.skip("this ffmpeg writes a creation_time tag by default")
    assert recording.started_at == done_at - datetime.timedelta(seconds=recording.duration_seconds)


def test_spec_comes_from_the_procurement_requirement(city, tmp_path):
    procurement = city.training_class.syllabus_line.requirement.procurement
    RequirementItem.objects.create(
        procurement=procurement,
        number=2,
        name="培训现场录像",
        quantity=1,
        unit="项",
        specification="全程录像，分辨率360P及以上，帧率10帧/秒及以上",
        acceptance_criterion="录像完整",
    )
    spec = recordings.recording_spec(city.project)
    assert (spec.min_lines, spec.min_frame_rate) == (360, 10.0)
    upload_all(agency_client(city), city.session, video(tmp_path, created=START))
    assert not Finding.unscoped.filter(rule_code="TR-RECORDING-BELOW-SPEC").exists()


def _recording(session, start_minute, minutes):
    started = session.starts_at + datetime.timedelta(minutes=start_minute)
    return Recording(
        session=session,
        started_at=started,
        ended_at=started + datetime.timedelta(minutes=minutes),
    )


def test_coverage_merges_intervals_and_finds_gaps(city, settings):
    settings.WIPP_RECORDING_GAP_TOLERANCE_SECONDS = 120
    session = city.session  # 09:00–12:00
    items = [
        _recording(session, -10, 70),  # 08:50–10:00 (clipped at 09:00)
        _recording(session, 50, 40),  # 09:50–10:30 overlaps
        _recording(session, 31 + 60, 59),  # 10:31–11:30: a one-minute gap is tolerated
        _recording(session, 150, 60),  # 11:30–12:30 (clipped at 12:00)
    ]
    result = recordings.coverage(session, items)
    assert result.scheduled_seconds == 3 * 3600
    assert result.covered_seconds == 3 * 3600 - 60
    assert result.gaps == []
    hole = recordings.coverage(session, items[:2] + items[3:])
    assert [(a.hour, a.minute, b.hour, b.minute) for a, b in hole.gaps] == [(10, 30, 11, 30)]
    assert hole.percent == pytest.approx(66.7)


def test_ended_session_without_recordings_or_with_gaps_is_a_finding(city, tmp_path, settings):
    session = city.session
    assert not recordings.coverage_due(session, now=session.ends_at)
    later = session.ends_at + datetime.timedelta(hours=settings.WIPP_RECORDING_CHECK_AFTER_HOURS)
    assert recordings.coverage_due(session, now=later)
    assert recordings.coverage_sweep(now=later) == 2  # both cities' sessions
    missing = Finding.unscoped.get(rule_code="TR-RECORDING-MISSING", subject_id=session.pk)
    assert missing.project_id == city.project.pk
    # a three-second recording at the start leaves the rest of the session uncovered
    upload_all(agency_client(city), session, video(tmp_path, created=START))
    gaps = recordings.coverage_check(session)
    assert len(gaps) == 1 and gaps[0].rule_code == "TR-RECORDING-GAP"
    assert recordings.coverage_check(session) == gaps  # raised once


def test_not_a_video_ends_the_upload_with_its_error(city):
    client = agency_client(city)
    content = b"\x00\x00\x00\x18ftypmp42" + b"x" * 500
    url = create(client, city.session, content)["Location"]
    response = patch(client, url, content, 0)
    assert response.status_code == 422
    assert RecordingUpload.unscoped.get().error
    assert not Recording.unscoped.exists()


def test_who_uploads_and_who_reads(city, tmp_path):
    content = video(tmp_path, created=START)
    upload_all(agency_client(city), city.session, content)
    list_url = f"/training/sessions/{city.session.pk}/recordings/"
    upload_url = f"/training/sessions/{city.session.pk}/recordings/upload/"
    office, evaluator = Client(), Client()
    office.force_login(city.office)
    evaluator.force_login(city.evaluator)
    page = office.get(list_url)
    assert page.status_code == 200
    assert b"640\xc3\x97360" in page.content
    assert office.get(upload_url).status_code == 403
    assert evaluator.get(list_url).status_code == 200
    assert create(evaluator, city.session, content).status_code == 403
    assert agency_client(city).get(upload_url).status_code == 200
    assert b"wipp/recordings.js" in agency_client(city).get(upload_url).content
    assert b"<script>" not in agency_client(city).get(upload_url).content


def test_other_city_cannot_see_recordings(cities):
    city, other = cities
    client = Client()
    client.force_login(other.office)
    assert client.get(f"/training/sessions/{city.session.pk}/recordings/").status_code == 404


def test_the_daily_command_checks_the_sessions_whose_upload_time_is_over(
    city, settings, monkeypatch
):
    from io import StringIO

    from django.core.management import call_command

    session = city.session
    later = session.ends_at + datetime.timedelta(hours=settings.WIPP_RECORDING_CHECK_AFTER_HOURS)
    monkeypatch.setattr(recordings, "clock", lambda: later)
    out = StringIO()
    call_command("recordings_coverage_sweep", stdout=out)
    assert out.getvalue().startswith("2 sessions checked")
    assert Finding.unscoped.filter(rule_code="TR-RECORDING-MISSING", subject_id=session.pk).exists()


def test_the_daily_purge_deletes_expired_unfinished_uploads_and_keeps_the_rest(
    city, tmp_path, settings, monkeypatch
):
    from io import StringIO

    from django.core.management import call_command

    from apps.audit.models import AuditEntry

    client = agency_client(city)
    content = b"x" * 1000
    old_url = create(client, city.session, content)["Location"]
    assert patch(client, old_url, content[:400], 0).status_code == 204
    expiry = datetime.timedelta(hours=settings.WIPP_RECORDING_UPLOAD_EXPIRY_HOURS)
    started = RecordingUpload.unscoped.get()
    monkeypatch.setattr(recordings, "clock", lambda: started.created_at + expiry / 2)
    create(client, city.session, content)
    monkeypatch.setattr(recordings, "clock", lambda: started.created_at + expiry)

    out = StringIO()
    call_command("recordings_uploads_purge", stdout=out)

    assert out.getvalue().startswith("1 expired uploads deleted")
    assert list(RecordingUpload.unscoped.values_list("pk", flat=True)) != [started.pk]
    assert RecordingUpload.unscoped.count() == 1
    remaining = [p.name for p in (tmp_path / "uploads").iterdir()]
    assert remaining == [f"{RecordingUpload.unscoped.get().key.hex}.part"]
    entry = AuditEntry.unscoped.filter(object_type="training.RecordingUpload").latest("pk")
    assert entry.after["rows"] == 1 and entry.after["bytes_discarded"] == 400
    assert client.head(old_url, headers=TUS).status_code == 404


def test_the_purge_deletes_old_part_files_that_no_upload_row_names(city, tmp_path, monkeypatch):
    import os

    directory = tmp_path / "uploads"
    directory.mkdir()
    orphan, fresh = directory / ("a" * 32 + ".part"), directory / ("b" * 32 + ".part")
    orphan.write_bytes(b"x")
    fresh.write_bytes(b"x")
    old = (recordings.clock() - datetime.timedelta(days=30)).timestamp()
    os.utime(orphan, (old, old))

    assert recordings.orphan_part_files_delete() == 1
    assert [p.name for p in directory.iterdir()] == [fresh.name]
