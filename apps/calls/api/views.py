from apps.calls.models import AnnualCall
from apps.core.api import ScopedReadOnlyViewSet, WorkflowActionsMixin

from .serializers import AnnualCallSerializer


class AnnualCallViewSet(WorkflowActionsMixin, ScopedReadOnlyViewSet):
    queryset = AnnualCall.unscoped.none()
    serializer_class = AnnualCallSerializer
    filterset_fields = ["year", "status"]

    def get_queryset(self):
        return (
            self.base_queryset().select_related("jurisdiction").prefetch_related("key_industries")
        )

    def workflow_table(self, instance):
        from apps.calls.services import CALL_WORKFLOW

        return CALL_WORKFLOW
