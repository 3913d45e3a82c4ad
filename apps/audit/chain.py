"""The one place that computes the audit log's digests.

Each chained entry's hash is HMAC-SHA256(key, previous entry's hash + canonical content of
the entry, its chain position included). The keys come from `WIPP_AUDIT_KEYS` (environment,
never the database): the first signs, all verify, so a key is rotated by putting the new one
first; every hash and checkpoint names its key by `key_id` (a fingerprint, not the key).
Someone who can write the database but does not hold the key cannot recompute a valid chain.

Checkpoints and verification records are signed with the same keys (`sign`), and the bulk
paths' batches are summarised by `rows_digest` (plain SHA-256: a content digest, not a seal).
"""

import datetime
import hashlib
import hmac
import json

from django.conf import settings

GENESIS_HASH = "0" * 64

HASHED_FIELDS = (
    "id",
    "chained_seq",
    "occurred_at",
    "actor_id",
    "actor_username",
    "actor_role",
    "actor_organisation",
    "ip_address",
    "request_id",
    "via",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "jurisdiction_path",
    "project_id",
    "before",
    "after",
    "message",
)


def key_id(key: str) -> str:
    return hashlib.sha256(b"wipp-audit-key-id\x00" + key.encode()).hexdigest()[:12]


def audit_keys() -> dict[str, bytes]:
    """key id → key, in the configured order (the first signs)."""
    return {key_id(k): k.encode() for k in settings.WIPP_AUDIT_KEYS if k}


def signing_key() -> tuple[str, bytes]:
    keys = audit_keys()
    if not keys:
        raise RuntimeError("WIPP_AUDIT_KEYS is empty: the audit chain cannot be signed")
    return next(iter(keys.items()))


def key_for(kid: str) -> bytes | None:
    return audit_keys().get(kid)


# One encoder for every canonical form: the same bytes as json.dumps with these arguments,
# without building an encoder per call (rows_digest runs once per row of an ingested batch).
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _json(payload) -> bytes:
    return _ENCODER.encode(payload).encode()


def canonical(entry) -> bytes:
    payload = {}
    for name in HASHED_FIELDS:
        value = getattr(entry, name)
        if name == "occurred_at":
            value = value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
        payload[name] = value
    return _json(payload)


def entry_digest(entry, *, previous_hash: str | None = None, key: bytes | None = None) -> str:
    """HMAC of the previous hash and the entry's content (`entry.previous_hash` and the
    signing key unless given)."""
    if key is None:
        key = signing_key()[1]
    previous = entry.previous_hash if previous_hash is None else previous_hash
    return hmac.new(key, previous.encode() + b"\n" + canonical(entry), hashlib.sha256).hexdigest()


def sign(payload: dict, *, key: bytes | None = None) -> str:
    """Signature of a checkpoint or a verification record (its fields but `signature`)."""
    if key is None:
        key = signing_key()[1]
    content = {k: v for k, v in payload.items() if k != "signature"}
    return hmac.new(key, _json(content), hashlib.sha256).hexdigest()


def signature_valid(payload: dict) -> bool:
    key = key_for(str(payload.get("key_id", "")))
    if key is None or not isinstance(payload.get("signature"), str):
        return False
    return hmac.compare_digest(sign(payload, key=key), payload["signature"])


def rows_digest(rows) -> str:
    """SHA-256 over the canonical JSON of each row of a batch, in the given order."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(_json(row))
        digest.update(b"\n")
    return digest.hexdigest()


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
