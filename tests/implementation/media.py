"""Real tiny media made by ffmpeg for the tests of promotion proofs (issue 15 item 3)."""

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

needs_ffmpeg = pytest.mark.skipif(
    shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None,
    reason="ffmpeg/ffprobe missing (Debian package ffmpeg, scripts/setup.sh installs it)",
)

#: Meets "1080P 25帧 10bit BT.709 立体声 48kHz", 1 s: H.264 High 10, stereo AAC at 48 kHz.
AT_SPEC = [
    "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25",
    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
    "-t", "1", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "40", "-pix_fmt", "yuv420p10le",
    "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709",
    "-c:a", "aac", "-ac", "2", "-ar", "48000",
]  # fmt: skip
#: Below it on every count: 320×240 at 15 fps, 8 bit without a colour standard, mono 22.05 kHz.
BELOW_SPEC = [
    "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15",
    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050",
    "-t", "1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
    "-c:a", "aac", "-ac", "1", "-ar", "22050",
]  # fmt: skip
#: A radio spot: stereo MP3 at 44.1 kHz, 2 s.
RADIO = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "2", "-ac", "2"]


def ffmpeg(out: Path, arguments: list[str]) -> bytes:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *arguments, str(out)], check=True, timeout=120)
    return out.read_bytes()


class Clips:
    """The clips of one test session, made once."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._made: dict[str, bytes] = {}

    def _get(self, name: str, arguments: list[str]) -> bytes:
        if name not in self._made:
            self._made[name] = ffmpeg(self.folder / name, arguments)
        return self._made[name]

    def at_spec(self) -> bytes:
        return self._get("at-spec.mp4", AT_SPEC)

    def below_spec(self) -> bytes:
        return self._get("below-spec.mp4", BELOW_SPEC)

    def radio(self) -> bytes:
        return self._get("radio.mp3", RADIO)

    def damaged(self) -> bytes:
        """An MP4 cut after its first 3 KB: its header says MP4 (the evidence store takes it),
        ffprobe cannot read it (the index is missing)."""
        return self.below_spec()[:3072]

    def upload(self, kind: str, name: str | None = None) -> SimpleUploadedFile:
        content = getattr(self, kind)()
        name = name or {"radio": "radio.mp3"}.get(kind, f"{kind.replace('_', '-')}.mp4")
        mime = "audio/mpeg" if name.endswith(".mp3") else "video/mp4"
        return SimpleUploadedFile(name, content, content_type=mime)


def broadcast(w, proof, *, what="公益广告", when=None, extra=()):
    """A broadcast of `w`'s promotion project against its procured placement, with `proof`
    (an upload) as its broadcast proof and `extra` (kind, upload) proofs."""
    from apps.implementation import services

    return services.promotion_record_add(
        user=w.agency,
        project=w.promo,
        proofs=[("broadcast_proof", proof), *extra],
        kind="broadcast",
        placement=w.placement,
        what=what,
        place="河北电视台",
        occurred_on=when or datetime.date(2027, 6, 5),
        quantity=3,
        audience="全市观众",
        channel="新闻频道",
        time_slot="19:00-20:00",
        duration_seconds=30,
    )
