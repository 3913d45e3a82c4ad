from django.db.models import Prefetch
from django_filters import rest_framework as filters

from apps.core.api import ScopedReadOnlyViewSet, WorkflowActionsMixin
from apps.core.rest.rows import RowChildren, RowListMixin
from apps.projects.models import Project, ProjectParticipant

from .serializers import ProjectSerializer


class ProjectFilter(filters.FilterSet):
    jurisdiction = filters.CharFilter(field_name="jurisdiction__code")

    class Meta:
        model = Project
        fields = ["year", "project_type", "stage", "jurisdiction"]


class ProjectViewSet(RowListMixin, WorkflowActionsMixin, ScopedReadOnlyViewSet):
    queryset = Project.unscoped.none()
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    list_columns = {
        "id": "id",
        "code": "code",
        "name": "name",
        "year": "year",
        "project_type": "project_type",
        "industry": "industry__name",
        "jurisdiction_code": "jurisdiction__code",
        "applicant": "applicant__name",
        "stage": "stage",
        "budget_amount": "budget_amount",
    }
    list_children = {
        "participants": RowChildren(
            ProjectParticipant,
            "project_id",
            {
                "role": "role",
                "organisation": "organisation__name",
                "person": "person__full_name",
                "since": "since",
            },
        )
    }

    def get_queryset(self):
        queryset = self.base_queryset()
        if self.action == "list":  # rows, see RowListMixin
            return queryset
        participants = ProjectParticipant.objects.select_related("organisation", "person")
        return queryset.select_related("jurisdiction", "applicant", "industry").prefetch_related(
            Prefetch("participants", queryset=participants, to_attr="participant_rows")
        )

    def workflow_table(self, instance):
        from apps.projects.lifecycle import PROJECT_LIFECYCLE

        return PROJECT_LIFECYCLE
