from rest_framework import serializers

from apps.determination.models import (
    Adjustment,
    AnnualArrangement,
    ArrangementEntry,
    BudgetYear,
    Determination,
    FiledProject,
    ProposalEntry,
)


class ProposalEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = ProposalEntry
        fields = [
            "id",
            "revision",
            "position",
            "application",
            "application_number",
            "project_name",
            "applicant_name",
            "project_type",
            "final_score",
            "rank",
            "amount",
            "meeting_agreed",
            "meeting_reason",
        ]


class DeterminationSerializer(serializers.ModelSerializer):
    entries = serializers.SerializerMethodField()

    class Meta:
        model = Determination
        fields = [
            "id",
            "call",
            "status",
            "revision",
            "proposed_at",
            "submitted_at",
            "approved_at",
            "filed_at",
            "entries",
        ]

    def get_entries(self, determination) -> list[dict]:
        """The current revision's proposal with the joint meeting's decisions."""
        rows = [e for e in determination.entries.all() if e.revision == determination.revision]
        return ProposalEntrySerializer(rows, many=True).data


class BudgetYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetYear
        fields = ["year", "days", "amount"]


class FiledProjectSerializer(serializers.ModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)
    budget_years = BudgetYearSerializer(source="project.budget_years", many=True, read_only=True)

    class Meta:
        model = FiledProject
        fields = [
            "id",
            "determination",
            "application",
            "project",
            "project_code",
            "approved_amount",
            "start_date",
            "end_date",
            "feasibility",
            "plan_stages",
            "targets",
            "budget_lines",
            "filed_at",
            "budget_years",
        ]


class ArrangementEntrySerializer(serializers.ModelSerializer):
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    project_code = serializers.CharField(source="project.code", read_only=True)

    class Meta:
        model = ArrangementEntry
        fields = [
            "id",
            "arrangement",
            "jurisdiction",
            "jurisdiction_name",
            "project",
            "project_code",
            "project_name",
            "applicant_name",
            "project_type",
            "industry_name",
            "procurement_item",
            "amount",
            "start_date",
            "end_date",
            "is_current",
            "replaces",
            "adjustment",
        ]


class AnnualArrangementSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnnualArrangement
        fields = ["id", "province", "year", "title", "status", "compiled_at", "published_at"]


class AdjustmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Adjustment
        fields = [
            "id",
            "arrangement",
            "jurisdiction",
            "number",
            "kind",
            "ground",
            "entry",
            "subject",
            "before_text",
            "after_text",
            "reason",
            "new_project_name",
            "new_amount",
            "new_start_date",
            "new_end_date",
            "new_procurement_item",
            "consenting_unit",
            "status",
            "requested_at",
            "consent_at",
            "consent_note",
            "published_at",
            "project",
        ]
