"""What the batches look like (documentation for the OpenAPI schema). The rows themselves are
checked by the services in one pass (`apps.online.services`), which reports every bad row."""

from rest_framework import serializers

from apps.online.models import LearningRecord


class LearningRowSerializer(serializers.Serializer):
    platform_record_id = serializers.CharField(
        max_length=64, help_text="The platform's own id of the record (idempotency key)."
    )
    resident_id = serializers.CharField(
        max_length=18, help_text="The trainee's resident ID number (on the project's roster)."
    )
    course = serializers.CharField(max_length=200)
    lesson = serializers.CharField(max_length=200, required=False, allow_blank=True)
    started_at = serializers.DateTimeField(help_text="ISO 8601 with offset.")
    ended_at = serializers.DateTimeField(help_text="ISO 8601 with offset.")
    seconds_watched = serializers.IntegerField(min_value=0)
    captures = serializers.IntegerField(min_value=0, help_text="Face captures during the record.")
    fast_forwarded = serializers.BooleanField()
    idle_seconds = serializers.IntegerField(min_value=0)


class CaptureRowSerializer(serializers.Serializer):
    platform_record_id = serializers.CharField(max_length=64)
    resident_id = serializers.CharField(max_length=18)
    learning_record_id = serializers.CharField(
        max_length=64, required=False, help_text="platform_record_id of the learning record."
    )
    captured_at = serializers.DateTimeField()
    matched = serializers.BooleanField(
        required=False, help_text="The platform's verdict; omit to have the photo verified here."
    )
    match_score = serializers.FloatField(required=False, min_value=0, max_value=1)
    image = serializers.CharField(
        required=False, help_text="JPEG/PNG/WebP photo, base64 (verified here when no verdict)."
    )


class ExamRowSerializer(serializers.Serializer):
    platform_record_id = serializers.CharField(max_length=64)
    resident_id = serializers.CharField(max_length=18)
    taken_on = serializers.DateField()
    score = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=100)
    passed = serializers.BooleanField()


class BatchSerializer(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    records = serializers.ListField(child=serializers.DictField(), allow_empty=False)


class LearningBatchSerializer(BatchSerializer):
    records = LearningRowSerializer(many=True)


class CaptureBatchSerializer(BatchSerializer):
    records = CaptureRowSerializer(many=True)


class ExamBatchSerializer(BatchSerializer):
    records = ExamRowSerializer(many=True)


class BatchAnswerSerializer(serializers.Serializer):
    batch = serializers.IntegerField()
    kind = serializers.CharField()
    project = serializers.IntegerField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="0-based index of the row in `records`.")
    platform_record_id = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class BatchErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = RowErrorSerializer(many=True)


class LearningRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = LearningRecord
        fields = [
            "id",
            "project",
            "trainee",
            "platform",
            "batch",
            "platform_record_id",
            "course",
            "lesson",
            "started_at",
            "ended_at",
            "seconds_watched",
            "captures",
            "fast_forwarded",
            "idle_seconds",
            "counted_seconds",
            "not_counted",
            "received_at",
        ]
