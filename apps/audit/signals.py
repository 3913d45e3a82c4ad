"""Captures every create, update and delete of WIPP's own models into the audit log.

Services stay free of logging boilerplate, and a write through the admin or a shell is logged
all the same. The "before" snapshot is read in pre_save, so an update costs one extra query.
"""

import decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from apps.core.crypto import audit_fingerprint

from .forms import audit_fold
from .models import AuditAction, AuditChainHead, AuditEntry, AuditVerification
from .services import audit_jurisdiction_path, audit_project_id, audit_record

NOT_AUDITED = {AuditEntry, AuditChainHead, AuditVerification}
REDACTED_FIELDS = {"password", "key_hash", "session_generation"}


def snapshot(instance) -> dict:
    """The field values an audit entry keeps. No personal data in clear (GB/T 22239-2019
    8.1.4.8/8.1.4.11; OWASP ASVS 5.0 16.2.5): every encrypted field is masked by default, as
    a keyed fingerprint that still shows whether it changed; a field opts in to clear logging
    with `audit_clear=True`. Secrets and fields marked `audit_masked` show a plain mask."""
    data = {}
    for field in instance._meta.concrete_fields:
        name = field.attname
        if name in REDACTED_FIELDS:
            data[name] = "•••"
            continue
        value = getattr(instance, name)
        encrypted = getattr(field, "encrypted", False)
        if value and encrypted and not getattr(field, "audit_clear", False):
            value = audit_fingerprint(str(value))
        elif getattr(field, "audit_masked", False) and value:
            value = "•••"
        else:
            value = comparable(field, value)
        data[name] = value
    return data


def comparable(field, value):
    """The field's value as the database keeps it, so an unchanged value is never a change:
    a decimal at the field's places (`85` and `85.00` are one amount), dates, times and
    datetimes as values (a string or another time zone of the same instant is the same
    value), numbers given as text as numbers."""
    if value is None:
        return None
    try:
        if isinstance(field, models.DecimalField):
            value = field.to_python(value)
            if field.decimal_places is not None and value.is_finite():
                value = value.quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
            return value
        if isinstance(field, models.DateTimeField):
            value = field.to_python(value)
            if timezone.is_naive(value):
                value = timezone.make_aware(value)
            return value
        if isinstance(field, models.DateField | models.TimeField):
            return field.to_python(value)
        if isinstance(field, models.IntegerField | models.FloatField) and isinstance(value, str):
            return field.to_python(value)
    except (ValidationError, decimal.InvalidOperation, TypeError, ValueError):
        return value
    return value


def is_audited(sender) -> bool:
    """WIPP's own models, except those that hold only derived data (`audit_exempt = True`):
    the run that derives them is audited as one entry instead."""
    return (
        sender not in NOT_AUDITED
        and sender.__module__.startswith("apps.")
        and not getattr(sender, "audit_exempt", False)
    )


def capture_before(sender, instance, raw=False, **kwargs):
    skip = getattr(instance, "_audit_skip", False)
    if raw or not is_audited(sender) or instance.pk is None or skip:
        instance._audit_before = None
        return
    previous = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(previous) if previous is not None else None


def capture_save(sender, instance, created, raw=False, **kwargs):
    if raw or not is_audited(sender) or getattr(instance, "_audit_skip", False):
        return
    before = None if created else getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    if before is not None and before == after:
        return
    if audit_fold(sender, instance, before=before, after=after, created=created):
        return
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type=sender._meta.label,
        object_id=instance.pk,
        object_repr=str(instance),
        jurisdiction_path=audit_jurisdiction_path(instance),
        project_id=audit_project_id(instance),
        before=before,
        after=after,
    )


def capture_delete(sender, instance, **kwargs):
    if not is_audited(sender):
        return
    if audit_fold(sender, instance, before=snapshot(instance), after=None):
        return
    audit_record(
        action=AuditAction.DELETE,
        object_type=sender._meta.label,
        object_id=instance.pk,
        object_repr=str(instance),
        jurisdiction_path=audit_jurisdiction_path(instance),
        project_id=audit_project_id(instance),
        before=snapshot(instance),
    )


def connect_model_capture() -> None:
    for model in apps.get_models():
        if not is_audited(model):
            continue
        pre_save.connect(
            capture_before, sender=model, dispatch_uid=f"audit-pre-{model._meta.label}"
        )
        post_save.connect(
            capture_save, sender=model, dispatch_uid=f"audit-post-{model._meta.label}"
        )
        post_delete.connect(
            capture_delete, sender=model, dispatch_uid=f"audit-del-{model._meta.label}"
        )
