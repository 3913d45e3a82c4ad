from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.applications.models import (
    Application,
    ApplicationAttachment,
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


@extend_schema_field(OpenApiTypes.STR)
class IndustryCodeField(serializers.Field):
    """A key industry by its code. Codes are unique within a province only (each province
    determines its own key industries), so the serializer resolves the code within the
    province of the application's call (`validate`)."""

    def to_representation(self, value):
        return value.code

    def to_internal_value(self, data):
        if not isinstance(data, str) or not data.strip() or len(data) > 20:
            raise serializers.ValidationError(_("Give the key industry's code."))
        return data.strip()


class IndustryCodesField(serializers.ListField):
    child = IndustryCodeField()

    def to_representation(self, value):
        return [industry.code for industry in value.all()]


def _row_errors(rows: list, check) -> list | None:
    """DRF's shape of errors of nested rows: one dict per row, empty for a good row."""
    errors = [check(index, row) or {} for index, row in enumerate(rows)]
    return errors if any(errors) else None


class ApplicationSerializer(serializers.ModelSerializer):
    """An application with its tables; writes go through the application services.

    In lists the long narratives (SZ 2–6: background, necessity, methods …) are left out
    unless asked for with `?expand=narratives`; `?fields=a,b` returns only those fields."""

    industry = IndustryCodeField(required=False, allow_null=True)
    service_industries = IndustryCodesField(required=False, max_length=100)
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

    def __init__(self, *args, omit=(), only=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name in omit or (only is not None and name not in only and name != "id"):
                del self.fields[name]

    def _call(self, attrs):
        if self.instance is not None:
            return self.instance.call
        return attrs.get("call")

    def _industries(self, attrs) -> dict:
        """Codes → key industries of the province of the application's call."""
        call = self._call(attrs)
        errors, resolved = {}, {}
        if call is None:
            return resolved
        province = call.jurisdiction.root
        known = {i.code: i for i in KeyIndustry.objects.filter(province=province)}
        if attrs.get("industry") is not None:
            code = attrs["industry"]
            if code not in known:
                errors["industry"] = [
                    _("No key industry “%(code)s” in %(province)s.")
                    % {"code": code, "province": province.name}
                ]
            resolved["industry"] = known.get(code)
        if "service_industries" in attrs:
            missing = [c for c in attrs["service_industries"] if c not in known]
            if missing:
                errors["service_industries"] = [
                    _("No key industry “%(code)s” in %(province)s.")
                    % {"code": "、".join(missing), "province": province.name}
                ]
            resolved["service_industries"] = [
                known[c] for c in attrs["service_industries"] if c in known
            ]
        if errors:
            raise serializers.ValidationError(errors)
        return resolved

    def validate(self, attrs):
        """The database constraints of the form and its rows, as field errors (a row's error
        sits at its index), before the services write anything. Rules that need the call or
        the other tables are the services'."""
        attrs.update(self._industries(attrs))
        errors = {}
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            errors["end_date"] = [_("The end date is before the start date.")]
        amount = attrs.get("amount_requested")
        if amount is not None and amount <= 0:
            errors["amount_requested"] = [_("The amount must be more than zero.")]
        team_rows = attrs.get("teammember_set", [])
        leaders = [i for i, row in enumerate(team_rows) if row.get("is_leader")]
        team = _row_errors(
            team_rows,
            lambda i, row: (
                {"is_leader": [_("The team has one project leader only.")]}
                if i in leaders[1:]
                else None
            ),
        )
        if team:
            errors["team"] = team
        stages = _row_errors(
            attrs.get("planstage_set", []),
            lambda i, row: (
                {"end_date": [_("The stage ends before it starts.")]}
                if row["end_date"] < row["start_date"]
                else None
            ),
        )
        if stages:
            errors["stages"] = stages
        seen = set()

        def one_row_per_year(i, row):
            if row["year"] in seen:
                return {"year": [_("This year is given twice.")]}
            seen.add(row["year"])
            return None

        years = _row_errors(attrs.get("insuranceyear_set", []), one_row_per_year)
        if years:
            errors["insurance_years"] = years

        def positive(i, row):
            bad = {
                name: [_("Must be more than zero.")]
                for name in ("unit_cost", "quantity")
                if row.get(name) is not None and row[name] <= 0
            }
            return bad or None

        budget = _row_errors(attrs.get("budgetline_set", []), positive)
        if budget:
            errors["budget_lines"] = budget
        if errors:
            raise serializers.ValidationError(errors)
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
        return data, tables


class ApplicationAttachmentSerializer(serializers.ModelSerializer):
    """附件: a scan, licence or certificate of the application, kept in the evidence store."""

    title = serializers.CharField(source="evidence.title", read_only=True)
    kind_label = serializers.SerializerMethodField()
    file = serializers.FileField(write_only=True)

    class Meta:
        model = ApplicationAttachment
        fields = ["id", "kind", "kind_label", "evidence", "title", "file"]
        read_only_fields = ["evidence"]

    def get_kind_label(self, attachment) -> str:
        from apps.applications.services import ATTACHMENT_KINDS

        return str(ATTACHMENT_KINDS.get(attachment.kind, attachment.kind))


class ApplicationSubmitResultSerializer(serializers.Serializer):
    status = serializers.CharField()
