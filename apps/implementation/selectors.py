"""Reads of implementation: scoped (fail-closed) gets, the promotion totals against the procured
quantities and the funds against the budget lines and the contract (SPEC §5)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.http import Http404

from apps.accounts.roles import Role
from apps.projects.models import Project, ProjectStage
from apps.projects.participation import implementer_require

from .models import (
    Camera,
    FundsDirection,
    FundsEntry,
    MonthlyReport,
    OnlineSupervision,
    PrestartPackage,
    PromotionKind,
    PromotionRecord,
)

#: Who reads implementation data: the agency doing it, the offices, member units and HRSS
#: departments of the region (HB §16, §24) and the evaluation agency (HB §18).
READ_ROLES = frozenset({Role.OFFICE, Role.MEMBER_UNIT, Role.HRSS, Role.IMPLEMENTER, Role.EVALUATOR})
#: The set-up page is also the named online platform's (it configures supervision there).
SETUP_ROLES = READ_ROLES | {Role.ONLINE_PLATFORM}


def read_require(user, roles=READ_ROLES) -> None:
    if not (user.is_superuser or user.role in roles):
        raise PermissionDenied


def _get(queryset, user, pk, roles=READ_ROLES):
    read_require(user, roles)
    try:
        return queryset.for_user(user).get(pk=pk)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def project_get(*, user, pk, roles=READ_ROLES) -> Project:
    return _get(Project.objects, user, pk, roles)


def camera_get(*, user, pk) -> Camera:
    return _get(Camera.objects.select_related("project", "equipment"), user, pk)


def package_get(*, user, pk) -> PrestartPackage:
    return _get(PrestartPackage.objects.select_related("project", "organisation"), user, pk)


def record_get(*, user, pk) -> PromotionRecord:
    return _get(
        PromotionRecord.objects.select_related("project", "activity", "placement"), user, pk
    )


def report_get(*, user, pk) -> MonthlyReport:
    return _get(MonthlyReport.objects.select_related("project"), user, pk)


def supervision_of(*, user, project) -> OnlineSupervision | None:
    return (
        OnlineSupervision.objects.for_user(user)
        .filter(project=project)
        .select_related("platform")
        .first()
    )


def is_agency(user, project) -> bool:

    if user.role != Role.IMPLEMENTER and not user.is_superuser:
        return False
    try:
        implementer_require(user=user, project=project)
    except Exception:
        return False
    return project.stage == ProjectStage.IMPLEMENTATION


# --- promotion against the procured quantities ----------------------------------------------


@dataclass
class Line:
    """One procured quantity and what the records deliver against it."""

    label: str
    unit: str
    procured: Decimal | None
    delivered: int
    note: str = ""

    @property
    def shortfall(self) -> Decimal | None:
        if self.procured is None:
            return None
        return max(Decimal(self.procured) - self.delivered, Decimal(0))


@dataclass
class RequirementTotals:
    requirement: object
    lines: list[Line] = field(default_factory=list)

    @property
    def short(self) -> bool:
        return any(line.shortfall for line in self.lines)


def _sums(project, **filters) -> int:
    rows = PromotionRecord.unscoped.filter(project=project, **filters)
    return rows.aggregate(total=Sum("quantity"))["total"] or 0


def promotion_totals(project) -> list[RequirementTotals]:
    """Per procured requirement: on-site sessions and items handed out (PromotionActivity)
    and broadcasts (MediaPlacement, against the requirement's quantity, with its frequency)
    — delivered by the records, and the shortfall."""
    from apps.procurement.models import RequirementItem

    requirements = (
        RequirementItem.objects.filter(
            Q(procurement__project=project) | Q(procurement__lot__projects=project)
        )
        .distinct()
        .prefetch_related("promotion_activities", "media_placements")
        .order_by("procurement_id", "number")
    )
    totals = []
    for requirement in requirements:
        entry = RequirementTotals(requirement)
        for activity in requirement.promotion_activities.all():
            entry.lines.append(
                Line(
                    f"{activity.form} · {activity.content[:40]}",
                    "场",
                    Decimal(activity.sessions),
                    _sums(project, activity=activity, kind=PromotionKind.SESSION),
                )
            )
            if activity.item_name:
                entry.lines.append(
                    Line(
                        activity.item_name,
                        requirement.unit,
                        Decimal(activity.item_quantity or 0),
                        _sums(project, activity=activity, kind=PromotionKind.DISTRIBUTION),
                    )
                )
        placements = list(requirement.media_placements.all())
        for placement in placements:
            procured = requirement.quantity if len(placements) == 1 else None
            entry.lines.append(
                Line(
                    f"{placement.media} · {placement.content[:40]}",
                    requirement.unit,
                    procured,
                    _sums(project, placement=placement, kind=PromotionKind.BROADCAST),
                    note=f"{placement.frequency} · {placement.time_slot} · {placement.duration}",
                )
            )
        if entry.lines:
            totals.append(entry)
    return totals


# --- funds against the budget lines and the contract ----------------------------------------


@dataclass
class YearFunds:
    year: int
    budget: Decimal | None
    spent: Decimal

    @property
    def over(self) -> bool:
        return self.budget is None or self.spent > self.budget

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.spent


@dataclass
class FundsSummary:
    received: Decimal
    spent: Decimal
    contract: Decimal | None
    paid_by_agency: Decimal | None
    years: list[YearFunds]

    @property
    def over_contract(self) -> bool:
        return self.contract is not None and self.spent > self.contract


def funds_summary(project) -> FundsSummary:
    from apps.contracts.models import ServiceAgreement
    from apps.determination.models import BudgetYear

    entries = FundsEntry.unscoped.filter(project=project)

    def total(rows):
        return rows.aggregate(total=Sum("amount"))["total"] or Decimal("0")

    spent = entries.filter(direction=FundsDirection.SPENT)
    budget = {line.year: line.amount for line in BudgetYear.unscoped.filter(project=project)}
    spent_by_year = {
        row["entry_date__year"]: row["total"]
        for row in spent.values("entry_date__year").annotate(total=Sum("amount"))
    }
    years = [
        YearFunds(year, budget.get(year), spent_by_year.get(year, Decimal("0")))
        for year in sorted(set(budget) | set(spent_by_year))
    ]
    agreement = (
        ServiceAgreement.unscoped.filter(Q(project=project) | Q(lot__projects=project))
        .order_by("pk")
        .first()
    )
    return FundsSummary(
        received=total(entries.filter(direction=FundsDirection.RECEIVED)),
        spent=total(spent),
        contract=agreement.amount if agreement else None,
        paid_by_agency=agreement.paid_total if agreement else None,
        years=years,
    )


# --- the contract with apps.online (issue 14 item 7) ----------------------------------------


@dataclass(frozen=True)
class ProjectSupervision:
    capture_interval_seconds: int | None
    fast_forward_blocked: bool | None
    idle_cutoff_seconds: int | None


def supervision_parameters(*, project) -> ProjectSupervision | None:
    """The parameters the named platform configured for `project` (in seconds, as
    apps.online.supervision reads them), or None while none are configured. System code:
    unscoped, the caller has the project already."""
    supervision = OnlineSupervision.unscoped.filter(
        project=project, configured_at__isnull=False
    ).first()
    if supervision is None:
        return None

    def seconds(minutes):
        return None if minutes is None else minutes * 60

    return ProjectSupervision(
        capture_interval_seconds=seconds(supervision.face_capture_interval_minutes),
        fast_forward_blocked=supervision.fast_forward_blocked,
        idle_cutoff_seconds=seconds(supervision.idle_cutoff_minutes),
    )
