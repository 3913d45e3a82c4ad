"""A promotion project's periodic report takes in its proofs as read from the files (issue 15
item 3; HB §19 技术规格): per proof its resolution, frame rate, colour, audio and duration against
the procured placement's technical specifications, the proofs below it named, the unreadable
ones with their reason — frozen in the report like the other figures."""

import datetime

import pytest
from django.urls import reverse

from apps.supervision import services
from apps.supervision.selectors import PROMOTION_SECTIONS
from tests.implementation.media import Clips, broadcast, needs_ffmpeg
from tests.implementation.world import png

pytestmark = [pytest.mark.django_db, needs_ffmpeg]
D = datetime.date


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    return Clips(tmp_path_factory.mktemp("clips"))


def _broadcast(w, proof, *, what, when=None):
    return broadcast(w, proof, what=what, when=when or D(2026, 11, 5))


def _submit(w):
    return services.report_submit(
        user=w.evaluator,
        project=w.promo,
        period_start=D(2026, 11, 1),
        period_end=D(2026, 11, 19),
        sections={code: f"{code} 评估意见" for code, _label in PROMOTION_SECTIONS},
        conclusion="本期宣传基本符合服务协议",
    )


def test_the_report_names_the_proofs_below_the_procured_specification(
    world, clips, client, django_capture_on_commit_callbacks
):
    a, _b, _clock = world
    a.placement.technical_specs = "1080P 25帧 立体声 48kHz"
    a.placement.duration = "1秒"
    a.placement.save()
    with django_capture_on_commit_callbacks(execute=True):
        _broadcast(a, clips.upload("at_spec"), what="高清版")
        _broadcast(a, clips.upload("below_spec"), what="低清版")
        _broadcast(a, clips.upload("damaged", "damaged.mp4"), what="损坏版")
        _broadcast(a, png(), what="截图")
        _broadcast(a, clips.upload("radio"), what="上期", when=D(2026, 10, 5))  # not this period
    _broadcast(a, clips.upload("radio", "spot.mp3"), what="广播版")  # task not run yet

    report = _submit(a)
    media = report.figures["promotion"]["media"]
    names = [row["name"] for row in media["proofs"]]
    assert names == [
        "高清版 · Broadcast proof · 2026-11-05",
        "低清版 · Broadcast proof · 2026-11-05",
        "损坏版 · Broadcast proof · 2026-11-05",
        "截图 · Broadcast proof · 2026-11-05",
        "广播版 · Broadcast proof · 2026-11-05",
    ]
    assert media["proofs_read"] == 3 and media["proofs_checked"] == 2
    assert media["proofs_below_spec"] == ["低清版 · Broadcast proof · 2026-11-05"]
    assert media["proofs_unreadable"] == ["损坏版 · Broadcast proof · 2026-11-05"]
    assert media["proofs_pending"] == ["广播版 · Broadcast proof · 2026-11-05"]
    at, below, damaged = media["proofs"][:3]
    assert (at["media"]["width"], at["media"]["frame_rate"], at["media"]["sample_rate"]) == (
        1920,
        25.0,
        48000,
    )
    assert at["spec"] == "≥1080p, ≥25 fps, ≥2 audio channels, ≥48 kHz, ≥1 s"
    assert at["shortfalls"] == []
    assert below["shortfalls"] == [
        "resolution 320×240 is below 1080p",
        "frame rate 15 is below 25 fps",
        "1 audio channels, 2 asked",
        "audio sample rate 22050 Hz is below 48000 Hz",
    ]
    assert damaged["reason"].startswith("ffprobe could not read the file")

    # Frozen: a later change of the procured specification leaves the report as it was.
    a.placement.technical_specs = "720P"
    a.placement.save()
    report.refresh_from_db()
    assert report.figures["promotion"]["media"]["proofs_below_spec"] == [
        "低清版 · Broadcast proof · 2026-11-05"
    ]

    client.force_login(a.office)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("supervision:report", args=[report.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "1: 低清版 · Broadcast proof · 2026-11-05" in text
    assert "resolution 320×240 is below 1080p" in text
    assert "1920×1080 · 25.0 fps · h264" in text
    assert "Unreadable: ffprobe could not read the file" in text
