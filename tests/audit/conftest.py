import pytest
from django.db import connection

from apps.audit.models import AuditEntry
from tests.evidence.conftest import S3_ENV, moto_s3_server, s3_client  # noqa: F401

__all__ = ["S3_ENV", "insider_sql"]


def insider_sql(sql: str, params=()) -> None:
    """Raw SQL as a database insider would run it: on PostgreSQL first switching off the
    append-only trigger, as the table's owner can (inside the test's transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {AuditEntry._meta.db_table} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {AuditEntry._meta.db_table} ENABLE TRIGGER USER")


@pytest.fixture
def checkpoint_files(settings):
    from pathlib import Path

    def files() -> list[Path]:
        return sorted(Path(settings.WIPP_AUDIT_CHECKPOINT_DIR).glob("*.json"))

    return files


@pytest.fixture(autouse=True)
def checkpoint_every_run(settings):
    """The chain tests follow the checkpoints run by run: each sequencer run that chained
    something writes one (the interval itself is tested in test_checkpoint_interval.py)."""
    settings.WIPP_AUDIT_CHECKPOINT_MIN_INTERVAL = 0
