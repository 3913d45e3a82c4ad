"""Writing to the audit log. Every write of the platform ends up in `audit_record`."""

import datetime
import decimal
import uuid

from django.utils import timezone

from apps.core.context import current_actor

from .chain import rows_digest
from .models import AuditAction, AuditEntry

BULK_IDS_LISTED = 200


def json_safe(value):
    """Snapshot values as JSON-native types that survive any database round trip unchanged."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [json_safe(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date | datetime.time | decimal.Decimal | uuid.UUID | float):
        return str(value)
    return str(value)


def audit_entry_build(
    *,
    action: str,
    object_type: str,
    object_id: str | int | None = "",
    object_repr: str = "",
    jurisdiction_path: str = "",
    project_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    message: str = "",
) -> AuditEntry:
    """The unsaved, unchained entry `audit_record` inserts: the current actor, the time, the
    values as JSON-native types (bench/province_bench.py inserts many at once with it)."""
    actor = current_actor()
    return AuditEntry(
        occurred_at=timezone.now(),
        actor_id=actor.user_id,
        actor_username=actor.username,
        actor_role=actor.role,
        actor_organisation=actor.organisation,
        ip_address=actor.ip_address,
        request_id=actor.request_id,
        via=actor.via,
        action=action,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        object_repr=object_repr[:300],
        jurisdiction_path=jurisdiction_path,
        project_id=project_id,
        before=json_safe(before),
        after=json_safe(after),
        message=message[:500],
    )


def audit_record(**values) -> AuditEntry:
    """Append one entry (the arguments of `audit_entry_build`), in the caller's transaction,
    touching no shared row: it is inserted unchained (no position, no hash) and the sequencer
    links it into the keyed chain after it commits (apps.audit.sequencer). A rolled-back
    transaction takes its entries with it."""
    entry = audit_entry_build(**values)
    AuditEntry.unscoped.bulk_create([entry])
    return entry


def audit_bulk(
    *,
    action: str,
    model,
    rows_count: int,
    digest: str,
    object_repr: str = "",
    jurisdiction_path: str = "",
    project_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    message: str = "",
    object_ids: list | None = None,
) -> AuditEntry | None:
    """One entry for one batch of a bulk path (`bulk_create`, `QuerySet.update`), which sends
    no model signals: the model, the batch's row count and the SHA-256 `digest` of its rows
    (`apps.audit.chain.rows_digest`), the values set (`after`) and, for small batches, the ids.
    Nothing is written for an empty batch."""
    if rows_count <= 0:
        return None
    label = model if isinstance(model, str) else model._meta.label
    after = dict(after or {})
    after["rows"] = rows_count
    after["digest"] = digest
    if object_ids is not None:
        after["ids"] = [str(i) for i in object_ids[:BULK_IDS_LISTED]]
    return audit_record(
        action=action,
        object_type=label,
        object_repr=object_repr or f"{rows_count} × {label}",
        jurisdiction_path=jurisdiction_path,
        project_id=project_id,
        before=before,
        after=after,
        message=message or f"bulk {action}: {rows_count} rows",
    )


def audit_queryset_update(*, queryset, values: dict, message: str = "", **context) -> int:
    """`queryset.update(**values)` with its one audit entry: the ids and states of the rows it
    changes are read (locked) first, so the digest covers exactly the rows updated."""
    model = queryset.model
    fields = sorted(values)
    rows = list(queryset.select_for_update().order_by("pk").values("pk", *fields))
    changed = [r for r in rows if any(r[f] != values[f] for f in fields)]
    if not changed:
        return 0
    count = model._base_manager.filter(pk__in=[r["pk"] for r in changed]).update(**values)
    audit_bulk(
        action=AuditAction.UPDATE,
        model=model,
        rows_count=count,
        digest=rows_digest(json_safe(changed)),
        after=json_safe(values),
        object_ids=[r["pk"] for r in changed],
        message=message,
        **context,
    )
    return count


def audit_transition(*, instance, before: dict, after: dict, action_name: str, note=""):
    """One entry per workflow step: the state and the fields the step set, before and after."""
    return audit_record(
        action=AuditAction.TRANSITION,
        object_type=instance._meta.label,
        object_id=instance.pk,
        object_repr=str(instance),
        jurisdiction_path=audit_jurisdiction_path(instance),
        project_id=audit_project_id(instance),
        before=before,
        after=after,
        message=f"{action_name}: {note}" if note else action_name,
    )


def audit_jurisdiction_path(instance) -> str:
    getter = getattr(instance, "audit_jurisdiction_path", None)
    return getter() if callable(getter) else ""


def audit_project_id(instance) -> int | None:
    getter = getattr(instance, "audit_project_id", None)
    return getter() if callable(getter) else None


def personal_data_access_record(*, subject, field: str, purpose: str) -> AuditEntry:
    """Every display of an unmasked resident ID, phone number or face image is logged (SPEC §6)."""
    return audit_record(
        action=AuditAction.PERSONAL_DATA_ACCESS,
        object_type=subject._meta.label,
        object_id=subject.pk,
        object_repr=str(subject),
        jurisdiction_path=audit_jurisdiction_path(subject),
        project_id=audit_project_id(subject),
        message=f"{field}: {purpose}",
    )
