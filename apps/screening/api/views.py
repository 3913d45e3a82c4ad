from apps.core.api import ScopedReadOnlyViewSet
from apps.screening.models import PreliminaryReview

from .serializers import PreliminaryReviewSerializer


class PreliminaryReviewViewSet(ScopedReadOnlyViewSet):
    """Screening results (SZ P1–P4) with the platform's checks and the reviewer's verdicts."""

    queryset = PreliminaryReview.unscoped.none()
    serializer_class = PreliminaryReviewSerializer
    filterset_fields = ["outcome", "application__call"]

    def get_queryset(self):
        return self.base_queryset().select_related("application").prefetch_related("verdicts")
