from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from apps.accounts.models import Organisation
from apps.core.api import ScopedReadOnlyViewSet
from apps.jurisdictions.models import Jurisdiction

from .serializers import JurisdictionSerializer, MeSerializer, OrganisationSerializer


class JurisdictionViewSet(viewsets.ReadOnlyModelViewSet):
    """Jurisdictions are public reference data (the region tree)."""

    queryset = Jurisdiction.objects.select_related("parent")
    serializer_class = JurisdictionSerializer
    filterset_fields = ["level", "code"]


class OrganisationFilter(filters.FilterSet):
    jurisdiction = filters.CharFilter(field_name="jurisdiction__code")
    credit_code = filters.CharFilter(
        method="filter_credit_code",
        help_text="Unified social credit code (GB 32100, 18 characters): an integrating "
        "system looks its organisation up by it.",
    )

    class Meta:
        model = Organisation
        fields = ["kind", "jurisdiction", "is_active", "credit_code"]

    def filter_credit_code(self, queryset, name, value):
        return queryset.filter(credit_code=value.strip().upper())


class OrganisationViewSet(ScopedReadOnlyViewSet):
    """Organisations in the caller's scope; `?credit_code=` finds one by its unified social
    credit code."""

    queryset = Organisation.unscoped.none()
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter

    def get_queryset(self):
        return self.base_queryset().select_related("jurisdiction")


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    """The calling account, its organisation and any documents it still lacks (HB §12, §18, §25)."""
    return Response(MeSerializer(request.user).data)
