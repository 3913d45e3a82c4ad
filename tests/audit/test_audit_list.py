"""The audit log page through the list helper (issue 17 item 3): the API's AuditEntryFilter
filters the page and the API alike (a city filter included), a search box, sortable time,
actor and action both ways, a page size, page 2 reachable; counted only up to a limit (a
million entries at province scale), then "more than N" with a pager that still goes on; and a
city reader never sees another city's entries through any parameter, on the page or the API."""

import datetime

import pytest
from django.utils import timezone

from apps.accounts.roles import Role
from apps.audit.models import AuditEntry
from tests.factories import CityFactory, ProvinceFactory, UserFactory
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db
KIND = "tests.ListProbe"


def _entries(city, n: int, *, actor: str, label: str) -> None:
    start = timezone.now() - datetime.timedelta(days=10)
    actions = ["create", "update", "transition"]
    AuditEntry.unscoped.bulk_create(
        AuditEntry(
            occurred_at=start + datetime.timedelta(minutes=i),
            actor_username=f"{actor}{i % 4}",
            action=actions[i % 3],
            object_type=KIND,
            object_id=str(i),
            object_repr=f"{label}{i:03d}",
            jurisdiction_path=city.path,
        )
        for i in range(n)
    )


@pytest.fixture
def world():
    province = ProvinceFactory()
    sjz = CityFactory(parent=province, code="130100", name="石家庄市")
    ts = CityFactory(parent=province, code="130200", name="唐山市")
    _entries(sjz, 60, actor="sjz", label="石家庄对象")
    _entries(ts, 12, actor="ts", label="唐山对象")
    return {
        "sjz_office": UserFactory(role=Role.OFFICE, organisation__jurisdiction=sjz),
        "province_admin": UserFactory(role=Role.AUDIT_ADMIN, organisation__jurisdiction=province),
    }


def _get(client, **params):
    return client.get("/audit/", {"object_type": KIND, **params})


def _reprs(response) -> list[str]:
    return [e.object_repr for e in response.context["listing"].page]


def test_page_two_is_reachable_and_the_page_size_is_a_choice(client, world):
    client.force_login(world["sjz_office"])
    first = _get(client, per_page=25)
    listing = first.context["listing"]
    assert (listing.count, len(listing.page), listing.page.paginator.num_pages) == (60, 25, 3)
    second = client.get("/audit/" + listing.next_url)
    assert second.context["listing"].page.number == 2
    assert set(_reprs(first)).isdisjoint(_reprs(second))
    assert len(_reprs(_get(client, per_page=100))) == 60


@pytest.mark.parametrize("key", ["time", "actor", "action"])
def test_each_sortable_column_sorts_both_ways(client, world, key):
    client.force_login(world["sjz_office"])
    field = {"time": "occurred_at", "actor": "actor_username", "action": "action"}[key]
    up = [getattr(e, field) for e in _get(client, sort=key, per_page=100).context["listing"].page]
    down = [
        getattr(e, field)
        for e in _get(client, sort=f"-{key}", per_page=100).context["listing"].page
    ]
    assert up == sorted(up) and down == sorted(down, reverse=True) and up[0] != up[-1]


def test_the_newest_first_by_default_and_the_search_narrows(client, world):
    client.force_login(world["sjz_office"])
    assert _reprs(_get(client))[0] == "石家庄对象059"
    page = _get(client)
    found = form_submit(client, page, "form[role=search]", data={"q": "石家庄对象00"})
    assert sorted(_reprs(found)) == [f"石家庄对象00{i}" for i in range(10)]
    assert found.context["listing"].params["object_type"] == KIND  # the filters are kept


def test_the_filter_form_uses_the_api_filterset_and_says_what_is_wrong(client, world):
    client.force_login(world["province_admin"])
    page = _get(client)
    updates = form_submit(client, page, "form[data-testid=list-filters]", data={"action": "update"})
    assert updates.context["listing"].count == 20 + 4
    bad = form_submit(client, page, "form[data-testid=list-filters]", data={"since": "31/02/2027"})
    assert (
        bad.context["listing"].count == 0 and 'data-testid="filter-errors"' in bad.content.decode()
    )


def test_a_province_reader_filters_by_city_on_the_page_and_in_the_api(client, world):
    client.force_login(world["province_admin"])
    page = _get(client)
    assert page.context["listing"].count == 72
    only_ts = form_submit(
        client, page, "form[data-testid=list-filters]", data={"jurisdiction": "130200"}
    )
    assert only_ts.context["listing"].count == 12
    assert all(r.startswith("唐山") for r in _reprs(only_ts))
    api = client.get("/api/v1/audit-entries/", {"object_type": KIND, "jurisdiction": "130200"})
    assert api.status_code == 200
    assert {e["object_repr"][:2] for e in api.json()["results"]} == {"唐山"}


@pytest.mark.parametrize(
    "params",
    [
        {"jurisdiction": "130200"},
        {"jurisdiction": "130000"},
        {"q": "唐山对象"},
        {"actor": "ts"},
        {"sort": "-actor", "per_page": 200},
        {"page": 2, "per_page": 25},
    ],
)
def test_a_city_reader_never_sees_another_citys_entries(client, world, params):
    client.force_login(world["sjz_office"])
    assert not any(r.startswith("唐山") for r in _reprs(_get(client, **params)))
    api = client.get("/api/v1/audit-entries/", {"object_type": KIND, **params}).json()
    assert not any(e["object_repr"].startswith("唐山") for e in api.get("results", []))


def test_past_the_count_limit_the_page_says_more_than_and_pages_on(
    client, world, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("apps.audit.views.AUDIT_COUNT_LIMIT", 30)
    client.force_login(world["province_admin"])
    with django_assert_max_num_queries(25):
        first = client.get(
            "/audit/", {"object_type": KIND, "per_page": 25}, HTTP_ACCEPT_LANGUAGE="en"
        )
    listing = first.context["listing"]
    assert listing.capped and listing.count == 30
    html = first.content.decode()
    assert "more than 30 rows" in html and 'data-testid="page-next"' in html
    assert ">Last<" not in html
    third = _get(client, per_page=25, page=3).context["listing"]
    assert len(third.page) == 72 - 50 and not third.page.has_next()
    narrowed = _get(client, jurisdiction="130200").context["listing"]
    assert not narrowed.capped and narrowed.count == 12  # a narrower filter counts exactly
