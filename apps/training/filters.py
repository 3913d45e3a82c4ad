"""Filters of the training lists (issue 17 item 3: one FilterSet per list; these lists have no
API of their own)."""

from django_filters import rest_framework as filters

from .models import (
    AttendanceKind,
    AttendanceMethod,
    AttendanceRecord,
    ConfirmationStatus,
    PresenceConfirmation,
    Session,
    TrainingClass,
)


class TrainingClassFilter(filters.FilterSet):
    year = filters.NumberFilter(field_name="created_at", lookup_expr="year")

    class Meta:
        model = TrainingClass
        fields = ["year"]


class SessionFilter(filters.FilterSet):
    starts_from = filters.DateFilter(field_name="starts_at", lookup_expr="date__gte")
    starts_until = filters.DateFilter(field_name="starts_at", lookup_expr="date__lte")

    class Meta:
        model = Session
        fields = ["starts_from", "starts_until"]


class AttendanceRecordFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=AttendanceKind.choices)
    method = filters.ChoiceFilter(choices=AttendanceMethod.choices)

    class Meta:
        model = AttendanceRecord
        fields = ["kind", "method"]


class PresenceConfirmationFilter(filters.FilterSet):
    confirmation_status = filters.ChoiceFilter(
        field_name="status", choices=ConfirmationStatus.choices
    )

    class Meta:
        model = PresenceConfirmation
        fields = ["confirmation_status"]
