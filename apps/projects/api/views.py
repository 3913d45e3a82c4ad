from django.db.models import Prefetch
from django_filters import rest_framework as filters

from apps.core.api import ScopedReadOnlyViewSet, WorkflowActionsMixin
from apps.projects.models import Project, ProjectParticipant

from .serializers import ProjectSerializer


class ProjectFilter(filters.FilterSet):
    jurisdiction = filters.CharFilter(field_name="jurisdiction__code")

    class Meta:
        model = Project
        fields = ["year", "project_type", "stage", "jurisdiction"]


class ProjectViewSet(WorkflowActionsMixin, ScopedReadOnlyViewSet):
    queryset = Project.unscoped.none()
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter

    def get_queryset(self):
        participants = ProjectParticipant.objects.select_related("organisation", "person")
        return (
            self.base_queryset()
            .select_related("jurisdiction", "applicant", "industry")
            .prefetch_related(Prefetch("participants", queryset=participants))
        )

    def workflow_table(self, instance):
        from apps.projects.lifecycle import PROJECT_LIFECYCLE

        return PROJECT_LIFECYCLE
