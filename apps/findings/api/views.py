from django.db.models import Prefetch
from django_filters import rest_framework as filters

from apps.core.api import IdFilter, ScopedReadOnlyViewSet, WorkflowActionsMixin
from apps.findings.models import Finding, FindingEvent, FindingSeverity, FindingStatus

from .serializers import FindingSerializer


class FindingFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=FindingStatus.choices)
    severity = filters.ChoiceFilter(choices=FindingSeverity.choices)
    rule_code = filters.CharFilter()
    project = IdFilter(field_name="project_id")

    class Meta:
        model = Finding
        fields = ["status", "severity", "rule_code", "project"]


class FindingViewSet(WorkflowActionsMixin, ScopedReadOnlyViewSet):
    """Findings of the platform's checks (SPEC §5) in the caller's scope, with their history."""

    queryset = Finding.unscoped.none()
    serializer_class = FindingSerializer
    filterset_class = FindingFilter

    def get_queryset(self):
        return (
            self.base_queryset()
            .select_related("jurisdiction", "owner_organisation", "subject_type")
            .prefetch_related(
                Prefetch("events", queryset=FindingEvent.objects.select_related("actor"))
            )
        )

    def workflow_table(self, instance):
        from apps.findings.workflow import FINDING_WORKFLOW

        return FINDING_WORKFLOW
