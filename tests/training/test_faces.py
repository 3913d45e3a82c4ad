"""The real face model (dlib ResNet via dlib-bin + face-recognition-models) on real faces."""

import io
import time

import pytest
from PIL import Image

from apps.training.faces import DlibFaceVerifier, FaceVerifier, NoFaceError, face_matches
from tests.training.world import real_face


@pytest.fixture(scope="module")
def verifier():
    return DlibFaceVerifier()


def test_same_person_matches_and_another_does_not(verifier, settings):
    settings.WIPP_TRAINING_FACE_MAX_DISTANCE = 0.5
    assert isinstance(verifier, FaceVerifier)
    enrolment = verifier.embed(real_face("obama.jpg"))
    assert len(enrolment) == 128
    same = verifier.distance(enrolment, verifier.embed(real_face("obama2.jpg")))
    other = verifier.distance(enrolment, verifier.embed(real_face("biden.jpg")))
    assert same < 0.45 < 0.7 < other
    assert face_matches(same) and not face_matches(other)


def test_perturbed_photo_still_matches(verifier):
    image = Image.open(io.BytesIO(real_face("obama2.jpg"))).convert("RGB")
    darker = image.point(lambda v: int(v * 0.7)).rotate(8, expand=True)
    buffer = io.BytesIO()
    darker.save(buffer, format="JPEG", quality=70)
    enrolment = verifier.embed(real_face("obama.jpg"))
    assert verifier.distance(enrolment, verifier.embed(buffer.getvalue())) < 0.5


def test_no_face_is_an_error_and_latency_is_reasonable(verifier):
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), (120, 120, 120)).save(buffer, format="PNG")
    with pytest.raises(NoFaceError):
        verifier.embed(buffer.getvalue())
    verifier.embed(real_face("obama.jpg"))  # models loaded
    started = time.perf_counter()
    verifier.embed(real_face("obama2.jpg"))
    assert time.perf_counter() - started < 5  # ~0.3 s on the 2-core CI machine
