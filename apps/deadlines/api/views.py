from django_filters import rest_framework as filters

from apps.core.api import IdFilter, ScopedReadOnlyViewSet
from apps.deadlines.models import Deadline, DeadlineStatus

from .serializers import DeadlineSerializer


class DeadlineFilter(filters.FilterSet):
    # Plain values, not model choices: a choice filter would tell whether an out-of-scope
    # project exists.
    status = filters.ChoiceFilter(choices=DeadlineStatus.choices)
    rule_code = filters.CharFilter(field_name="rule__code")
    project = IdFilter(field_name="project_id")

    class Meta:
        model = Deadline
        fields = ["status", "rule_code", "project"]


class DeadlineViewSet(ScopedReadOnlyViewSet):
    """Deadlines of the measures (HB §11, §13, §23; SZ 6.5) in the caller's scope, with the
    finding a missed one raised."""

    queryset = Deadline.unscoped.none()
    serializer_class = DeadlineSerializer
    filterset_class = DeadlineFilter

    def get_queryset(self):
        return (
            self.base_queryset()
            .select_related("rule", "jurisdiction", "subject_type")
            .prefetch_related("findings")
        )
