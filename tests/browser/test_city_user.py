"""A city user logs in (in Chinese), opens a page, and cannot reach another city's record."""

import pytest

from apps.accounts.roles import Role
from tests.factories import CityFactory, ProjectFactory, ProvinceFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_city_user_sees_own_project_and_not_another_citys(live_server, page, tmp_path):
    province = ProvinceFactory()
    own_city = CityFactory(parent=province, code="130100", name="石家庄市")
    other_city = CityFactory(parent=province, code="130200", name="唐山市")
    own = ProjectFactory(jurisdiction=own_city, name="石家庄建筑施工培训")
    other = ProjectFactory(jurisdiction=other_city, name="唐山冶金培训")
    user = UserFactory(role=Role.OFFICE, organisation__jurisdiction=own_city, username="sjz")

    page.goto(f"{live_server.url}/projects/")
    assert "/accounts/login/" in page.url
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.fill("#id_username", user.username)
    page.fill("#id_password", "Wipp-Test-2026!")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/projects/")
    assert "项目" in page.locator("h1").inner_text()
    table = page.locator("[data-testid=project-table]")
    assert own.name in table.inner_text()
    assert other.name not in table.inner_text()

    page.click(f"text={own.name}")
    assert page.locator("[data-testid=project-name]").inner_text() == own.name

    response = page.goto(f"{live_server.url}/projects/{other.pk}/")
    assert response.status == 404
    assert page.locator("[data-testid=not-found]").inner_text() == "未找到"
    assert other.name not in page.content()
    page.screenshot(path=str(tmp_path / "not-found.png"))
