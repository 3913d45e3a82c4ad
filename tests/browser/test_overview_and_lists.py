"""The province overview draws its charts (ECharts from static) and drills from a city to its
rows; a list pages, sorts and changes its page size in the browser (issue 17 items 2 and 3)."""

import pytest
from django.urls import reverse

from tests.browser.office_world import build_office_world, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_overview_renders_its_charts_and_drills_to_a_citys_projects(live_server, page):
    world = build_office_world(projects=4)
    log_in(page, live_server, world.users["province_office"])
    scripts = []
    page.on("request", lambda request: scripts.append(request.url))
    page.goto(f"{live_server.url}{reverse('overview')}?year=2027")
    rows = page.locator("[data-testid=overview-city]")
    assert rows.count() == 2
    chart = page.locator("[data-testid=chart-counts]")
    chart.locator("svg").first.wait_for()
    assert chart.get_attribute("data-rendered") == "1"
    assert page.locator("[data-testid=chart-money] svg").count() >= 1
    assert "石家庄市" in chart.inner_text()  # the axis names the cities
    assert all(url.startswith(live_server.url) for url in scripts)  # never a CDN
    page.locator(
        "[data-testid=overview-city][data-code='130100'] [data-testid=drill-projects]"
    ).click()
    page.wait_for_url("**/projects/?jurisdiction=130100*")
    table = page.locator("[data-testid=project-table]").inner_text()
    assert "石家庄建筑施工培训01" in table and "唐山冶金培训" not in table


def test_a_list_pages_sorts_and_changes_its_page_size(live_server, page):
    world = build_office_world(projects=30)
    log_in(page, live_server, world.users["city_office"])
    page.goto(f"{live_server.url}{reverse('projects:list')}")
    assert page.locator("[data-testid=project-table] tbody tr").count() == 30
    page.locator("[data-testid=page-size-25]").click()
    page.wait_for_url("**per_page=25*")
    assert page.locator("[data-testid=project-table] tbody tr").count() == 25
    assert "1 / 2" in page.locator("[data-testid=list-pager]").inner_text()
    page.locator("[data-testid=page-next]").click()
    page.wait_for_url("**page=2*")
    assert page.locator("[data-testid=project-table] tbody tr").count() == 5

    header = page.locator("[data-testid=sort-header]", has_text="预算")
    header.click()
    page.wait_for_url("**sort=budget*")
    first = page.locator("[data-testid=project-table] tbody tr").first.inner_text()
    assert "100,000.00" in first  # the smallest budget first
    page.locator("[data-testid=sort-header]", has_text="预算").click()
    page.wait_for_url("**sort=-budget*")
    first = page.locator("[data-testid=project-table] tbody tr").first.inner_text()
    assert "129,000.00" in first
    assert "per_page=25" in page.url  # the page size is kept while sorting

    page.fill("[data-testid=list-search]", "培训07")
    page.locator("[data-testid=list-search]").press("Enter")
    page.wait_for_url("**q=*")
    assert page.locator("[data-testid=project-table] tbody tr").count() == 1
    assert "sort=-budget" in page.url
