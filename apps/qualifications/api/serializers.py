from rest_framework import serializers

from apps.qualifications.models import Equipment, Licence, QualificationCheckRecord


class EquipmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Equipment
        fields = [
            "id",
            "organisation",
            "kind",
            "device_model",
            "serial_number",
            "internet_connected",
            "resolution_lines",
            "audio_capture",
            "rotation_degrees",
            "storage_gb",
            "records_time_place_coordinates",
            "note",
            "evidence",
            "is_active",
            "updated_at",
        ]


class LicenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Licence
        fields = [
            "id",
            "organisation",
            "kind",
            "number",
            "business_scope",
            "scope_categories",
            "valid_from",
            "valid_until",
            "evidence",
            "is_active",
            "updated_at",
        ]


class QualificationCheckRecordSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True)

    class Meta:
        model = QualificationCheckRecord
        fields = [
            "id",
            "organisation",
            "agency_type",
            "jurisdiction",
            "year",
            "project_type",
            "project",
            "passed",
            "lines",
            "rules_version",
            "checked_by",
            "checked_at",
        ]
