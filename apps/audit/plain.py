"""Audit entries in plain words (issue 13 item 10): a reader sees "状态：合同签订与预付 →
实施", not `stage: contract → implementation` — field names by their verbose names, choice
values by their labels, yes/no for flags, and the kind of record by its name. Unknown types
(a model since removed) fall back to the stored keys, so nothing is hidden."""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _


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


def _value(field, value) -> str:
    if value is None or value == "":
        return "∅"
    if field is not None and field.choices:
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
        label = str(field.verbose_name) if field is not None else name
        rows.append((label, _value(field, old), _value(field, new)))
    return rows
