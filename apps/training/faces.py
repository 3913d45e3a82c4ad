"""Face verification behind one interface (issue 14 item 4), so a stronger model can replace it.

`FaceVerifier` is what the check-in service needs: `embed(image_bytes)` turns a photo into a
template (a vector; `NoFaceError` when the photo shows no face, `ManyFacesError` when it shows
more than one) and `distance(a, b)` compares two templates. A check-in matches when the
distance is at most `settings.WIPP_TRAINING_FACE_MAX_DISTANCE`.

`DlibFaceVerifier` is the real implementation: dlib's HOG frontal-face detector, its 5-point
landmark model and its ResNet face-descriptor model (128 dimensions, 99.38 % on LFW) from the
PyPI packages `dlib-bin` (prebuilt dlib) and `face-recognition-models` (the trained weights).
It is the pipeline of the `face_recognition` package (`face_encodings` with the "small" model
and one jitter; `face_distance` = Euclidean distance, its default tolerance 0.6), called on
dlib directly: `face_recognition` itself declares a dependency on the `dlib` source
distribution, which pip would compile even when `dlib-bin` provides the module, so the lock
file cannot install it. Same models, same numbers.

Which verifier runs is `settings.WIPP_TRAINING_FACE_VERIFIER` (a dotted path); production
keeps the default. Tests of the model use it on faces shipped with `face_recognition`'s own
test data (tests/training/faces).
"""

import importlib.util
import io
import math
import threading
from functools import lru_cache
from pathlib import Path
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

Vector = list[float]


class FaceError(ValueError):
    """The photo cannot be used as a face template."""


class NoFaceError(FaceError):
    pass


class ManyFacesError(FaceError):
    pass


@runtime_checkable
class FaceVerifier(Protocol):
    #: stored with each template, so that templates of another model are never compared
    name: str

    def embed(self, image_bytes: bytes) -> Vector: ...

    def distance(self, a: Vector, b: Vector) -> float: ...


def euclidean(a: Vector, b: Vector) -> float:
    if len(a) != len(b):
        raise ValueError("templates of different dimensions")
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)))


def _rgb_array(image_bytes: bytes, max_side: int):
    import numpy
    from PIL import Image, ImageOps

    try:
        image = Image.open(io.BytesIO(image_bytes))
        image = ImageOps.exif_transpose(image).convert("RGB")
    except Exception as exc:
        raise FaceError("not a readable image") from exc
    # Phone cameras give 12-megapixel photos; the detector needs far less and runs in
    # proportion to the pixels.
    image.thumbnail((max_side, max_side))
    return numpy.asarray(image)


def model_file(name: str) -> str:
    """A weight file of the `face-recognition-models` package, found without importing it (its
    `__init__` needs setuptools' deprecated pkg_resources)."""
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the face-recognition-models package is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "models" / name
    if not path.is_file():
        raise RuntimeError(f"face model file missing: {path}")
    return str(path)


class DlibFaceVerifier:
    name = "dlib-resnet-v1"

    _lock = threading.Lock()
    _models = None

    def __init__(self, *, upsample: int = 1, max_side: int = 800):
        self.upsample = upsample
        self.max_side = max_side

    @classmethod
    def _load(cls):
        with cls._lock:
            if cls._models is None:
                import dlib

                cls._models = (
                    dlib.get_frontal_face_detector(),
                    dlib.shape_predictor(model_file("shape_predictor_5_face_landmarks.dat")),
                    dlib.face_recognition_model_v1(
                        model_file("dlib_face_recognition_resnet_model_v1.dat")
                    ),
                )
        return cls._models

    def embed(self, image_bytes: bytes) -> Vector:
        detector, landmarks, encoder = self._load()
        pixels = _rgb_array(image_bytes, self.max_side)
        faces = detector(pixels, self.upsample)
        if len(faces) == 0:
            raise NoFaceError("no face found")
        if len(faces) > 1:
            raise ManyFacesError("more than one face")
        shape = landmarks(pixels, faces[0])
        descriptor = encoder.compute_face_descriptor(pixels, shape, 1)
        return [float(x) for x in descriptor]

    def distance(self, a: Vector, b: Vector) -> float:
        return euclidean(a, b)


@lru_cache(maxsize=4)
def _verifier_for(path: str) -> FaceVerifier:
    verifier = import_string(path)()
    if not isinstance(verifier, FaceVerifier):
        raise TypeError(f"{path} does not implement FaceVerifier")
    return verifier


def face_verifier() -> FaceVerifier:
    """The configured verifier (one instance per configured class)."""
    return _verifier_for(settings.WIPP_TRAINING_FACE_VERIFIER)


def face_matches(distance: float) -> bool:
    return distance <= settings.WIPP_TRAINING_FACE_MAX_DISTANCE
