from rest_framework import serializers

from apps.screening.models import IndicatorVerdict, PreliminaryReview


class IndicatorVerdictSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorVerdict
        fields = ["indicator", "computed_pass", "checks", "final_pass", "reason"]


class PreliminaryReviewSerializer(serializers.ModelSerializer):
    application_number = serializers.CharField(source="application.number", read_only=True)
    verdicts = IndicatorVerdictSerializer(many=True, read_only=True)

    class Meta:
        model = PreliminaryReview
        fields = [
            "id",
            "application",
            "application_number",
            "outcome",
            "computed_at",
            "decided_at",
            "summary",
            "verdicts",
        ]
