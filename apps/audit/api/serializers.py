from rest_framework import serializers

from apps.audit.models import AuditEntry, AuditVerification, VerificationResult


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
            "chained_seq",
            "previous_hash",
            "entry_hash",
            "key_id",
        ]


class AuditVerificationSerializer(serializers.ModelSerializer):
    intact = serializers.SerializerMethodField()

    class Meta:
        model = AuditVerification
        fields = [
            "id",
            "started_at",
            "finished_at",
            "started_by",
            "full",
            "result",
            "intact",
            "from_seq",
            "entries_checked",
            "checkpoints_checked",
            "first_bad_entry",
            "reason",
            "through_seq",
            "through_checkpoint",
            "pending",
            "average_entry_bytes",
        ]

    def get_intact(self, record) -> bool | None:
        if record.result == VerificationResult.RUNNING:
            return None
        return record.result == VerificationResult.INTACT
