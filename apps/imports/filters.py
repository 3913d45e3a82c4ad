"""The filters of the list of uploads (issue 17 item 3: one FilterSet per list)."""

from django_filters import rest_framework as filters

from .models import ImportBatch, ImportStatus


class ImportBatchFilter(filters.FilterSet):
    kind = filters.CharFilter(field_name="kind")
    status = filters.ChoiceFilter(choices=ImportStatus.choices)

    class Meta:
        model = ImportBatch
        fields = ["kind", "status"]
