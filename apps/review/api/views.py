from django_filters import rest_framework as filters

from apps.core.api import IdFilter, ScopedReadOnlyViewSet
from apps.review.models import AssignmentStatus, ExpertAssignment, ReviewResult

from .serializers import ExpertAssignmentSerializer, ReviewResultSerializer


class ReviewResultFilter(filters.FilterSet):
    call = IdFilter(field_name="round__call_id")

    class Meta:
        model = ReviewResult
        fields = ["call", "proposed"]


class ReviewResultViewSet(ScopedReadOnlyViewSet):
    """Combined expert-review results (SZ 2, 7): score, bonus, deductions, vetoes, rank."""

    queryset = ReviewResult.unscoped.none()
    serializer_class = ReviewResultSerializer
    filterset_class = ReviewResultFilter

    def get_queryset(self):
        return (
            self.base_queryset()
            .select_related("application", "round")
            .order_by("round", "rank", "pk")
        )


class ExpertAssignmentFilter(filters.FilterSet):
    call = IdFilter(field_name="round__call_id")
    application = IdFilter(field_name="application_id")
    status = filters.ChoiceFilter(choices=AssignmentStatus.choices)

    class Meta:
        model = ExpertAssignment
        fields = ["call", "application", "status"]


class ExpertAssignmentViewSet(ScopedReadOnlyViewSet):
    """Expert assignments; scores are shown to their expert, and to everyone in scope only
    once scoring is closed."""

    queryset = ExpertAssignment.unscoped.none()
    serializer_class = ExpertAssignmentSerializer
    filterset_class = ExpertAssignmentFilter

    def get_queryset(self):
        return (
            self.base_queryset()
            .select_related("application", "round")
            .prefetch_related("scores")
            .order_by("pk")
        )
