from dataclasses import asdict

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from apps.audit.models import AuditEntry
from apps.audit.selectors import audit_chain_verify, may_browse_audit_log, may_verify_audit_log
from apps.core.api import ScopedReadOnlyViewSet

from .serializers import AuditEntrySerializer, ChainVerdictSerializer


class MayBrowseAuditLog(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.is_authenticated and may_browse_audit_log(request.user)


class AuditEntryFilter(filters.FilterSet):
    since = filters.DateFilter(field_name="occurred_at", lookup_expr="date__gte")
    until = filters.DateFilter(field_name="occurred_at", lookup_expr="date__lte")
    actor = filters.CharFilter(field_name="actor_username", lookup_expr="icontains")

    class Meta:
        model = AuditEntry
        fields = ["action", "object_type", "object_id", "project_id", "since", "until", "actor"]


class AuditEntryViewSet(ScopedReadOnlyViewSet):
    """The tamper-evident audit log, region-scoped; offices, HRSS and auditors only."""

    queryset = AuditEntry.unscoped.none()
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilter
    permission_classes = [MayBrowseAuditLog]

    def get_queryset(self):
        return self.base_queryset().order_by("-id")

    @extend_schema(responses=ChainVerdictSerializer)
    @action(detail=False, methods=["get"])
    def verify(self, request):
        """Verifies the whole hash chain and names the first bad entry, if any (audit
        administrators)."""
        if not may_verify_audit_log(request.user):
            raise PermissionDenied
        return Response(ChainVerdictSerializer(asdict(audit_chain_verify())).data)
