"""Reads of the qualification register and the check records, each from the user's scope."""

from django.db.models import Count, Q

from apps.accounts.models import Organisation

from .models import Equipment, Licence, PlatformProfile, QualificationCheckRecord
from .services import EDITOR_ROLES, READER_ROLES, REGISTER_KINDS


def may_view_registers(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.role in READER_ROLES or user.role in EDITOR_ROLES
    )


def register_organisations(*, user):
    """Agencies whose register the user may read, with the size of their register."""
    return (
        Organisation.objects.for_user(user)
        .filter(kind__in=REGISTER_KINDS)
        .select_related("jurisdiction")
        .annotate(
            equipment_count=Count("equipment", filter=Q(equipment__is_active=True), distinct=True),
            licence_count=Count("licences", filter=Q(licences__is_active=True), distinct=True),
        )
        .order_by("jurisdiction__path", "name")
    )


def register_organisation_get(*, user, pk: int) -> Organisation:
    """Raises Organisation.DoesNotExist for an organisation out of scope or without register."""
    return (
        Organisation.objects.for_user(user)
        .filter(kind__in=REGISTER_KINDS)
        .select_related("jurisdiction")
        .get(pk=pk)
    )


def organisation_equipment(*, user, organisation):
    return (
        Equipment.objects.for_user(user)
        .filter(organisation=organisation)
        .select_related("evidence")
        .order_by("-is_active", "kind", "serial_number")
    )


def organisation_licences(*, user, organisation):
    return (
        Licence.objects.for_user(user)
        .filter(organisation=organisation)
        .select_related("evidence")
        .order_by("-is_active", "kind", "number")
    )


def organisation_platform_profile(*, user, organisation) -> PlatformProfile | None:
    return (
        PlatformProfile.objects.for_user(user)
        .filter(organisation=organisation)
        .select_related("province_contract_evidence")
        .first()
    )


def equipment_get(*, user, pk: int) -> Equipment:
    return Equipment.objects.for_user(user).select_related("organisation").get(pk=pk)


def licence_get(*, user, pk: int) -> Licence:
    return Licence.objects.for_user(user).select_related("organisation").get(pk=pk)


def check_records(*, user, organisation=None):
    qs = QualificationCheckRecord.objects.for_user(user).select_related(
        "organisation", "jurisdiction", "project", "checked_by"
    )
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.order_by("-checked_at", "-id")


def check_record_get(*, user, pk: int) -> QualificationCheckRecord:
    return (
        QualificationCheckRecord.objects.for_user(user)
        .select_related("organisation", "jurisdiction", "project", "checked_by")
        .get(pk=pk)
    )
