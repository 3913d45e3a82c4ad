from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from apps.audit.models import AuditEntry
from apps.audit.selectors import (
    audit_last_verification,
    may_browse_audit_log,
    may_verify_audit_log,
)
from apps.audit.verification import audit_verification_start
from apps.core.api import ScopedReadOnlyViewSet
from apps.core.rest.pagination import WippCursorPagination

from .serializers import AuditEntrySerializer, AuditVerificationSerializer


class MayBrowseAuditLog(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.is_authenticated and may_browse_audit_log(request.user)


class AuditEntryFilter(filters.FilterSet):
    """The filters of the audit log, on the page (/audit/) and in the API alike."""

    since = filters.DateFilter(field_name="occurred_at", lookup_expr="date__gte")
    until = filters.DateFilter(field_name="occurred_at", lookup_expr="date__lte")
    actor = filters.CharFilter(field_name="actor_username", lookup_expr="icontains")
    jurisdiction = filters.CharFilter(
        method="filter_jurisdiction", label=_("City (division code)"), max_length=12
    )

    class Meta:
        model = AuditEntry
        fields = [
            "action",
            "object_type",
            "object_id",
            "project_id",
            "since",
            "until",
            "actor",
            "jurisdiction",
        ]

    def filter_jurisdiction(self, queryset, name, value):
        """Entries of a city's subtree (by the path stored on each entry), within what the
        reader may see anyway: an unknown code, or a city outside the reader's region, lists
        nothing — the filter narrows the scoped log, never widens it."""
        from apps.jurisdictions.models import Jurisdiction

        path = Jurisdiction.objects.filter(code=value).values_list("path", flat=True).first()
        if path is None:
            return queryset.none()
        return queryset.filter(jurisdiction_path__startswith=path)


class AuditEntryViewSet(ScopedReadOnlyViewSet):
    """The tamper-evident audit log, region-scoped; offices, HRSS and auditors only."""

    queryset = AuditEntry.unscoped.none()
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilter
    permission_classes = [MayBrowseAuditLog]
    pagination_class = WippCursorPagination
    ordering = ["-id"]

    def get_queryset(self):
        return self.base_queryset().order_by("-id")

    @extend_schema(responses=AuditVerificationSerializer)
    @action(detail=False, methods=["get", "post"])
    def verify(self, request):
        """GET: the last verification of the chain (audit administrators). POST: starts one as
        a background task (`full=true` for a walk from the start) and answers 202 with its
        record; the chain is never walked inside the request."""
        if not may_verify_audit_log(request.user):
            raise PermissionDenied
        if request.method == "POST":
            full = str(request.data.get("full", "")).lower() in {"1", "true"}
            record = audit_verification_start(started_by=request.user.get_username(), full=full)
            record.refresh_from_db()
            return Response(AuditVerificationSerializer(record).data, status=202)
        record = audit_last_verification()
        if record is None:
            return Response({"detail": _("No verification has run yet.")}, status=404)
        return Response(AuditVerificationSerializer(record).data)
