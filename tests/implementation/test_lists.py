"""A project's cameras, monthly reports and funds entries through the list helper (issue 17
item 3): sortable columns both ways, a search box, filters (FilterSets of
apps.implementation.filters), a page size and a pager reaching every row; another city's
office reaches none of them by any parameter."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.roles import Role
from apps.implementation import services
from apps.implementation.models import Camera, FundsEntry, MonthlyReport
from tests.factories import UserFactory
from tests.implementation.world import pdf
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def lists(world):
    a, b = world
    project = a.promo
    for n in range(30):
        Camera.unscoped.create(
            project=project,
            organisation=a.agency.organisation,
            name=f"教室摄像头{n:02d}",
            stream_url=f"rtsp://10.0.0.{n + 1}/live",
            added_by=a.agency,
        )
        MonthlyReport.unscoped.create(
            project=project,
            organisation=a.agency.organisation,
            month=D(2025 + n // 12, n % 12 + 1, 1),
            status="submitted" if n % 3 == 0 else "due",
            progress=f"第{n:02d}月进展",
        )
    first = services.funds_entry_add(
        user=a.agency,
        project=project,
        direction="received",
        entry_date=D(2026, 1, 5),
        item="首付款",
        amount=Decimal("150000.00"),
        voucher_file=pdf(),
    )
    for n in range(29):
        FundsEntry.unscoped.create(
            project=project,
            organisation=a.agency.organisation,
            direction="spent",
            entry_date=D(2026, 1, 6) + datetime.timedelta(days=n),
            item=f"教材印制{n:02d}",
            amount=Decimal("100.00") * (n + 1),
            voucher=first.voucher,
            recorded_by=a.agency,
        )
    return a, b, project


def _get(user, name, project, **params):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client.get(reverse(f"implementation:{name}", args=[project.pk]), params)


def _listing(user, name, key, project, **params):
    response = _get(user, name, project, **params)
    assert response.status_code == 200
    return response.context[key]


def test_each_list_reaches_page_two(lists):
    a, _b, project = lists
    for name, key, prefix in (
        ("project", "cameras", "cameras_"),
        ("reports", "reports", ""),
        ("funds", "entries", ""),
    ):
        params = {f"{prefix}per_page": 25}
        first = _listing(a.office, name, key, project, **params)
        second = _listing(a.office, name, key, project, **params, **{f"{prefix}page": 2})
        assert first.count == 30 and len(first.page) == 25 and len(second.page) == 5, name
        assert not {r.pk for r in first.page} & {r.pk for r in second.page}


def test_sort_both_ways(lists):
    a, _b, project = lists
    up = _listing(
        a.agency, "project", "cameras", project, cameras_sort="name", cameras_per_page=100
    )
    down = _listing(
        a.agency, "project", "cameras", project, cameras_sort="-name", cameras_per_page=100
    )
    names = [c.name for c in up.page]
    assert names == sorted(names) and [c.name for c in down.page] == list(reversed(names))
    months = [r.month for r in _listing(a.office, "reports", "reports", project, per_page=100).page]
    assert months == sorted(months, reverse=True)  # newest month first by default
    amounts = [
        e.amount
        for e in _listing(a.office, "funds", "entries", project, sort="amount", per_page=100).page
    ]
    assert amounts == sorted(amounts) and amounts[-1] == Decimal("150000.00")


def test_search_and_filters_narrow(lists):
    a, _b, project = lists
    found = _listing(a.office, "project", "cameras", project, q="摄像头07")
    assert [c.name for c in found.page] == ["教室摄像头07"]
    assert _listing(a.office, "reports", "reports", project, status="submitted").count == 10
    assert _listing(a.office, "reports", "reports", project, year=2026).count == 12
    assert _listing(a.office, "reports", "reports", project, q="第07月").count == 1
    assert _listing(a.office, "funds", "entries", project, direction="received").count == 1
    assert _listing(a.office, "funds", "entries", project, q="教材印制1").count == 10
    bad = _listing(a.office, "funds", "entries", project, direction="stolen")
    assert bad.count == 0 and bad.filterset.errors


def test_the_province_office_reads_them(lists):
    a, _b, project = lists
    province = UserFactory(role=Role.OFFICE, organisation__jurisdiction=a.city.parent)
    assert _listing(province, "reports", "reports", project).count == 30
    assert _listing(province, "funds", "entries", project).count == 30


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "摄像头"}, {"jurisdiction": "139901"}, {"per_page": 200, "cameras_per_page": 200}],
)
def test_another_citys_office_reaches_nothing(lists, params):
    _a, b, project = lists
    for name in ("project", "reports", "funds"):
        assert _get(b.office, name, project, **params).status_code == 404, name
    own = _listing(b.office, "reports", "reports", b.promo, **params)
    assert all(r.project_id == b.promo.pk for r in own.page)


def test_the_filter_and_search_forms_submit_from_the_page(lists):
    a, _b, project = lists
    client = Client()
    client.force_login(a.office)
    page = client.get(reverse("implementation:reports", args=[project.pk]))
    filtered = form_submit(
        client, page, "form[data-testid=list-filters]", data={"year": "2025", "status": "due"}
    )
    assert filtered.context["reports"].count == 8
    page = client.get(reverse("implementation:funds", args=[project.pk]))
    spent = form_submit(client, page, "form[data-testid=list-filters]", data={"direction": "spent"})
    found = form_submit(client, spent, "form[role=search]", data={"q": "教材印制2"})
    assert {e.item for e in found.context["entries"].page} == {
        f"教材印制{n:02d}" for n in range(20, 29)
    }
