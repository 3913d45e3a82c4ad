from rest_framework import serializers

from apps.applications.models import (
    Application,
    BudgetLine,
    InsuranceYear,
    PastProject,
    PlanStage,
    TeamMember,
)
from apps.applications.services import FORM_FIELDS
from apps.jurisdictions.models import KeyIndustry


def row_serializer(model, fields):
    meta = type("Meta", (), {"model": model, "fields": fields})
    return type(f"{model.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})


InsuranceYearSerializer = row_serializer(
    InsuranceYear,
    [
        "year",
        "insured_headcount",
        "injury_incidence_rate",
        "fund_payment_ratio",
        "accident_injuries",
        "occupational_diseases",
        "main_causes",
    ],
)
TeamMemberSerializer = row_serializer(
    TeamMember,
    [
        "is_leader",
        "name",
        "title_level",
        "title_field",
        "qualifications",
        "degree",
        "degree_field",
        "years_experience",
        "experience_field",
    ],
)
PastProjectSerializer = row_serializer(PastProject, ["name", "completed_on", "client"])
PlanStageSerializer = row_serializer(PlanStage, ["name", "start_date", "end_date", "goal"])
BudgetLineSerializer = row_serializer(
    BudgetLine, ["item", "unit", "unit_cost", "quantity", "amount", "standard", "spend_year"]
)

TABLE_SERIALIZERS = {
    "insurance_years": (InsuranceYearSerializer, "insuranceyear_set"),
    "team": (TeamMemberSerializer, "teammember_set"),
    "past_projects": (PastProjectSerializer, "pastproject_set"),
    "stages": (PlanStageSerializer, "planstage_set"),
    "budget_lines": (BudgetLineSerializer, "budgetline_set"),
}


class ApplicationSerializer(serializers.ModelSerializer):
    """An application with its tables; writes go through the application services."""

    industry = serializers.SlugRelatedField(
        slug_field="code", queryset=KeyIndustry.objects.all(), required=False, allow_null=True
    )
    service_industries = serializers.SlugRelatedField(
        slug_field="code", queryset=KeyIndustry.objects.all(), many=True, required=False
    )
    applicant = serializers.CharField(source="applicant.name", read_only=True)
    insurance_years = InsuranceYearSerializer(many=True, source="insuranceyear_set", required=False)
    team = TeamMemberSerializer(many=True, source="teammember_set", required=False)
    past_projects = PastProjectSerializer(many=True, source="pastproject_set", required=False)
    stages = PlanStageSerializer(many=True, source="planstage_set", required=False)
    budget_lines = BudgetLineSerializer(many=True, source="budgetline_set", required=False)

    class Meta:
        model = Application
        fields = [
            "id",
            "call",
            "number",
            "status",
            "submitted_at",
            "applicant",
            *[f for f in FORM_FIELDS],
            *TABLE_SERIALIZERS,
        ]
        read_only_fields = ["number", "status", "submitted_at"]

    def validate(self, attrs):
        # Cross-field and call-related rules are the service's; keep DRF to types and formats.
        return attrs

    def split(self):
        """(form fields, tables) from validated data, in the services' terms."""
        data = dict(self.validated_data)
        data.pop("call", None)
        tables = {
            name: [dict(row) for row in data.pop(source)]
            for name, (_s, source) in TABLE_SERIALIZERS.items()
            if source in data
        }
        if "industry" in data:
            data["industry"] = data["industry"]
        return data, tables


class ApplicationSubmitResultSerializer(serializers.Serializer):
    status = serializers.CharField()
