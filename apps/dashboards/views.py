"""The home page and the province overview: each reads its figures from its selectors."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.accounts.roles import GOVERNMENT_ROLES
from apps.core.excel import Column, new_workbook, workbook_bytes, write_table, xlsx_response
from apps.projects.models import Project, ProjectType

from .overview import drill_urls, province_overview
from .selectors import home_summary

FIGURE_LABELS = {
    "applications": _lazy("Applications"),
    "screened": _lazy("Screened"),
    "scored": _lazy("Scored"),
    "proposed": _lazy("Proposed"),
    "approved": _lazy("Approved projects"),
    "arranged": _lazy("Arranged"),
    "fund_total": _lazy("Fund total (yuan)"),
    "approved_amount": _lazy("Approved (yuan)"),
    "advanced": _lazy("Advanced (yuan)"),
    "paid": _lazy("Paid (yuan)"),
}


@login_required
def home(request):
    return render(request, "dashboards/home.html", home_summary(user=request.user))


def _overview_filters(request) -> tuple[int, str]:
    """The year asked for (else the latest year with projects in sight, else this year) and
    the project type (ignored unless one of the types)."""
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        year = int(raw)
    else:
        latest = (
            Project.objects.for_user(request.user)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
        year = latest or timezone.localdate().year
    project_type = request.GET.get("project_type", "")
    return year, project_type if project_type in ProjectType.values else ""


def _may_see_overview(user) -> None:
    if not (user.is_superuser or user.role in GOVERNMENT_ROLES):
        raise PermissionDenied


@login_required
def overview(request):
    _may_see_overview(request.user)
    year, project_type = _overview_filters(request)
    figures = province_overview(user=request.user, year=year, project_type=project_type)
    for row in figures["cities"]:
        row.links = drill_urls(code=row.code, year=year, project_type=project_type)
    chart = {
        "cities": [row.name for row in figures["cities"]],
        "codes": [row.code for row in figures["cities"]],
        "links": [row.links["projects"] for row in figures["cities"]],
        "counts": {
            name: [row.figures[name] for row in figures["cities"]]
            for name in ("applications", "screened", "scored", "proposed", "approved", "arranged")
        },
        "money": {
            name: [float(row.figures[name]) for row in figures["cities"]]
            for name in ("fund_total", "approved_amount", "advanced", "paid")
        },
        "labels": {name: str(label) for name, label in FIGURE_LABELS.items()},
    }
    return render(
        request,
        "dashboards/overview.html",
        {
            **figures,
            "year": year,
            "project_type": project_type,
            "types": ProjectType.choices,
            "chart": chart,
        },
    )


@login_required
def overview_export(request):
    _may_see_overview(request.user)
    year, project_type = _overview_filters(request)
    figures = province_overview(user=request.user, year=year, project_type=project_type)
    columns = [
        Column(_("City"), 16),
        Column(_("Division code"), 12),
        Column(_("Applications"), 12, "number"),
        Column(_("Screened"), 12, "number"),
        Column(_("Scored"), 12, "number"),
        Column(_("Proposed"), 12, "number"),
        Column(_("Approved projects"), 12, "number"),
        Column(_("Arranged"), 12, "number"),
        Column(_("Fund total (yuan)"), 18, "money"),
        Column(_("Approved (yuan)"), 18, "money"),
        Column(_("Advanced (yuan)"), 18, "money"),
        Column(_("Paid (yuan)"), 18, "money"),
        Column(_("Overdue deadlines"), 12, "number"),
        Column(_("Open findings"), 12, "number"),
    ]

    def line(name, code, f):
        return [
            name,
            code,
            *(f[k] for k in ("applications", "screened", "scored", "proposed")),
            f["approved"],
            f["arranged"],
            *(f[k] for k in ("fund_total", "approved_amount", "advanced", "paid")),
            f["overdue"],
            f["findings"],
        ]

    rows = [line(row.name, row.code, row.figures) for row in figures["cities"]]
    rows.append(line(_("Total"), "", figures["total"].figures))
    book, sheet = new_workbook(_("Overview %(year)s") % {"year": year})
    write_table(sheet, columns=columns, rows=rows)
    return xlsx_response(workbook_bytes(book), filename=f"overview-{year}")
