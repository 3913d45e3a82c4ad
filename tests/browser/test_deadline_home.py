"""Deadlines (apps/deadlines; kept here for this folder's Playwright fixtures): a city office
logs in (in Chinese) and finds its missed plan review highlighted on the home page, and not
another city's."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from apps.accounts.roles import Role
from apps.deadlines.services import deadlines_mark_overdue
from tests.deadlines.factories import DeadlineFactory, region_with_rules
from tests.factories import ProjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_city_office_sees_its_overdue_plan_review_highlighted_on_home(live_server, page, tmp_path):
    region = region_with_rules()
    today = timezone.localdate()
    own = DeadlineFactory(
        project=ProjectFactory(jurisdiction=region.sjz, name="石家庄建筑施工培训"),
        due_on=today - datetime.timedelta(days=2),
    )
    DeadlineFactory(
        project=ProjectFactory(jurisdiction=region.ts, name="唐山冶金培训"),
        due_on=today - datetime.timedelta(days=2),
    )
    deadlines_mark_overdue(today=today)
    user = UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.sjz, username="sjz")
    with translation.override("zh-hans"):
        overdue_label = gettext("Overdue")

    page.goto(f"{live_server.url}/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "Wipp-Test-2026!")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    card = page.locator("[data-testid=deadline-card]")
    row = card.locator(f"tr[data-deadline='{own.pk}']")
    assert "table-danger" in row.get_attribute("class")
    assert row.locator("[data-testid=overdue-badge]").inner_text() == overdue_label
    assert own.rule.label in row.inner_text()
    assert "石家庄建筑施工培训" in row.inner_text()
    assert "唐山冶金培训" not in card.inner_text()
    assert card.locator("[data-testid=overdue-count]").inner_text().startswith("1")
    page.screenshot(path=str(tmp_path / "home-deadlines.png"), full_page=True)

    row.locator("a").first.click()
    page.wait_for_url(f"{live_server.url}/deadlines/{own.pk}/")
    assert "HB §11" in page.locator("[data-testid=finding]").inner_text()
