"""Face verification benchmark (issue 14 benchmarks): per-check latency on the CPU and the
false-accept / false-reject rates of the configured verifier (`WIPP_TRAINING_FACE_VERIFIER`,
by default dlib's ResNet through `apps.training.faces.DlibFaceVerifier`) at the configured
threshold (`WIPP_TRAINING_FACE_MAX_DISTANCE`) and over a sweep of thresholds.

The labelled set is generated from the faces that packages ship: `tests/training/faces/` (the
`face_recognition` package's test photos, downscaled), every .jpg/.jpeg/.png inside the
installed packages (site-packages) in which the detector finds exactly one face, and any
directory given with `--extra` — e.g. the test photos of the `face_recognition` source
distribution:

    pip download face_recognition==1.3.0 --no-deps --no-binary :all: -d /tmp/fr
    tar xzf /tmp/fr/face_recognition-1.3.0.tar.gz -C /tmp/fr
    .venv/bin/python bench/face_bench.py --extra /tmp/fr/face_recognition-1.3.0/tests/test_images

A photo's person is its file name's leading letters (obama2.jpg → obama; KNOWN_LABELS for the
rest). These sources hold very few people (the face_recognition photos show two), so every
photo is also perturbed with Pillow — brightness ×0.6 and ×1.4, rotation ±10°, two 85 % crops,
JPEG quality 20, and one combination — as a live photo taken in other light, at another angle
or by a poorer camera would be. Each original photo is an enrolment; each perturbed photo of
ANOTHER photo is a probe: the same person → a genuine pair (a distance above the threshold, or
no face found, is a false reject), another person → an impostor pair (at or below the
threshold: a false accept). Probes of the enrolment photo itself are reported apart (the same
photo reused, the easy case). Latency is one check as the check-in service runs it: decode,
detect, landmarks, descriptor (`embed`) and the distance, per probe, on the CPU.

    .venv/bin/python bench/face_bench.py [--extra DIR ...] [--no-site-packages]
"""

import argparse
import io
import itertools
import os
import re
import statistics
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FACES = ROOT / "tests" / "training" / "faces"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}
# Photos whose file name does not start with the person's name.
KNOWN_LABELS = {"32bit": "obama"}
THRESHOLDS = [round(0.40 + 0.05 * k, 2) for k in range(7)]  # 0.40 … 0.70


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wipp.settings")
    os.environ.setdefault("WIPP_DEBUG", "1")
    import django

    django.setup()


@dataclass
class Photo:
    path: Path
    label: str
    content: bytes

    @property
    def key(self) -> str:
        """One source photo: tests/training/faces/obama.jpg is the sdist's obama.jpg, smaller."""
        return self.path.name.lower()


def label_of(path: Path) -> str | None:
    stem = path.stem.lower()
    if stem in KNOWN_LABELS:
        return KNOWN_LABELS[stem]
    match = re.match(r"[a-z]+", stem)
    return match.group() if match else None


