"""Lists that scale (issue 17 item 3): the shared list helper pages with a chosen page size,
sorts by a column both ways, searches, filters with the API's FilterSet, keeps the filters in
every link, and never cuts rows silently."""

from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import reverse

from apps.accounts.roles import Role
from apps.core.lists import list_page
from apps.projects.api.views import ProjectFilter
from apps.projects.models import Project
from tests.factories import CityFactory, OrganisationFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

SORTS = {"code": "code", "budget": "budget_amount"}


@pytest.fixture
def office():
    city = CityFactory(code="130100", name="石家庄市")
    for n in range(60):
        ProjectFactory(
            jurisdiction=city,
            code=f"P2027-{n:04d}",
            name=f"项目{n:02d}" + ("冶金" if n % 10 == 0 else ""),
            budget_amount=Decimal(1000 + (n * 37) % 60),
            year=2027 if n < 55 else 2026,
        )
    ProjectFactory(jurisdiction=CityFactory(code="130200"), code="P2027-9999")
    return UserFactory(role=Role.OFFICE, organisation__jurisdiction=city)


def _listing(user, **params):
    request = RequestFactory().get("/projects/", params)
    request.user = user
    return list_page(
        request,
        Project.objects.for_user(user),
        filterset_class=ProjectFilter,
        search=("name", "code"),
        sorts=SORTS,
        default_sort="code",
    )


def test_without_any_parameter_the_first_page_lists_rows(office):
    listing = _listing(office)
    assert (listing.count, len(listing.page)) == (60, 50)


def test_pages_of_the_chosen_size_cover_every_row_once(office):
    listing = _listing(office, per_page=25)
    assert (listing.count, listing.page.paginator.num_pages) == (60, 3)
    seen = []
    for number in (1, 2, 3):
        seen += [p.code for p in _listing(office, per_page=25, page=number).page]
    assert len(seen) == len(set(seen)) == 60
    assert _listing(office, per_page=7).per_page == 50  # only the offered sizes


def test_sorting_both_ways_and_ties_broken_by_key(office):
    up = [p.budget_amount for p in _listing(office, sort="budget", per_page=100).page]
    down = [p.budget_amount for p in _listing(office, sort="-budget", per_page=100).page]
    assert up == sorted(up) and down == sorted(down, reverse=True)
    assert _listing(office, sort="applicant__password").sort == "code"  # unknown key


def test_search_and_the_api_filterset_narrow_the_rows(office):
    assert _listing(office, q="冶金").count == 6
    assert _listing(office, year=2026).count == 5
    assert _listing(office, q="冶金", year=2027).count == 6
    assert _listing(office, year="twenty").count == 0  # invalid filter: nothing, not all
    assert _listing(office, jurisdiction="130200").count == 0  # another city: scoped out


def test_links_keep_the_filters_and_the_sort(office):
    listing = _listing(office, q="项目", year=2027, sort="-budget", per_page=25)
    assert "q=%E9%A1%B9%E7%9B%AE" in listing.next_url and "year=2027" in listing.next_url
    assert "sort=-budget" in listing.next_url and "page=2" in listing.next_url
    header = listing.header("budget")
    assert header["active"] and header["descending"] and "sort=budget" in header["url"]
    assert "&page=" not in header["url"] and "?page=" not in header["url"]  # back to page 1


def test_the_projects_page_renders_sort_headers_page_sizes_and_the_count(office, client):
    client.force_login(office)
    page = client.get(reverse("projects:list"), {"sort": "-code", "per_page": 25})
    html = page.content.decode()
    assert page.context["listing"].count == 60
    assert html.count('data-testid="sort-header"') == 8
    assert 'aria-sort="descending"' in html
    assert 'data-testid="page-size-100"' in html and "1 / 3" in html
    assert "P2027-0059" in html and "P2027-0000" not in html


def test_the_organisations_page_is_no_longer_cut_at_500(client):
    city = CityFactory(code="130100")
    OrganisationFactory.create_batch(520, jurisdiction=city)
    client.force_login(UserFactory(role=Role.OFFICE, organisation__jurisdiction=city))
    listing = client.get(reverse("manage:organisation_list"), {"per_page": 200}).context["listing"]
    assert listing.count == 521  # the office's own organisation too
    assert listing.page.paginator.num_pages == 3
