"""Filters of the implementation lists of a project (issue 17 item 3: one FilterSet per list;
these lists have no API of their own)."""

from django_filters import rest_framework as filters

from .models import Camera, FundsDirection, FundsEntry, MonthlyReport, ReportStatus


class CameraFilter(filters.FilterSet):
    #: registered on the equipment register (HB §12) or not
    registered = filters.BooleanFilter(field_name="equipment", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Camera
        fields = ["registered"]


class MonthlyReportFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ReportStatus.choices)
    year = filters.NumberFilter(field_name="month", lookup_expr="year")

    class Meta:
        model = MonthlyReport
        fields = ["status", "year"]


class FundsEntryFilter(filters.FilterSet):
    direction = filters.ChoiceFilter(choices=FundsDirection.choices)
    year = filters.NumberFilter(field_name="entry_date", lookup_expr="year")

    class Meta:
        model = FundsEntry
        fields = ["direction", "year"]
