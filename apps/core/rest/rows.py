"""Lists read as rows, not model instances.

An API list page of 50 projects with their participants built some 350 model instances and
walked DRF's attribute look-ups for each of about a thousand values; the instances and the
look-ups were four fifths of the request. A viewset with `RowListMixin` reads the page's columns
with `.values()` (filters, scoping, ordering and pagination work on the queryset exactly as
before) and writes each value through the serializer's own field, so the answer — types,
decimals, dates, nulls — is the one the serializer declares and the schema documents. The
detail and every write still go through the serializer with model instances.

A viewset names where each response field is read from:

    list_columns = {"id": "id", "applicant": "applicant__name", ...}
    list_children = {
        "participants": RowChildren(ProjectParticipant, "project_id", {"role": "role", ...}),
    }

Every readable field of the serializer must be named in one of the two (checked on first use).
"""

from dataclasses import dataclass

from django.db import models
from rest_framework import serializers
from rest_framework.response import Response


@dataclass(frozen=True)
class RowChildren:
    """A nested list field read from a child model: its rows for the page's parents, in the
    child model's own order."""

    model: type[models.Model]
    parent_column: str
    columns: dict[str, str]


def _writers(serializer: serializers.Serializer, columns: dict[str, str], nested=()):
    """(response name, column, field.to_representation) for every readable field but the
    nested lists."""
    readable = {
        name: field
        for name, field in serializer.fields.items()
        if not field.write_only and name not in nested
    }
    missing = set(readable) - set(columns)
    if missing:
        raise ValueError(f"{type(serializer).__name__}: no row column for {sorted(missing)}")
    return [(name, columns[name], readable[name].to_representation) for name in readable]


def _write(row: dict, writers) -> dict:
    answer = {}
    for name, column, represent in writers:
        value = row[column]
        answer[name] = None if value is None else represent(value)
    return answer


class RowListMixin:
    list_columns: dict[str, str] = {}
    list_children: dict[str, RowChildren] = {}

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        rows = queryset.values(*dict.fromkeys(["pk", *self.list_columns.values()]))
        page = self.paginate_queryset(rows)
        rows = [*(rows if page is None else page)]
        serializer = self.get_serializer()
        writers = _writers(serializer, self.list_columns, nested=self.list_children)
        children = {name: self._child_rows(serializer, name, rows) for name in self.list_children}
        order = [name for name, field in serializer.fields.items() if not field.write_only]
        data = []
        for row in rows:
            answer = _write(row, writers)
            for name, by_parent in children.items():
                answer[name] = by_parent.get(row["pk"], [])
            data.append({name: answer[name] for name in order})
        if page is None:
            return Response(data)
        return self.get_paginated_response(data)

    def _child_rows(self, serializer, name: str, parents) -> dict:
        spec = self.list_children[name]
        writers = _writers(serializer.fields[name].child, spec.columns)
        rows = (
            spec.model._default_manager.filter(
                **{spec.parent_column + "__in": [row["pk"] for row in parents]}
            )
            .order_by(*(spec.model._meta.ordering or ["pk"]))
            .values(*dict.fromkeys([spec.parent_column, *spec.columns.values()]))
        )
        by_parent: dict = {}
        for row in rows:
            by_parent.setdefault(row[spec.parent_column], []).append(_write(row, writers))
        return by_parent
