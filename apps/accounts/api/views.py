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

    class Meta:
        model = Organisation
        fields = ["kind", "jurisdiction", "is_active"]


class OrganisationViewSet(ScopedReadOnlyViewSet):
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
