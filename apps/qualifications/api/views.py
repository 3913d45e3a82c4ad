from django_filters import rest_framework as filters

from apps.core.api import IdFilter, ScopedReadOnlyViewSet
from apps.qualifications.models import (
    AgencyType,
    Equipment,
    EquipmentKind,
    Licence,
    LicenceKind,
    QualificationCheckRecord,
)

from .serializers import (
    EquipmentSerializer,
    LicenceSerializer,
    QualificationCheckRecordSerializer,
)


class EquipmentFilter(filters.FilterSet):
    organisation = IdFilter(field_name="organisation_id")
    kind = filters.ChoiceFilter(choices=EquipmentKind.choices)

    class Meta:
        model = Equipment
        fields = ["organisation", "kind", "is_active"]


class EquipmentViewSet(ScopedReadOnlyViewSet):
    """Equipment register (HB §10): one row per device, of the agencies in scope."""

    queryset = Equipment.unscoped.none()
    serializer_class = EquipmentSerializer
    filterset_class = EquipmentFilter

    def get_queryset(self):
        return self.base_queryset().order_by("organisation_id", "kind", "serial_number", "pk")


class LicenceFilter(filters.FilterSet):
    organisation = IdFilter(field_name="organisation_id")
    kind = filters.ChoiceFilter(choices=LicenceKind.choices)

    class Meta:
        model = Licence
        fields = ["organisation", "kind", "is_active"]


class LicenceViewSet(ScopedReadOnlyViewSet):
    """Licences with their business scope (HB §10 (三) 1)."""

    queryset = Licence.unscoped.none()
    serializer_class = LicenceSerializer
    filterset_class = LicenceFilter

    def get_queryset(self):
        return self.base_queryset().order_by("organisation_id", "kind", "number", "pk")


class QualificationCheckRecordFilter(filters.FilterSet):
    organisation = IdFilter(field_name="organisation_id")
    project = IdFilter(field_name="project_id")
    agency_type = filters.ChoiceFilter(choices=AgencyType.choices)

    class Meta:
        model = QualificationCheckRecord
        fields = ["organisation", "project", "agency_type", "passed", "year"]


class QualificationCheckRecordViewSet(ScopedReadOnlyViewSet):
    """Recorded qualification checks (HB §10, §17) with their lines and evidence."""

    queryset = QualificationCheckRecord.unscoped.none()
    serializer_class = QualificationCheckRecordSerializer
    filterset_class = QualificationCheckRecordFilter

    def get_queryset(self):
        return self.base_queryset().select_related("jurisdiction").order_by("-checked_at", "-pk")
