from rest_framework import serializers

from apps.audit.models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "occurred_at",
            "actor_username",
            "actor_role",
            "actor_organisation",
            "ip_address",
            "request_id",
            "via",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "project_id",
            "before",
            "after",
            "message",
            "previous_hash",
            "entry_hash",
        ]


class ChainVerdictSerializer(serializers.Serializer):
    intact = serializers.BooleanField()
    checked = serializers.IntegerField()
    first_bad_entry_id = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()
