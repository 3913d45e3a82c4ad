"""Filters of the account pages that have no API list of their own (the API's FilterSets serve
the pages that do, e.g. OrganisationFilter in apps.accounts.api.views)."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from .models import ApiClient


class ApiClientFilter(filters.FilterSet):
    """The API keys a user administrator manages: active or revoked, and the city of the
    account a key acts as (within the accounts the administrator manages anyway)."""

    is_active = filters.BooleanFilter(label=_("Active"))
    jurisdiction = filters.CharFilter(
        field_name="service_user__organisation__jurisdiction__code", max_length=12
    )

    class Meta:
        model = ApiClient
        fields = ["is_active", "jurisdiction"]
