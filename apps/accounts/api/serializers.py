from rest_framework import serializers

from apps.accounts.models import Organisation, User
from apps.jurisdictions.models import Jurisdiction


class JurisdictionSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(
        source="parent.code", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = Jurisdiction
        fields = ["id", "code", "name", "name_en", "level", "parent_code"]


class OrganisationSerializer(serializers.ModelSerializer):
    jurisdiction_code = serializers.CharField(source="jurisdiction.code", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "credit_code", "kind", "jurisdiction_code", "is_active"]


class MeSerializer(serializers.ModelSerializer):
    organisation = OrganisationSerializer(read_only=True)
    missing_documents = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "role", "organisation", "missing_documents"]

    def get_missing_documents(self, user) -> list[str]:
        from apps.accounts.selectors import missing_documents_for

        return [str(kind) for kind in missing_documents_for(user)]
