"""Writing to the audit log. Every write of the platform ends up in `audit_record`."""

import datetime
import decimal
import uuid

from django.db import transaction
from django.utils import timezone

from apps.core.context import current_actor

from .chain import entry_digest
from .models import AuditAction, AuditChainHead, AuditEntry


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


def audit_record(
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
    """Append one entry to the chain, under a lock on the chain head so links never fork."""
    actor = current_actor()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
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
            previous_hash=head.last_hash,
        )
        entry.id = head.last_entry_id + 1
        entry.entry_hash = entry_digest(entry)
        AuditEntry.unscoped.bulk_create([entry])
        head.last_entry_id = entry.id
        head.last_hash = entry.entry_hash
        head.entry_count += 1
        head.save()
    return entry


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
