"""The separate, encrypted store of face photos (PIPL art. 28–29; SPEC §6).

Photos of faces are sensitive personal information: they are not put in the general evidence
store (plain, content-addressed, kept for the archive) but encrypted with the field keys
(Fernet, the keys of `WIPP_FIELD_KEYS`) and written to the evidence storage backend under
`faces/`, one object per photo. The `FaceImage` row keeps what the integrity checks need (the
SHA-256 and the perceptual hash of the photo), and the deletion time. Every display or export of
a photo goes through `face_image_read`, which logs the access.
"""

import hashlib
import io
import uuid

import imagehash
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from apps.audit.services import personal_data_access_record
from apps.core.crypto import _cipher
from apps.evidence.services import evidence_storage

from .models import FaceImage

MAX_PHOTO_BYTES = 15 * 1024 * 1024
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def photo_inspect(content: bytes) -> tuple[str, str]:
    """(content type, perceptual hash) of a photo; ValidationError if it is none."""
    if not content:
        raise ValidationError(_("Take or choose a photo."), code="photo_missing")
    if len(content) > MAX_PHOTO_BYTES:
        raise ValidationError(_("The photo is larger than 15 MB."), code="photo_too_large")
    try:
        image = Image.open(io.BytesIO(content))
        kind = image.format
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(
            _("The photo is not a JPEG, PNG or WebP image."), code="photo_type"
        ) from None
    if kind not in FORMATS:
        raise ValidationError(_("The photo is not a JPEG, PNG or WebP image."), code="photo_type")
    return FORMATS[kind], str(imagehash.phash(image.convert("RGB")))


def face_image_store(*, trainee, kind: str, content: bytes, uploaded_by) -> FaceImage:
    content_type, phash = photo_inspect(content)
    name = f"faces/{trainee.project_id}/{uuid.uuid4().hex}"
    storage = evidence_storage()
    from django.core.files.base import ContentFile

    stored = storage.save(name, ContentFile(_cipher().encrypt(content)))
    return FaceImage.unscoped.create(
        project_id=trainee.project_id,
        trainee=trainee,
        kind=kind,
        storage_name=stored,
        sha256=hashlib.sha256(content).hexdigest(),
        phash=phash,
        content_type=content_type,
        size=len(content),
        created_at=timezone.now(),
        uploaded_by=uploaded_by,
    )


def _decrypt(image: FaceImage) -> bytes:
    if image.deleted_at or not image.storage_name:
        raise FileNotFoundError("the photo was deleted after its retention period")
    with evidence_storage().open(image.storage_name, "rb") as handle:
        return _cipher().decrypt(handle.read())


def face_image_bytes_for_processing(image: FaceImage) -> bytes:
    """The photo for the platform's own processing (template extraction); not a display."""
    return _decrypt(image)


def face_image_read(*, image: FaceImage, purpose: str) -> bytes:
    """The photo for a person to see or take away: logged as access to the trainee's face
    data (SPEC §6)."""
    personal_data_access_record(subject=image.trainee, field="face_image", purpose=purpose)
    return _decrypt(image)


def face_image_delete(image: FaceImage, *, now=None) -> None:
    if image.storage_name:
        storage = evidence_storage()
        if storage.exists(image.storage_name):
            storage.delete(image.storage_name)
    image.storage_name = ""
    image.deleted_at = now or timezone.now()
    image.save(update_fields=["storage_name", "deleted_at"])
