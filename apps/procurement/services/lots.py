"""Procurement lots: projects of one jurisdiction and year grouped by type or industry
(HB §17)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.roles import Role

from ..models import (
    LotBasis,
    ProcurementLot,
)
from .common import _is_of_level


@transaction.atomic
def lot_create(*, user, jurisdiction, year: int, name: str, basis: str, projects) -> ProcurementLot:
    """A lot groups projects of one jurisdiction and year by type or by industry (HB §17)."""
    if not (
        user.is_superuser
        or _is_of_level(user, Role.HRSS, jurisdiction)
        or _is_of_level(user, Role.OFFICE, jurisdiction)
    ):
        raise PermissionDenied(_("Only the procuring authority of this jurisdiction may do this."))
    projects = list(projects)
    if not projects:
        raise ValidationError({"projects": _("Choose the projects of the lot.")})
    foreign = [p.code for p in projects if p.jurisdiction_id != jurisdiction.pk or p.year != year]
    if foreign:
        raise ValidationError(
            {
                "projects": _("Not projects of %(jurisdiction)s in %(year)s: %(codes)s")
                % {"jurisdiction": jurisdiction, "year": year, "codes": "、".join(foreign)}
            }
        )
    if basis == LotBasis.PROJECT_TYPE and len({p.project_type for p in projects}) > 1:
        raise ValidationError({"projects": _("A lot by type holds projects of one type.")})
    if basis == LotBasis.INDUSTRY and len({p.industry_id for p in projects}) > 1:
        raise ValidationError({"projects": _("A lot by industry holds projects of one industry.")})
    lot = ProcurementLot(
        jurisdiction=jurisdiction, year=year, name=name.strip(), basis=basis, created_by=user
    )
    lot.full_clean()
    lot.save()
    lot.projects.set(projects)
    return lot
