from rest_framework import serializers

from apps.findings.models import Finding, FindingEvent


class FindingEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)

    class Meta:
        model = FindingEvent
        fields = ["action", "status_after", "note", "actor", "at"]


class FindingSerializer(serializers.ModelSerializer):
    subject_type = serializers.CharField(source="subject_type.model")
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    owner_organisation = serializers.CharField(
        source="owner_organisation.name", default=None, allow_null=True
    )
    events = FindingEventSerializer(many=True, read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "rule_code",
            "citation",
            "severity",
            "status",
            "status_note",
            "subject_type",
            "subject_id",
            "subject_label",
            "jurisdiction",
            "project",
            "message",
            "records",
            "owner_role",
            "owner_organisation",
            "raised_at",
            "closed_at",
            "events",
        ]
