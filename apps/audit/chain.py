"""Hash chain of the audit log: each entry's hash covers its content and its predecessor's hash."""

import datetime
import hashlib
import json

GENESIS_HASH = "0" * 64

HASHED_FIELDS = (
    "id",
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
    "previous_hash",
)


def canonical(entry) -> bytes:
    payload = {}
    for name in HASHED_FIELDS:
        value = getattr(entry, name)
        if name == "occurred_at":
            value = value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
        payload[name] = value
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()


def entry_digest(entry) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()
