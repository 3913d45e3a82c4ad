from rest_framework import serializers

from apps.deadlines.models import Deadline
from apps.findings.models import Finding


class DeadlineFindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Finding
        fields = ["id", "severity", "citation", "message", "status", "raised_at"]


class DeadlineSerializer(serializers.ModelSerializer):
    rule_code = serializers.CharField(source="rule.code", read_only=True)
    rule_label = serializers.CharField(source="rule.label", read_only=True)
    rule_source = serializers.CharField(source="rule.source", read_only=True)
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True)
    subject_type = serializers.SerializerMethodField()
    # A plain string: the role choices are already in the schema under the user's `role`
    # (one choice set with two names would be ambiguous there).
    owner_role = serializers.CharField(
        read_only=True, help_text="The role that holds the duty, as in a user's `role`."
    )
    finding = DeadlineFindingSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Deadline
        fields = [
            "id",
            "rule_code",
            "rule_label",
            "rule_source",
            "jurisdiction",
            "subject_type",
            "subject_id",
            "subject_label",
            "project",
            "starts_on",
            "due_on",
            "owner_role",
            "owner_organisation",
            "status",
            "late",
            "met_at",
            "finding",
        ]

    def get_subject_type(self, deadline: Deadline) -> str:
        return f"{deadline.subject_type.app_label}.{deadline.subject_type.model}"
