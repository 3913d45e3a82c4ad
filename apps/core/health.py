"""/healthz: is the database answering and can the evidence storage write, read and delete?"""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _storage_status() -> str:
    storage = storages["evidence"]
    name = f"healthz/{uuid.uuid4().hex}"
    try:
        saved = storage.save(name, ContentFile(b"ok"))
        with storage.open(saved) as fh:
            readable = fh.read() == b"ok"
        storage.delete(saved)
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok" if readable else "error: read-back mismatch"


def health_report() -> dict:
    checks = {"database": _database_status(), "storage": _storage_status()}
    status = "ok" if all(v == "ok" for v in checks.values()) else "error"
    return {"status": status, **checks}
