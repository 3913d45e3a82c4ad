"""Retention of the audit log: entries are kept at least six months (Cybersecurity Law art.
21; `WIPP_AUDIT_RETENTION_DAYS`, default 183, lower values refused) and only then purged.

The purge (`manage.py audit_purge`, the audit administrator's act) deletes a *prefix* of the
chain — every position up to the last one before the first entry still inside the retention
period — never an unchained entry. In the same transaction it writes a `purge` checkpoint
naming the last purged position and its hash, so verification starts after the purged part,
checks that the first remaining entry links to that hash and still checks every later
checkpoint. On PostgreSQL the trigger lets the DELETE through only because the purge sets
`wipp.audit_purge` for its transaction. The purge is itself an audit entry.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from .models import AuditAction, AuditEntry
from .sequencer import _check_head, _locked_head, audit_chain_pending, checkpoint_write
from .services import audit_record

MINIMUM_RETENTION_DAYS = 183


@dataclass(frozen=True)
class PurgeResult:
    purged: int
    through_seq: int
    checkpoint: int | None


def retention_days() -> int:
    days = settings.WIPP_AUDIT_RETENTION_DAYS
    if days < MINIMUM_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"WIPP_AUDIT_RETENTION_DAYS={days}: audit entries are kept at least "
            f"{MINIMUM_RETENTION_DAYS} days (six months, Cybersecurity Law art. 21)"
        )
    return days


def audit_purge(*, now=None) -> PurgeResult:
    cutoff = (now or timezone.now()) - timezone.timedelta(days=retention_days())
    audit_chain_pending()
    with transaction.atomic():
        head = _locked_head()
        _check_head(head)
        first_kept = (
            AuditEntry.unscoped.filter(chained_seq__isnull=False, occurred_at__gte=cutoff)
            .order_by("chained_seq")
            .values_list("chained_seq", flat=True)
            .first()
        )
        through = (first_kept - 1) if first_kept is not None else head.last_seq
        doomed = AuditEntry.unscoped.filter(chained_seq__lte=through)
        anchor = (
            AuditEntry.unscoped.filter(chained_seq=through)
            .values_list("entry_hash", flat=True)
            .first()
        )
        if anchor is None:
            return PurgeResult(0, through, None)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL wipp.audit_purge = 'on'")
        purged, _ = doomed.delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL wipp.audit_purge = 'off'")
        number = checkpoint_write(
            kind="purge",
            purged_through_seq=through,
            purge_anchor_hash=anchor,
            purged_entries=purged,
        )
        audit_record(
            action=AuditAction.DELETE,
            object_type=AuditEntry._meta.label,
            object_repr=f"audit entries up to position {through}",
            after={
                "purged": purged,
                "through_seq": through,
                "cutoff": cutoff,
                "checkpoint": number,
            },
            message=f"audit_purge: retention {retention_days()} days",
        )
    return PurgeResult(purged, through, number)
