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
    # hmac.digest: OpenSSL's one-shot HMAC, the same value as hmac.new(...).hexdigest().
    return hmac.digest(settings.BLIND_INDEX_KEY.encode(), value.encode(), "sha256").hex()


def audit_fingerprint(value: str) -> str:
    """What the audit log shows for an encrypted value: a mask and a short keyed fingerprint.
    The fingerprint tells an auditor that a value changed (and that two entries hold the same
    value) without the value itself; it is keyed, so it cannot be looked up in a list of
    phone numbers without the blind-index key."""
    digest = hmac.new(
        settings.BLIND_INDEX_KEY.encode(), b"audit:" + value.encode(), hashlib.sha256
    ).hexdigest()
    return f"•••{digest[:8]}"


class EncryptedTextField(models.TextField):
    """Stores text encrypted; Python code sees plaintext. Not filterable: use a blind index.

    The audit log masks every encrypted field (`apps.audit.signals.snapshot`); a field whose
    value may be logged in clear says so with `audit_clear=True` (not a database attribute,
    so it needs no migration).
    """

    encrypted = True

    def __init__(self, *args, audit_clear: bool = False, **kwargs):
        self.audit_clear = audit_clear
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(value)


# --- key rotation ---------------------------------------------------------------------------


def encrypted_fields() -> list:
    """(model, field) for every encrypted field of every installed model."""
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if getattr(field, "encrypted", False)
    ]


def _under_first_key(token: str) -> bool:
    try:
        _fernet_for(settings.FIELD_ENCRYPTION_KEYS[0]).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def field_keys_rotate(*, chunk_size: int = 500, report=None) -> dict[str, dict[str, int]]:
    """Re-encrypts every encrypted value that is not yet under the first key of
    `WIPP_FIELD_KEYS` (GB/T 22239-2019 8.1.4.8; OWASP ASVS 5.0 11.2.2 key rotation).

    Reads the ciphertext itself (cast to text, so nothing is decrypted that does not need
    to be), in primary-key order, `chunk_size` rows per transaction: a large table is never
    locked as a whole and an interrupted run simply continues where the next run finds old
    ciphertext. Writes go through `update()`, which encrypts with the first key and sends no
    model signals; the run as a whole is one audit entry (no value in it). Returns, per
    "app.Model.field", the counts `rotated`, `current` (already under the first key) and
    `failed` (no configured key decrypts it — left untouched). `report(label, counts)` is
    called after each field.
    """
    from django.db import transaction
    from django.db.models import F, TextField
    from django.db.models.functions import Cast

    from apps.audit.models import AuditAction
    from apps.audit.services import audit_record

    results: dict[str, dict[str, int]] = {}
    for model, field in encrypted_fields():
        label = f"{model._meta.label}.{field.name}"
        counts = {"rotated": 0, "current": 0, "failed": 0}
        manager = model._base_manager
        last_pk = None
        while True:
            rows = manager.exclude(**{field.attname: ""}).exclude(
                **{f"{field.attname}__isnull": True}
            )
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            chunk = list(
                rows.order_by("pk")
                .annotate(_ciphertext=Cast(F(field.attname), output_field=TextField()))
                .values_list("pk", "_ciphertext")[:chunk_size]
            )
            if not chunk:
                break
            with transaction.atomic():
                for pk, token in chunk:
                    if _under_first_key(token):
                        counts["current"] += 1
                        continue
                    try:
                        plaintext = decrypt_text(token)
                    except ValueError:
                        counts["failed"] += 1
                        continue
                    # Only if still the ciphertext we read: a concurrent write wins.
                    updated = (
                        manager.filter(pk=pk)
                        .annotate(_ciphertext=Cast(F(field.attname), output_field=TextField()))
                        .filter(_ciphertext=token)
                        .update(**{field.attname: plaintext})
                    )
                    counts["rotated"] += updated
            last_pk = chunk[-1][0]
        results[label] = counts
        if report is not None:
            report(label, counts)
    audit_record(
        action=AuditAction.UPDATE,
        object_type="core.FieldEncryptionKeys",
        object_repr="field keys rotated",
        after={label: dict(counts) for label, counts in results.items()},
        message="rotate_field_keys",
    )
    return results
