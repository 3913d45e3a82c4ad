from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from apps.evidence.models import EvidenceFile, EvidenceVersion
from apps.evidence.purposes import PURPOSE_CHOICES
from apps.evidence.selectors import evidence_versions


def _download_url(serializer, evidence_file_id: int, number: int | None = None) -> str:
    request = serializer.context.get("request")
    url = reverse("api:evidence-file-download", kwargs={"pk": evidence_file_id}, request=request)
    return f"{url}?version={number}" if number else url


class EvidenceVersionSerializer(serializers.ModelSerializer):
    sha256 = serializers.CharField(source="blob_id", read_only=True)
    size = serializers.IntegerField(source="blob.size", read_only=True)
    content_type = serializers.CharField(source="blob.content_type", read_only=True)
    uploaded_by_name = serializers.CharField(source="uploaded_by.__str__", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceVersion
        fields = [
            "number",
            "original_name",
            "size",
            "sha256",
            "content_type",
            "uploaded_by",
            "uploaded_by_name",
            "uploaded_at",
            "note",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, version) -> str:
        return _download_url(self, version.evidence_file_id, version.number)


class EvidenceFileSerializer(serializers.ModelSerializer):
    purpose_label = serializers.CharField(read_only=True)
    jurisdiction_code = serializers.CharField(source="jurisdiction.code", read_only=True)
    current_version = EvidenceVersionSerializer(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceFile
        fields = [
            "id",
            "purpose",
            "purpose_label",
            "title",
            "jurisdiction_code",
            "project",
            "organisation",
            "created_by",
            "created_at",
            "current_version",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, evidence_file) -> str:
        return _download_url(self, evidence_file.pk)


class EvidenceFileDetailSerializer(EvidenceFileSerializer):
    versions = serializers.SerializerMethodField()

    class Meta(EvidenceFileSerializer.Meta):
        fields = [*EvidenceFileSerializer.Meta.fields, "versions"]
        read_only_fields = fields

    @extend_schema_field(EvidenceVersionSerializer(many=True))
    def get_versions(self, evidence_file):
        versions = evidence_versions(evidence_file=evidence_file)
        return EvidenceVersionSerializer(versions, many=True, context=self.context).data


class EvidenceUploadSerializer(serializers.Serializer):
    """Multipart upload: a new evidence file, or with `replaces` a new version of one."""

    file = serializers.FileField(help_text=_("The document; its real type is checked."))
    purpose = serializers.ChoiceField(choices=PURPOSE_CHOICES, required=False)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    project = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text=_("ID of the project the document belongs to; empty for your organisation's."),
    )
    replaces = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text=_("ID of an evidence file: the upload becomes its next version."),
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def validate(self, attrs):
        if not attrs.get("replaces"):
            errors = {}
            if not attrs.get("purpose"):
                errors["purpose"] = _("Choose the purpose of the document.")
            if not (attrs.get("title") or "").strip():
                errors["title"] = _("Give the document a title.")
            if errors:
                raise serializers.ValidationError(errors)
        return attrs
