"""Filter backends every list of the API has: `ordering` and `updated_since`.

`ordering` takes the response's own field names that are columns of the model (`-` for
descending, comma-separated); the row id always breaks ties, so pages are stable.

`updated_since` (ISO 8601 date-time, or a date meaning its start in Asia/Shanghai) keeps the
rows changed at or after that instant: by the model's `updated_at` where it has one, else by
the audit log — every create, update and workflow step of a row is an audit entry
(apps.audit), so "changed since" is read from the same record the auditors read.
"""

import datetime

from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from rest_framework import filters
from rest_framework.exceptions import ValidationError

UPDATED_SINCE = "updated_since"


def _parse_instant(raw: str) -> datetime.datetime:
    value = None
    try:
        value = parse_datetime(raw)
        if value is None:
            day = parse_date(raw)
            if day is not None:
                value = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        value = None
    if value is None or not 1900 <= value.year <= 9999:
        raise ValidationError(
            {UPDATED_SINCE: [_("Give a date-time in ISO 8601, e.g. 2026-03-01T08:00:00+08:00.")]}
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def changed_since(queryset, since: datetime.datetime):
    model = queryset.model
    names = {f.name for f in model._meta.concrete_fields}
    if "updated_at" in names:
        return queryset.filter(updated_at__gte=since)
    if "occurred_at" in names:  # the audit log itself
        return queryset.filter(occurred_at__gte=since)
    from apps.audit.models import AuditEntry

    touched = AuditEntry.unscoped.filter(
        object_type=model._meta.label, occurred_at__gte=since
    ).values("object_id")
    return queryset.annotate(
        _pk_text=Cast("pk", output_field=models.CharField(max_length=64))
    ).filter(_pk_text__in=touched)


class UpdatedSinceFilter(filters.BaseFilterBackend):
    def filter_queryset(self, request, queryset, view):
        raw = request.query_params.get(UPDATED_SINCE)
        if not raw or getattr(view, "action", "list") != "list":
            return queryset
        return changed_since(queryset, _parse_instant(raw))

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": UPDATED_SINCE,
                "required": False,
                "in": "query",
                "description": (
                    "Only rows created or changed at or after this instant (ISO 8601; a date "
                    "means its start in Asia/Shanghai). Read from the row's `updated_at` or, "
                    "for rows without one, from the audit log."
                ),
                "schema": {"type": "string", "format": "date-time"},
            }
        ]


def _column_fields(view) -> list[tuple[str, str]]:
    """(column, name) of the response's fields that are local columns of the model."""
    try:
        serializer = view.get_serializer()
    except Exception:  # a view without a serializer for this request
        return [("pk", "id")]
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    if model is None:
        return [("pk", "id")]
    columns = {f.name for f in model._meta.concrete_fields} | {
        f.attname for f in model._meta.concrete_fields
    }
    names = []
    for name, field in serializer.fields.items():
        if getattr(field, "write_only", False):
            continue
        source = field.source or name
        if source in columns and not field.__class__.__name__.endswith("Serializer"):
            names.append((source, name))
    return names or [("pk", "id")]


class WippOrderingFilter(filters.OrderingFilter):
    """DRF's ordering filter on the response's own column fields; the id breaks ties."""

    ordering_description = "Order by these fields (comma-separated, `-` for descending)."

    def get_valid_fields(self, queryset, view, context=None):
        fields = getattr(view, "ordering_fields", None)
        if fields is None:
            return _column_fields(view)
        return [(f, f) for f in fields]

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = dict((label, source) for source, label in self.get_valid_fields(queryset, view))
        ordering = []
        for term in fields:
            name = term.lstrip("-")
            if name not in valid:
                raise ValidationError(
                    {self.ordering_param: [_("Cannot order by “%(name)s”.") % {"name": term}]}
                )
            ordering.append(("-" if term.startswith("-") else "") + valid[name])
        return ordering

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if ordering:
            ordering = [*ordering, "-pk" if ordering[0].startswith("-") else "pk"]
            return queryset.order_by(*ordering)
        if not queryset.query.order_by and not queryset.model._meta.ordering:
            return queryset.order_by("pk")
        return queryset

    def get_schema_operation_parameters(self, view):
        names = [name for _column, name in _column_fields(view)]
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": f"{self.ordering_description} Fields: {', '.join(names)}.",
                "schema": {"type": "string"},
            }
        ]
