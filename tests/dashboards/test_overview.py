"""Province overview (issue 17 item 2): figures per city of the user's region for a year and a
type, read with a bounded number of queries, drill-down links to the lists, Excel export."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.roles import Role
from apps.dashboards.overview import province_overview
from apps.deadlines.models import DeadlineStatus
from apps.findings.services import finding_raise
from apps.jurisdictions.models import AnnualSetting
from apps.projects.models import ProjectStage, ProjectType
from tests.deadlines.factories import DeadlineFactory, region_with_rules
from tests.factories import CityFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    region = region_with_rules()
    ProjectFactory(jurisdiction=region.sjz, year=2027, budget_amount=Decimal("300000.00"))
    ProjectFactory(
        jurisdiction=region.sjz,
        year=2027,
        stage=ProjectStage.ARRANGED,
        project_type=ProjectType.PROMOTION,
        budget_amount=Decimal("200000.00"),
    )
    ProjectFactory(jurisdiction=region.sjz, year=2026, budget_amount=Decimal("999.00"))
    tangshan = ProjectFactory(jurisdiction=region.ts, year=2027, stage=ProjectStage.PROCUREMENT)
    AnnualSetting.objects.create(
        jurisdiction=region.sjz, year=2027, budget_total=Decimal("1000000.00")
    )
    DeadlineFactory(project=tangshan, status=DeadlineStatus.OVERDUE)
    DeadlineFactory(project=tangshan, status=DeadlineStatus.OPEN)
    finding_raise(
        rule_code="test_rule",
        citation="HB §9",
        severity="major",
        subject=tangshan,
        message="测试发现",
        owner_role=Role.OFFICE,
    )
    return region


def _row(figures, code):
    return next(row for row in figures["cities"] if row.code == code)


def test_the_province_sees_every_city_with_its_figures(region):
    province = UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.province)
    figures = province_overview(user=province, year=2027)
    assert [row.code for row in figures["cities"]] == ["130100", "130200"]
    sjz, ts = _row(figures, "130100"), _row(figures, "130200")
    assert (sjz.approved, sjz.arranged, sjz.approved_amount) == (2, 1, Decimal("500000.00"))
    assert sjz.fund_total == Decimal("1000000.00")
    assert (ts.approved, ts.arranged, ts.overdue, ts.findings) == (1, 1, 1, 1)
    assert figures["total"].approved == 3


def test_the_type_filter_narrows_every_figure(region):
    province = UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.province)
    figures = province_overview(user=province, year=2027, project_type=ProjectType.PROMOTION)
    sjz, ts = _row(figures, "130100"), _row(figures, "130200")
    assert (sjz.approved, sjz.approved_amount) == (1, Decimal("200000.00"))
    assert (ts.approved, ts.overdue, ts.findings) == (0, 0, 0)


def test_a_city_office_sees_its_own_city_only(region):
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.ts)
    figures = province_overview(user=office, year=2027)
    assert [row.code for row in figures["cities"]] == ["130200"]
    assert figures["total"].approved == 1


def test_the_queries_do_not_grow_with_the_cities(region, django_assert_max_num_queries):
    for n in range(6):
        city = CityFactory(parent=region.province, code=f"1309{n:02d}")
        ProjectFactory(jurisdiction=city, year=2027)
    province = UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.province)
    province_overview(user=province, year=2027)  # the user's scope is read once per user
    with django_assert_max_num_queries(8):
        figures = province_overview(user=province, year=2027)
    assert len(figures["cities"]) == 8


def test_the_page_drills_from_a_city_to_its_rows_and_exports(region, client):
    province = UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.province)
    client.force_login(province)
    response = client.get(reverse("overview"), {"year": 2027})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="chart-counts"' in page and "vendor/echarts/echarts.min.js" in page
    link = reverse("projects:list") + "?jurisdiction=130100&amp;year=2027"
    assert link in page
    drilled = client.get(reverse("projects:list"), {"jurisdiction": "130100", "year": 2027})
    assert drilled.context["listing"].count == 2

    export = client.get(reverse("overview_export"), {"year": 2027})
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:3]] == ["130100", "130200"]
    assert rows[1][6] == 2 and rows[1][8] == 1000000


def test_external_roles_are_refused(region, client):
    applicant = UserFactory(role=Role.APPLICANT, organisation__jurisdiction=region.sjz)
    client.force_login(applicant)
    assert client.get(reverse("overview")).status_code == 403
    assert client.get(reverse("overview_export")).status_code == 403


def test_the_year_defaults_to_the_latest_year_in_sight(region, client):
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.sjz)
    client.force_login(office)
    assert client.get(reverse("overview")).context["year"] == 2027
