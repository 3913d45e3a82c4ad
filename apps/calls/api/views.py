from apps.calls.models import AnnualCall
from apps.core.api import ScopedReadOnlyViewSet

from .serializers import AnnualCallSerializer


class AnnualCallViewSet(ScopedReadOnlyViewSet):
    queryset = AnnualCall.unscoped.none()
    serializer_class = AnnualCallSerializer
    filterset_fields = ["year", "status"]

    def get_queryset(self):
        return (
            self.base_queryset().select_related("jurisdiction").prefetch_related("key_industries")
        )
