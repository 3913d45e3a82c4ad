from rest_framework import serializers

from apps.projects.models import Project, ProjectParticipant


class ParticipantSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(
        source="organisation.name", default=None, read_only=True, allow_null=True
    )
    person = serializers.CharField(
        source="person.full_name", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = ProjectParticipant
        fields = ["role", "organisation", "person", "since"]


class ProjectSerializer(serializers.ModelSerializer):
    jurisdiction_code = serializers.CharField(source="jurisdiction.code", read_only=True)
    applicant = serializers.CharField(source="applicant.name", read_only=True)
    industry = serializers.CharField(
        source="industry.name", default=None, read_only=True, allow_null=True
    )
    participants = ParticipantSerializer(many=True, read_only=True, source="participant_rows")

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "year",
            "project_type",
            "industry",
            "jurisdiction_code",
            "applicant",
            "stage",
            "budget_amount",
            "participants",
        ]
