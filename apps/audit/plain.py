"""Audit entries in plain words (issue 13 item 10): a reader sees "状态：合同签订与预付 →
实施", not `stage: contract → implementation` — field names by their verbose names, choice
values by their labels, yes/no for flags, and the kind of record by its name. Unknown types
(a model since removed) fall back to the stored keys, so nothing is hidden."""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(model, name: str):
    if model is None:
        return None
    for field in model._meta.concrete_fields:
        if name in (field.name, field.attname):
            return field
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _label(field, name: str) -> str:
    if field is None:
        return name
    if field.auto_created and not field.concrete:
        # A child table folded into its parent's entry (apps.audit.forms.audit_form).
        return str(field.related_model._meta.verbose_name)
    return str(field.verbose_name)


def _rows(rows: list) -> str:
    """A child table's rows in a line: their count and each row's values."""
    shown = [
        "，".join(str(v) for v in row.values() if v not in (None, ""))
        if isinstance(row, dict)
        else str(row)
        for row in rows[:10]
    ]
    more = "…" if len(rows) > 10 else ""
    count = ngettext("%(n)d row", "%(n)d rows", len(rows)) % {"n": len(rows)}
    return f"{count}：" + "；".join(shown) + more if rows else count


def _value(field, value) -> str:
    if isinstance(value, list):
        return _rows(value)
    if value is None or value == "":
        return "∅"
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField) or isinstance(value, bool):
        return _("yes") if value in (True, "True", "true") else _("no")
    if isinstance(field, models.ForeignKey):
        return f"#{value}"
    return str(value)


def object_label(entry) -> str:
    model = _model(entry.object_type)
    return str(model._meta.verbose_name) if model is not None else entry.object_type


def plain_changes(entry) -> list[tuple[str, str, str]]:
    """(field label, before, after) for each value that changed."""
    model = _model(entry.object_type)
    rows = []
    for name, old, new in entry.changes():
        field = _field(model, name)
        rows.append((_label(field, name), _value(field, old), _value(field, new)))
    return rows


def _role_label(role: str) -> str:
    from apps.accounts.roles import Role

    return str(Role(role).label) if role in Role.values else role


def object_timeline(obj, *, limit: int = 50) -> list[dict]:
    """The history of one record as a timeline (issue 17 item 8), from the audit log in plain
    words: when, which role of which organisation, what changed and the note given. Persons'
    names are left out: the page's readers see who acted by role and organisation."""
    from .models import AuditAction, AuditEntry

    entries = AuditEntry.unscoped.filter(
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        action__in=(AuditAction.CREATE, AuditAction.TRANSITION),
    ).order_by("occurred_at", "id")[:limit]
    timeline = []
    for entry in entries:
        note = entry.message.split(": ", 1)[1] if ": " in entry.message else ""
        timeline.append(
            {
                "at": entry.occurred_at,
                "who": " · ".join(
                    part
                    for part in (_role_label(entry.actor_role), entry.actor_organisation)
                    if part
                ),
                "created": entry.action == AuditAction.CREATE,
                "changes": [] if entry.action == AuditAction.CREATE else plain_changes(entry),
                "note": note,
            }
        )
    return timeline
