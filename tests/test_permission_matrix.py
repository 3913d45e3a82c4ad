"""Region scoping as a matrix: every role × every endpoint × own vs. other city (HB §24).

Own-city objects are reachable by everyone bound to them; other-city objects answer 404 on
every page, API endpoint and download, whatever the role.
"""

import pytest

from apps.accounts.roles import Role
from tests.scoping_world import build_world, user_for

pytestmark = pytest.mark.django_db

ALL_ROLES = list(Role)
AUDIT_ROLES = {Role.OFFICE, Role.HRSS, Role.AUDITOR, Role.AUDIT_ADMIN}

OBJECT_ENDPOINTS = {
    "project page": lambda w: f"/projects/{w.project.pk}/",
    "project API": lambda w: f"/api/v1/projects/{w.project.pk}/",
    "evidence page": lambda w: f"/evidence/{w.evidence.pk}/",
    "evidence download": lambda w: f"/evidence/{w.evidence.pk}/download/",
    "evidence API": lambda w: f"/api/v1/evidence-files/{w.evidence.pk}/",
    "evidence API download": lambda w: f"/api/v1/evidence-files/{w.evidence.pk}/download/",
}
LIST_ENDPOINTS = {
    "project list": ("/projects/", lambda w: w.project.name),
    "project API list": ("/api/v1/projects/", lambda w: w.project.code),
    "evidence API list": ("/api/v1/evidence-files/", lambda w: w.evidence.title),
}


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("endpoint", OBJECT_ENDPOINTS)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_object_of_own_city_is_reachable_other_city_is_404(client, world, role, endpoint):
    _province, city_a, city_b = world
    client.force_login(user_for(role, city_a))
    url = OBJECT_ENDPOINTS[endpoint]
    assert client.get(url(city_a)).status_code == 200
    assert client.get(url(city_b)).status_code == 404


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_lists_show_own_city_only(client, world, role, endpoint):
    _province, city_a, city_b = world
    client.force_login(user_for(role, city_a))
    url, marker = LIST_ENDPOINTS[endpoint]
    body = client.get(url).content.decode()
    assert marker(city_a) in body
    assert marker(city_b) not in body


@pytest.mark.parametrize("endpoint", OBJECT_ENDPOINTS)
@pytest.mark.parametrize("role", [Role.OFFICE, Role.MEMBER_UNIT, Role.HRSS, Role.SI_AGENCY])
def test_province_level_government_sees_every_city(client, world, role, endpoint):
    from tests.factories import UserFactory

    province, city_a, city_b = world
    client.force_login(UserFactory(role=role, organisation__jurisdiction=province))
    for city in (city_a, city_b):
        assert client.get(OBJECT_ENDPOINTS[endpoint](city)).status_code == 200


@pytest.mark.parametrize("endpoint", ["project page", "project API", "evidence API"])
@pytest.mark.parametrize(
    "role", [Role.IMPLEMENTER, Role.ONLINE_PLATFORM, Role.EVALUATOR, Role.EXPERT]
)
def test_external_parties_see_nothing_before_documents_are_on_file(client, world, role, endpoint):
    _province, city_a, _city_b = world
    client.force_login(user_for(role, city_a, cleared=False))
    assert client.get(OBJECT_ENDPOINTS[endpoint](city_a)).status_code == 404


@pytest.mark.parametrize("role", ALL_ROLES)
def test_organisation_pages_are_scoped(client, world, role):
    _province, city_a, city_b = world
    user = user_for(role, city_a)
    client.force_login(user)
    own = user.organisation
    assert client.get(f"/organisations/{own.pk}/").status_code == 200
    assert client.get(f"/api/v1/organisations/{own.pk}/").status_code == 200
    assert client.get(f"/organisations/{city_b.organisation.pk}/").status_code == 404
    assert client.get(f"/api/v1/organisations/{city_b.organisation.pk}/").status_code == 404


@pytest.mark.parametrize("role", ALL_ROLES)
def test_audit_log_is_for_offices_hrss_and_auditors_and_scoped(client, world, role):
    _province, city_a, _city_b = world
    client.force_login(user_for(role, city_a))
    page = client.get("/audit/")
    api = client.get("/api/v1/audit-entries/")
    if role not in AUDIT_ROLES:
        assert page.status_code == 403
        assert api.status_code == 403
        return
    body = page.content.decode() + api.content.decode()
    assert "marker 139901" in body
    assert "marker 139902" not in body


@pytest.mark.parametrize("role", ALL_ROLES)
def test_account_administration_is_for_user_administrators_of_their_level(client, world, role):
    from tests.factories import UserFactory

    _province, city_a, city_b = world
    client.force_login(user_for(role, city_a))
    colleague = UserFactory(role=Role.OFFICE, organisation=city_a.organisation)
    stranger = UserFactory(role=Role.OFFICE, organisation=city_b.organisation)
    expected_own = 200 if role == Role.USER_ADMIN else 403
    assert client.get("/users/").status_code == expected_own
    assert client.get(f"/users/{colleague.pk}/").status_code == expected_own
    assert client.get(f"/users/{stranger.pk}/").status_code in (403, 404)


def test_anonymous_gets_login_redirect_or_401_everywhere(client, world):
    _province, city_a, _city_b = world
    for url in OBJECT_ENDPOINTS.values():
        response = client.get(url(city_a))
        assert response.status_code in (302, 401, 403)
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_home_page_shows_each_role_its_own_figures(client, world, role):
    _province, city_a, _city_b = world
    client.force_login(user_for(role, city_a))
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["project_total"] == 1
