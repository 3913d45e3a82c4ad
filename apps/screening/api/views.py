from django_filters import rest_framework as filters

from apps.core.api import IdFilter, ScopedReadOnlyViewSet
from apps.screening.models import PreliminaryReview, ReviewOutcome

from .serializers import PreliminaryReviewSerializer


class PreliminaryReviewFilter(filters.FilterSet):
    """The filters of the screening results, in the API and on a call's board alike: the
    outcome, the call and the applicant's city (a province call gathers several cities)."""

    outcome = filters.ChoiceFilter(choices=ReviewOutcome.choices)
    application__call = IdFilter(field_name="application__call_id")
    jurisdiction = filters.CharFilter(
        field_name="application__applicant__jurisdiction__code", max_length=12
    )

    class Meta:
        model = PreliminaryReview
        fields = ["outcome", "application__call", "jurisdiction"]


class PreliminaryReviewViewSet(ScopedReadOnlyViewSet):
    """Screening results (SZ P1–P4) with the platform's checks and the reviewer's verdicts."""

    queryset = PreliminaryReview.unscoped.none()
    serializer_class = PreliminaryReviewSerializer
    filterset_class = PreliminaryReviewFilter

    def get_queryset(self):
        return self.base_queryset().select_related("application").prefetch_related("verdicts")
