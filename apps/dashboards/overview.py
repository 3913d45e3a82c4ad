"""Province overview (issue 17 item 2): per city of the user's region, for one year and
optionally one project type — applications, screened, scored, proposed, approved and arranged
projects, funds approved / advanced / paid against the year's fund total, overdue deadlines
and open findings.

Each figure is one aggregate query grouped by jurisdiction (a handful of queries whatever the
number of cities or rows), read through the models' scoped managers, so a city office sees its
own city and the province every city. Each figure links to the list it counts (`drill_urls`).
"""

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse

from apps.accounts.selectors import user_scope
from apps.applications.models import Application, ApplicationStatus
from apps.contracts.models import Payment, PaymentKind
from apps.deadlines.models import Deadline, DeadlineStatus
from apps.findings.models import OUTSTANDING_STATUSES, Finding
from apps.jurisdictions.models import AnnualSetting, Jurisdiction, JurisdictionLevel
from apps.projects.lifecycle import STAGE_ORDER
from apps.projects.models import Project, ProjectStage

ZERO = Decimal("0.00")
ARRANGED_STAGES = STAGE_ORDER[STAGE_ORDER.index(ProjectStage.ARRANGED) :]
SCREENED = (ApplicationStatus.SCREENING_PASSED, ApplicationStatus.SCREENING_FAILED)
COUNTS = (
    "applications",
    "screened",
    "scored",
    "proposed",
    "approved",
    "arranged",
    "overdue",
    "findings",
)
MONEY = ("fund_total", "approved_amount", "advanced", "paid")


@dataclass
class CityRow:
    code: str
    name: str
    figures: dict = field(default_factory=dict)

    def __getattr__(self, name):
        figures = self.__dict__.get("figures", {})
        if name in figures:
            return figures[name]
        raise AttributeError(name)

    @property
    def paid_share(self) -> Decimal | None:
        """Paid as a share of the year's fund total, in per cent (None without a total)."""
        total = self.figures.get("fund_total") or ZERO
        if not total:
            return None
        return (self.figures.get("paid", ZERO) * 100 / total).quantize(Decimal("0.1"))


def overview_cities(user) -> list[Jurisdiction]:
    """The cities of the user's region, in division-code order."""
    scope = user_scope(user)
    cities = Jurisdiction.objects.filter(level=JurisdictionLevel.CITY)
    if not scope.sees_everything:
        if not scope.region_path:
            return []
        cities = cities.filter(path__startswith=scope.region_path)
    return list(cities.order_by("code"))


def _grouped(queryset, key: str, **aggregates) -> dict:
    rows = queryset.order_by().values(key).annotate(**aggregates)
    return {row[key]: row for row in rows}


def province_overview(*, user, year: int, project_type: str = "") -> dict:
    """{"cities": [CityRow], "total": CityRow} for `year` (and `project_type` when given)."""
    cities = overview_cities(user)
    by_type = {"project_type": project_type} if project_type else {}
    project_by_type = {"project__project_type": project_type} if project_type else {}

    applications = _grouped(
        Application.objects.for_user(user).filter(call__year=year, **by_type),
        "call__jurisdiction",
        applications=Count("id", filter=~Q(status__in=("draft", "withdrawn"))),
        screened=Count("id", filter=Q(status__in=SCREENED)),
        scored=Count("review_result", filter=Q(review_result__isnull=False)),
        proposed=Count("review_result", filter=Q(review_result__proposed=True)),
    )
    projects = _grouped(
        Project.objects.for_user(user).filter(year=year, **by_type),
        "jurisdiction",
        approved=Count("id"),
        arranged=Count("id", filter=Q(stage__in=ARRANGED_STAGES)),
        approved_amount=Sum("budget_amount"),
    )
    year_of_payment = Q(project__year=year) | Q(project__isnull=True, lot__year=year)
    payments = Payment.objects.for_user(user).filter(year_of_payment)
    if project_type:
        payments = payments.filter(
            Q(project__project_type=project_type)
            | Q(project__isnull=True, lot__projects__project_type=project_type)
        ).distinct()
    paid = _grouped(
        payments,
        "jurisdiction",
        advanced=Sum("amount", filter=Q(kind=PaymentKind.ADVANCE)),
        paid=Sum("amount"),
    )
    settings = {
        row.jurisdiction_id: row.budget_total
        for row in AnnualSetting.objects.filter(
            jurisdiction__in=[c.pk for c in cities], year=year
        ).only("jurisdiction_id", "budget_total")
    }
    overdue = _grouped(
        Deadline.objects.for_user(user).filter(status=DeadlineStatus.OVERDUE, **project_by_type),
        "jurisdiction",
        overdue=Count("id"),
    )
    findings = _grouped(
        Finding.objects.for_user(user).filter(status__in=OUTSTANDING_STATUSES, **project_by_type),
        "jurisdiction",
        findings=Count("id"),
    )

    rows = []
    for city in cities:
        figures = {}
        for source in (applications, projects, paid, overdue, findings):
            figures.update(
                {k: v for k, v in source.get(city.pk, {}).items() if k != "call__jurisdiction"}
            )
        figures.pop("jurisdiction", None)
        for name in COUNTS:
            figures[name] = figures.get(name) or 0
        for name in MONEY:
            figures[name] = figures.get(name) or ZERO
        figures["fund_total"] = settings.get(city.pk) or ZERO
        rows.append(CityRow(code=city.code, name=city.name, figures=figures))
    total = CityRow(
        code="",
        name="",
        figures={
            name: sum((row.figures[name] for row in rows), ZERO if name in MONEY else 0)
            for name in (*COUNTS, *MONEY)
        },
    )
    return {"cities": rows, "total": total}


def drill_urls(*, code: str, year: int, project_type: str = "") -> dict:
    """The list behind each figure of one city."""
    typed = {"project_type": project_type} if project_type else {}

    def url(name, **params):
        params = {k: v for k, v in params.items() if v not in ("", None)}
        return f"{reverse(name)}?{urlencode(params)}"

    return {
        "applications": url("applications:list", jurisdiction=code, **typed),
        "projects": url("projects:list", jurisdiction=code, year=year, **typed),
        "arranged": url("projects:list", jurisdiction=code, year=year, stage="arranged", **typed),
        "procurement": url("procurement:list", jurisdiction=code, year=year),
        "findings": url("findings:list", jurisdiction=code, status="outstanding"),
    }
