"""The province's annual arrangement (HB §7): compiled from the cities' filed projects and
published, which moves its projects on to procurement."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.projects.models import Project, ProjectStage
from apps.projects.services import projects_stage_advance

from ..models import (
    AnnualArrangement,
    ArrangementEntry,
    ArrangementStatus,
    DeterminationStatus,
    FiledProject,
)
from ..workflow import ARRANGEMENT_WORKFLOW
from .common import PROCUREMENT_ITEMS, _check_own_level, _step, fund_message


def _check_root_office(user, province) -> None:
    _check_own_level(user, province, Role.OFFICE)
    if province.parent_id is not None:
        raise PermissionDenied(_("The annual arrangement is compiled by the province office."))


def arrangement_title(province, year: int) -> str:
    whole = "全省" if province.level == "province" else "全市"
    return f"{year}年度{whole}工伤预防项目安排"


def _filed_for(province, year: int):
    return (
        FiledProject.unscoped.filter(
            determination__status=DeterminationStatus.FILED,
            determination__call__year=year,
            determination__call__jurisdiction__path__startswith=province.path,
        )
        .select_related("project__industry", "entry", "determination__call__jurisdiction")
        .order_by("determination__call__jurisdiction__path", "entry__position")
    )


def _check_fund_totals(province, year: int, filed) -> None:
    """Each city's filed projects within its fund total for the year, and the whole within the
    province's (HB §6, §8: 全部列入年度基金支出预算)."""
    by_city: dict = {}
    for fp in filed:
        city = fp.determination.call.jurisdiction
        by_city.setdefault(city, Decimal("0"))
        by_city[city] += fp.approved_amount
    messages = [
        message for city, needed in by_city.items() if (message := fund_message(city, year, needed))
    ]
    whole = sum(by_city.values(), Decimal("0"))
    if message := fund_message(province, year, whole):
        messages.append(message)
    if messages:
        raise ValidationError(messages)


@transaction.atomic
def arrangement_compile(*, user, province, year: int) -> AnnualArrangement:
    """省研究确定《××年度全省工伤预防项目安排》: the province office compiles the filed lists
    of its cities (and its own) for the year. A draft may be compiled again as more cities
    file; a published arrangement changes only through adjustments."""
    _check_root_office(user, province)
    filed = list(_filed_for(province, year))
    if not filed:
        raise ValidationError(
            _("No city has filed projects for %(year)s yet; there is nothing to compile.")
            % {"year": year}
        )
    _check_fund_totals(province, year, filed)
    arrangement = AnnualArrangement.unscoped.filter(province=province, year=year).first()
    now = timezone.now()
    if arrangement is None:
        arrangement = AnnualArrangement.objects.create(
            province=province,
            year=year,
            title=arrangement_title(province, year),
            compiled_by=user,
            compiled_at=now,
        )
    elif arrangement.status != ArrangementStatus.DRAFT:
        raise ValidationError(
            _("The arrangement is published; it changes only through adjustments (HB §7).")
        )
    else:
        ArrangementEntry.unscoped.filter(arrangement=arrangement).delete()
        arrangement.compiled_by = user
        arrangement.compiled_at = now
        arrangement.save(update_fields=["compiled_by", "compiled_at"])
    for position, fp in enumerate(filed, start=1):
        project = fp.project
        ArrangementEntry.objects.create(
            arrangement=arrangement,
            jurisdiction=fp.determination.call.jurisdiction,
            project=project,
            filed_project=fp,
            position=position,
            project_name=project.name,
            applicant_name=fp.entry.applicant_name,
            project_type=project.project_type,
            industry_name=project.industry.name if project.industry_id else "",
            procurement_item=PROCUREMENT_ITEMS.get(project.project_type, ""),
            amount=fp.approved_amount,
            start_date=fp.start_date,
            end_date=fp.end_date,
        )
    return arrangement


@transaction.atomic
def arrangement_publish(*, user, arrangement: AnnualArrangement) -> AnnualArrangement:
    """Published to the public (product); its projects move on to procurement (HB §9)."""
    _check_root_office(user, arrangement.province)
    _step(
        table=ARRANGEMENT_WORKFLOW,
        instance=arrangement,
        action="publish",
        user=user,
    )
    arrangement.published_by = user
    arrangement.published_at = timezone.now()
    arrangement.save(update_fields=["published_by", "published_at"])
    projects = Project.unscoped.filter(
        arrangement_entries__arrangement=arrangement, arrangement_entries__is_current=True
    ).select_related("jurisdiction__parent")
    projects_stage_advance(
        user=user, projects=projects, action="arrange", source=ProjectStage.DETERMINATION
    )
    return arrangement
