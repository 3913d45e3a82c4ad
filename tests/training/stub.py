"""A deterministic face verifier for tests ONLY (never configured outside tests): the template
of a photo is its mean colour, so generated photos of one 'person' match and of two do not.
The real model (apps.training.faces.DlibFaceVerifier) is tested on real faces in
test_faces.py and drives the browser test."""

import io

from PIL import Image, ImageStat

from apps.training.faces import NoFaceError, euclidean


class StubVerifier:
    name = "test-stub"

    def embed(self, image_bytes: bytes) -> list[float]:
        image = Image.open(io.BytesIO(image_bytes)).convert("RGB")
        mean = [c / 255 for c in ImageStat.Stat(image).mean]
        if max(mean) - min(mean) < 0.05:
            raise NoFaceError("grey: no face")
        return mean

    def distance(self, a, b) -> float:
        return euclidean(a, b) * 2