def candidate_files(extra: list[str], site_packages: bool) -> list[Path]:
    files = sorted(p for p in FACES.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    roots = [Path(d) for d in extra]
    if site_packages:
        roots += sorted({Path(sysconfig.get_paths()[k]) for k in ("purelib", "platlib")}, key=str)
    for root in roots:
        files += sorted(
            p
            for p in root.rglob("*")
            if p.suffix.lower() in IMAGE_SUFFIXES
            and p.is_file()
            and 2_000 < p.stat().st_size < 8_000_000
        )
    return files


def to_jpeg(image, quality: int = 92) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def perturbations(content: bytes) -> dict[str, bytes]:
    """The photo as another camera, light or angle would take it (Pillow)."""
    from PIL import Image, ImageEnhance, ImageOps

    image = ImageOps.exif_transpose(Image.open(io.BytesIO(content))).convert("RGB")
    image.thumbnail((800, 800))
    w, h = image.size

    def crop(dx: float, dy: float):
        cw, ch = int(w * 0.85), int(h * 0.85)
        x, y = int((w - cw) * dx), int((h - ch) * dy)
        return image.crop((x, y, x + cw, y + ch))

    def rotate(degrees: float, source=None):
        return (source or image).rotate(degrees, resample=Image.BICUBIC, fillcolor=(128, 128, 128))

    return {
        "darker ×0.6": to_jpeg(ImageEnhance.Brightness(image).enhance(0.6)),
        "brighter ×1.4": to_jpeg(ImageEnhance.Brightness(image).enhance(1.4)),
        "rotated −10°": to_jpeg(rotate(-10)),
        "rotated +10°": to_jpeg(rotate(10)),
        "crop 85 % centre": to_jpeg(crop(0.5, 0.5)),
        "crop 85 % top-left": to_jpeg(crop(0.0, 0.0)),
        "JPEG quality 20": to_jpeg(image, quality=20),
        "combined": to_jpeg(
            rotate(5, ImageEnhance.Brightness(crop(0.5, 0.3)).enhance(0.75)), quality=40
        ),
    }


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--extra", action="append", default=[], help="more photo directories")
    parser.add_argument("--no-site-packages", action="store_true")
    args = parser.parse_args(argv)
    setup()
    from django.conf import settings

    from apps.training.faces import FaceError, face_verifier

    threshold = settings.WIPP_TRAINING_FACE_MAX_DISTANCE
    verifier = face_verifier()
    started = time.perf_counter()
    verifier.embed((FACES / "obama.jpg").read_bytes())
    print(f"verifier {verifier.name}: model loaded in {time.perf_counter() - started:.2f} s")

    photos, skipped = [], []
    for path in candidate_files(args.extra, not args.no_site_packages):
        label = label_of(path)
        content = path.read_bytes()
        try:
            verifier.embed(content)
        except FaceError as error:
            skipped.append((path, str(error)))
            continue
        if label is None:
            skipped.append((path, "person unknown"))
            continue
        photos.append(Photo(path, label, content))
    people = sorted({p.label for p in photos})
    print(f"photos with one face: {len(photos)} of {len(photos) + len(skipped)} images examined")
    in_packages = [p for p in photos if "site-packages" in str(p.path)]
    print(f"  of which inside installed packages (site-packages): {len(in_packages)}")
    for photo in photos:
        print(f"  {photo.label:<8} {photo.path}")
    for path, why in skipped:
        if FACES in path.parents or any(str(path).startswith(e) for e in args.extra):
            print(f"  (left out: {path.name}: {why})")
    print(
        f"people: {len(people)} ({', '.join(people)}) — too few for impostor statistics on "
        "their own; every photo is perturbed 8 ways (light, rotation ±10°, crops, JPEG 20, "
        "combined)"
    )

    enrolments = {i: verifier.embed(p.content) for i, p in enumerate(photos)}
    latencies, probes = [], []  # probes: (photo index, perturbation, vector or None)
    for i, photo in enumerate(photos):
        for name, content in perturbations(photo.content).items():
            t0 = time.perf_counter()
            try:
                vector = verifier.embed(content)
                verifier.distance(vector, enrolments[i])
            except FaceError:
                vector = None
            latencies.append(time.perf_counter() - t0)
            probes.append((i, name, vector))

    genuine, impostor, same_photo = [], [], []  # distances (None: no face found)
    for (e, enrolled), (p, _name, vector) in itertools.product(enrolments.items(), probes):
        distance = None if vector is None else verifier.distance(vector, enrolled)
        if photos[p].key == photos[e].key:
            same_photo.append(distance)
        elif photos[p].label == photos[e].label:
            genuine.append(distance)
        else:
            impostor.append(distance)

    def rates(t: float) -> tuple[int, int, int]:
        false_rejects = sum(1 for d in genuine if d is None or d > t)
        false_accepts = sum(1 for d in impostor if d is not None and d <= t)
        same_rejects = sum(1 for d in same_photo if d is None or d > t)
        return false_rejects, false_accepts, same_rejects

    genuine_no_face = sum(1 for d in genuine if d is None)

    no_face = sum(1 for _i, _n, v in probes if v is None)
    ms = [x * 1000 for x in latencies]
    print()
    print(
        f"latency per check (embed + distance, CPU, {len(ms)} probes): median "
        f"{statistics.median(ms):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, max {max(ms):.0f} ms"
    )
    print(
        f"probes without a detected face: {no_face} of {len(probes)} "
        f"({genuine_no_face} of the {len(genuine)} genuine pairs: rejected at every threshold)"
    )
    for kind, values in (("genuine", genuine), ("impostor", impostor)):
        found = [d for d in values if d is not None]
        if found:
            print(
                f"{kind} distances: {len(values)} pairs, min {min(found):.3f}, "
                f"median {statistics.median(found):.3f}, max {max(found):.3f}"
            )
    print()
    print(
        f"{'threshold':>9}  {'FRR (genuine)':>18}  {'FAR (impostor)':>18}  {'FRR same photo':>16}"
    )
    for t in sorted({*THRESHOLDS, threshold}):
        fr, fa, sr = rates(t)
        mark = "  ← configured" if t == threshold else ""
        print(
            f"{t:9.2f}  {fr:4d}/{len(genuine):<4d} {100 * fr / max(1, len(genuine)):6.1f} %  "
            f"{fa:4d}/{len(impostor):<4d} {100 * fa / max(1, len(impostor)):6.1f} %  "
            f"{sr:3d}/{len(same_photo):<3d} {100 * sr / max(1, len(same_photo)):5.1f} %{mark}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
