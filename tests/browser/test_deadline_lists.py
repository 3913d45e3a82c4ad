"""The deadlines page's two lists in the browser (issue 17 item 3): the overdue list sorts by
due date both ways and pages on while the upcoming list keeps its own page size; a search from
the box narrows both."""

import pytest
from django.urls import reverse

from apps.jurisdictions.services import deadline_rules_load
from tests.browser.office_world import build_office_world, log_in
from tests.deadlines.test_mine_list import _many

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_overdue_list_sorts_and_pages_while_upcoming_keeps_its_size(live_server, page):
    world = build_office_world(projects=1)
    deadline_rules_load()
    _many(world.projects[0], overdue=40, upcoming=30, label="浏览器事项")
    log_in(page, live_server, world.users["city_office"])
    page.goto(f"{live_server.url}{reverse('deadlines:mine')}")
    overdue = page.locator("[data-testid=overdue-table] tbody tr")
    upcoming = page.locator("[data-testid=upcoming-table] tbody tr")
    assert (overdue.count(), upcoming.count()) == (25, 25)  # two lists: 25 rows each at first

    page.locator("[data-testid=upcoming_page-size-50]").click()
    page.wait_for_url("**upcoming_per_page=50*")
    assert (overdue.count(), upcoming.count()) == (25, 30)

    due = page.locator("[data-testid=overdue-table] [data-testid=sort-header]").last
    due.click()  # already ascending by due date: now descending
    page.wait_for_url("**overdue_sort=-due*")
    newest = overdue.first.locator("td").last.inner_text()
    page.locator("[data-testid=overdue-table] [data-testid=sort-header]").last.click()
    page.wait_for_url("**overdue_sort=due*")
    oldest = overdue.first.locator("td").last.inner_text()
    assert oldest < newest

    page.locator("[data-testid=overdue_page-next]").click()
    page.wait_for_url("**overdue_page=2*")
    assert (overdue.count(), upcoming.count()) == (15, 30)  # upcoming kept its size and page
    assert "upcoming_per_page=50" in page.url

    page.fill("[data-testid=list-search]", "浏览器事项001")
    page.locator("[data-testid=list-search]").press("Enter")
    page.wait_for_url("**q=*")
    assert overdue.count() == 1 and "浏览器事项001" in overdue.first.inner_text()
    assert "overdue_page" not in page.url  # a new search starts at the first page
