from decimal import Decimal

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


class SyllabusLineRowSerializer(serializers.Serializer):
    trainee_type = serializers.CharField(max_length=100)
    content = serializers.CharField(max_length=2000)
    online_hours = serializers.DecimalField(max_digits=6, decimal_places=1, min_value=0)
    offline_hours = serializers.DecimalField(max_digits=6, decimal_places=1, min_value=0)


class PromotionActivityRowSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=2000)
    form = serializers.CharField(max_length=200)
    sessions = serializers.IntegerField(min_value=0, max_value=100000)
    item_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    item_quantity = serializers.IntegerField(
        min_value=0, max_value=10**9, required=False, allow_null=True
    )
    item_specification = serializers.CharField(max_length=500, required=False, allow_blank=True)


class MediaPlacementRowSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=2000)
    technical_specs = serializers.CharField(max_length=500, allow_blank=True)
    media = serializers.CharField(max_length=200)
    duration = serializers.CharField(max_length=100, allow_blank=True)
    time_slot = serializers.CharField(max_length=100, allow_blank=True)
    frequency = serializers.CharField(max_length=100, allow_blank=True)
    expected_effect = serializers.CharField(max_length=500, allow_blank=True)


class RequirementRowSerializer(serializers.Serializer):
    """One quantified requirement with its acceptance criterion (HB §9) and its details."""

    name = serializers.CharField(max_length=300)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    unit = serializers.CharField(max_length=50)
    specification = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    acceptance_criterion = serializers.CharField(max_length=5000)
    syllabus_lines = SyllabusLineRowSerializer(many=True, required=False)
    promotion_activities = PromotionActivityRowSerializer(many=True, required=False)
    media_placements = MediaPlacementRowSerializer(many=True, required=False)


class RequirementBatchSerializer(serializers.Serializer):
    requirements = RequirementRowSerializer(many=True, allow_empty=False, max_length=500)


class IntegrationBatchAnswerSerializer(serializers.Serializer):
    operation = serializers.CharField()
    rows = serializers.IntegerField()
    results = serializers.ListField(child=serializers.DictField())


class ProcurementDocumentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["tender_documents", "bid_received", "winning_bid"],
        help_text="Tender documents (while drafting or published), bids received, the "
        "winning bid (once published). Other documents come with their own step.",
    )
    file = serializers.FileField()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ProcurementDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    evidence = serializers.IntegerField(source="evidence_id")
    title = serializers.CharField(source="evidence.title")
