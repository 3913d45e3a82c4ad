from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.integrations.trainees import MAX_ROWS


class TraineeRowSerializer(serializers.Serializer):
    """One trainee, as a row of the Excel roster (apps.training.roster)."""

    name = serializers.CharField(max_length=60, help_text="姓名")
    resident_id = serializers.CharField(
        max_length=30, help_text="公民身份号码 (GB 11643, 18 characters)."
    )
    sex = serializers.CharField(
        max_length=10, required=False, allow_blank=True, help_text="男/女; optional."
    )
    birth_date = serializers.CharField(
        max_length=10, required=False, allow_blank=True, help_text="YYYY-MM-DD; optional."
    )
    phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="Mainland mobile number."
    )
    employer_name = serializers.CharField(max_length=200, help_text="工作单位")
    employer_credit_code = serializers.CharField(
        max_length=30, help_text="统一社会信用代码 of the employer (GB 32100)."
    )
    post = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="岗位（工种）"
    )


class TraineeBatchSerializer(serializers.Serializer):
    trainees = TraineeRowSerializer(
        many=True,
        min_length=1,
        max_length=MAX_ROWS,
        help_text=_("1 to 500 trainees; all are added or none."),
    )


class TraineeResultSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="0-based index of the row in the batch.")
    id = serializers.IntegerField(help_text="The trainee's id.")
    warnings = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Sex or birth date not matching the ID number: the trainee is added and a "
        "finding raised.",
    )


class TraineeBatchAnswerSerializer(serializers.Serializer):
    operation = serializers.CharField()
    rows = serializers.IntegerField()
    results = TraineeResultSerializer(many=True)
