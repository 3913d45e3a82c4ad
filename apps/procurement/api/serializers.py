from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.procurement.models import (
    Award,
    MediaPlacement,
    Procurement,
    PromotionActivity,
    RequirementItem,
    SyllabusLine,
)


class SyllabusLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = SyllabusLine
        fields = ["trainee_type", "content", "online_hours", "offline_hours"]


class PromotionActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = PromotionActivity
        fields = [
            "content",
            "form",
            "sessions",
            "item_name",
            "item_quantity",
            "item_specification",
        ]


class MediaPlacementSerializer(serializers.ModelSerializer):
    class Meta:
        model = MediaPlacement
        fields = [
            "content",
            "technical_specs",
            "media",
            "duration",
            "time_slot",
            "frequency",
            "expected_effect",
        ]


class RequirementItemSerializer(serializers.ModelSerializer):
    syllabus_lines = SyllabusLineSerializer(many=True, read_only=True)
    promotion_activities = PromotionActivitySerializer(many=True, read_only=True)
    media_placements = MediaPlacementSerializer(many=True, read_only=True)

    class Meta:
        model = RequirementItem
        fields = [
            "id",
            "number",
            "name",
            "quantity",
            "unit",
            "specification",
            "acceptance_criterion",
            "syllabus_lines",
            "promotion_activities",
            "media_placements",
        ]


class AwardSerializer(serializers.ModelSerializer):
    winner_name = serializers.CharField(source="winner.name", read_only=True)
    qualification_passed = serializers.SerializerMethodField()

    class Meta:
        model = Award
        fields = [
            "id",
            "winner",
            "winner_name",
            "amount",
            "notice_date",
            "notice_document",
            "agency_type",
            "qualification_record_id",
            "qualification_passed",
            "created_at",
        ]

    def get_qualification_passed(self, award: Award) -> bool | None:
        record = award.qualification_record
        return None if record is None else bool(record.passed)


class ProcurementSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True)
    lot_projects = serializers.SerializerMethodField()
    requirements = RequirementItemSerializer(many=True, read_only=True)
    award = serializers.SerializerMethodField()

    class Meta:
        model = Procurement
        fields = [
            "id",
            "reference",
            "title",
            "jurisdiction",
            "year",
            "project",
            "lot",
            "lot_projects",
            "method",
            "category",
            "status",
            "procuring_authority",
            "budget_amount",
            "published_on",
            "bid_opening_on",
            "syllabus_source",
            "syllabus_reference",
            "requirements",
            "award",
            "created_at",
        ]

    def get_lot_projects(self, procurement: Procurement) -> list[int]:
        if procurement.lot_id is None:
            return []
        return [p.pk for p in procurement.lot.projects.all()]

    @extend_schema_field(AwardSerializer(allow_null=True))
    def get_award(self, procurement: Procurement) -> dict | None:
        award = getattr(procurement, "award", None)
        return None if award is None else AwardSerializer(award).data
