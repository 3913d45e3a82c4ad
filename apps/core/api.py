"""Shared API pieces: viewsets whose querysets always start from the user's scope, id filters,
next steps. The error shape, list filters, pagination, throttling and schema conventions are
in `apps.core.rest`."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.rest.errors import (  # noqa: F401
    ProblemSerializer,
    problem_response,
    wipp_exception_handler,
)

# The largest id a 64-bit integer column holds: SQLite raises OverflowError beyond it.
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    default_validators = [MinValueValidator(1), MaxValueValidator(MAX_ID)]


class IdFilter(filters.NumberFilter):
    """A filter on a row id: a whole number inside the database's range, else a 400."""

    field_class = IdField


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List and detail of a region-scoped model; out-of-scope objects answer 404."""

    def base_queryset(self):
        return self.queryset.model.objects.for_user(self.request.user)

    def get_queryset(self):
        return self.base_queryset()


class NextStepSerializer(serializers.Serializer):
    """One step the caller may take next on an object, from its transition table."""

    action = serializers.CharField()
    label = serializers.CharField()
    target = serializers.CharField(help_text="The state the step leads to.")
    note_required = serializers.BooleanField()
    clause = serializers.CharField()


class WorkflowActionsMixin:
    """`GET …/<id>/next-steps/`: exactly the steps the tables allow the caller on the object
    (role and level), the same selector the pages use — an integrating system never restates
    the rules. A viewset names its table with `workflow_table(instance)`."""

    def workflow_table(self, instance):
        raise NotImplementedError

    @extend_schema(responses=NextStepSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        url_path="next-steps",
        pagination_class=None,
        filter_backends=[],
    )
    def next_steps(self, request, pk=None):
        from apps.core.workflow import actions_available

        instance = self.get_object()
        steps = actions_available(
            table=self.workflow_table(instance), instance=instance, user=request.user
        )
        data = [
            {
                "action": t.action,
                "label": str(t.label or t.action),
                "target": t.target,
                "note_required": t.note_required,
                "clause": t.clause,
            }
            for t in steps
        ]
        return Response(NextStepSerializer(data, many=True).data)
