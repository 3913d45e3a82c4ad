from rest_framework import serializers

from apps.calls.models import AnnualCall


class AnnualCallSerializer(serializers.ModelSerializer):
    jurisdiction_code = serializers.CharField(source="jurisdiction.code", read_only=True)
    key_industries = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = AnnualCall
        fields = [
            "id",
            "jurisdiction_code",
            "year",
            "title",
            "status",
            "key_industries",
            "allows_training",
            "allows_promotion",
            "budget_total",
            "max_amount_per_application",
            "max_applications_per_applicant",
            "min_awareness_rate",
            "min_pass_rate",
            "min_satisfaction_rate",
            "opens_at",
            "closes_at",
            "similarity_threshold",
        ]
