from rest_framework import serializers

from apps.review.models import ExpertAssignment, ItemScore, ReviewResult, RoundStatus


class ItemScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = ItemScore
        fields = [
            "item_code",
            "level_code",
            "score",
            "computed_score",
            "override_reason",
            "comment",
        ]


class ExpertAssignmentSerializer(serializers.ModelSerializer):
    application_number = serializers.CharField(source="application.number", read_only=True)
    scores = serializers.SerializerMethodField()

    class Meta:
        model = ExpertAssignment
        fields = [
            "id",
            "application",
            "application_number",
            "expert",
            "status",
            "submitted_at",
            "scores",
        ]

    def get_scores(self, assignment) -> list[dict] | None:
        """Only the expert, or anyone in scope once scoring is closed, sees the scores."""
        request = self.context["request"]
        visible = (
            assignment.expert_id == request.user.pk or assignment.round.status == RoundStatus.CLOSED
        )
        if not visible:
            return None
        return ItemScoreSerializer(assignment.scores.all(), many=True).data


class ReviewResultSerializer(serializers.ModelSerializer):
    application_number = serializers.CharField(source="application.number", read_only=True)
    call = serializers.IntegerField(source="round.call_id", read_only=True)

    class Meta:
        model = ReviewResult
        fields = [
            "id",
            "call",
            "application",
            "application_number",
            "expert_count",
            "first_level",
            "base_score",
            "bonus",
            "deduction",
            "deductions_detail",
            "final_score",
            "vetoes",
            "rank",
            "amount",
            "proposed",
            "adjusted_reason",
        ]
