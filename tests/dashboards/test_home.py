"""The home page lives in the dashboards app: same URL name and path, scoped figures."""

import pytest
from django.urls import resolve, reverse

from apps.accounts.roles import Role
from apps.dashboards import views
from apps.dashboards.selectors import home_summary
from tests.deadlines.factories import region_with_rules
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_home_page_keeps_its_name_and_path():
    assert reverse("home") == "/"
    assert resolve("/").func is views.home


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_office_sees_its_own_city_only(client):
    region = region_with_rules()
    ProjectFactory(jurisdiction=region.sjz)
    ProjectFactory(jurisdiction=region.ts)
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.sjz)
    assert home_summary(user=office)["project_total"] == 1
    client.force_login(office)
    response = client.get("/")
    assert response.status_code == 200
    assert response.templates[0].name == "dashboards/home.html"
    assert response.context["project_total"] == 1
    assert 'data-testid="project-total"' in response.content.decode()
