"""The holiday-schedule years through the list helper (issue 17 item 3): a small list computed
in Python (entered schedules and the calendar data's years) with the same search, sortable
columns, page size and pager as every list; the page stays the province user
administrator's (the schedules are national: there is no city to filter or leak)."""

import pytest

from apps.accounts.roles import Role
from apps.deadlines.models import HolidaySchedule
from tests.factories import CityFactory, ProvinceFactory, UserFactory
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    for year in range(2060, 2090):
        HolidaySchedule.objects.create(
            year=year,
            holidays=[f"{year}-01-01"],
            working_weekends=[],
            source=f"国务院办公厅关于{year}年部分节假日安排的通知",
        )
    return UserFactory(role=Role.USER_ADMIN, organisation__jurisdiction=ProvinceFactory())


def _years(response) -> list[int]:
    return [y.year for y in response.context["listing"].page]


def test_newest_first_paged_with_a_page_size_and_page_two_reachable(client, admin):
    client.force_login(admin)
    first = client.get("/deadlines/holidays/", {"per_page": 25})
    listing = first.context["listing"]
    assert listing.count >= 33 and listing.page.paginator.num_pages == 2
    assert _years(first)[:3] == [2089, 2088, 2087]
    second = client.get("/deadlines/holidays/" + listing.next_url)
    assert set(_years(first)).isdisjoint(_years(second))
    assert len(_years(first)) + len(_years(second)) == listing.count


def test_sorting_both_ways(client, admin):
    client.force_login(admin)
    up = _years(client.get("/deadlines/holidays/", {"sort": "year", "per_page": 100}))
    down = _years(client.get("/deadlines/holidays/", {"sort": "-year", "per_page": 100}))
    assert up == sorted(up) and down == list(reversed(up))
    by_source = client.get("/deadlines/holidays/", {"sort": "source", "per_page": 100})
    sources = [y.source for y in by_source.context["listing"].page]
    assert sources == sorted(sources)


def test_the_search_box_narrows_by_year_or_source(client, admin):
    client.force_login(admin)
    page = client.get("/deadlines/holidays/")
    found = form_submit(client, page, "form[role=search]", data={"q": "207"})
    assert _years(found) == list(range(2079, 2069, -1))
    by_source = client.get("/deadlines/holidays/", {"q": "2088年部分节假日"})
    assert _years(by_source) == [2088]


def test_a_city_administrator_still_cannot_open_it_with_any_parameter(client, admin):
    city_admin = UserFactory(
        role=Role.USER_ADMIN, organisation__jurisdiction=CityFactory(code="130100")
    )
    client.force_login(city_admin)
    for params in ({}, {"q": "2088"}, {"page": 2}, {"jurisdiction": "130100"}):
        assert client.get("/deadlines/holidays/", params).status_code == 403
