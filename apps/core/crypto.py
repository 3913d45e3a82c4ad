"""Personal data at rest: Fernet-encrypted fields plus an HMAC blind index for exact lookups.

Resident ID numbers, phone numbers and face images are sensitive personal information
(SPEC §6). The ciphertext is what the database holds; the blind index lets the platform find
"the trainee with this ID number" without decrypting every row.
"""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


def _fernet_for(secret: str) -> Fernet:
    key = base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest())
    return Fernet(key)


def _cipher() -> MultiFernet:
    return MultiFernet([_fernet_for(s) for s in settings.FIELD_ENCRYPTION_KEYS])


def encrypt_text(value: str) -> str:
    return _cipher().encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return _cipher().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("Encrypted value cannot be decrypted with the configured keys") from exc


def blind_index(value: str) -> str:
    return hmac.new(settings.BLIND_INDEX_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Stores text encrypted; Python code sees plaintext. Not filterable: use a blind index."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(value)
