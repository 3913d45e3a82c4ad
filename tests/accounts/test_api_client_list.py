"""The API keys page through the list helper (issue 17 item 3): page size and pager, sortable
columns both ways, search, the active/revoked filter and (for a superuser) the city filter of
ApiClientFilter; a user administrator never sees another city's keys through any parameter."""

import pytest

from apps.accounts.models import ApiClient, User
from apps.accounts.roles import Role
from tests.factories import CityFactory, ProvinceFactory, UserFactory
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db


def _keys(city, n: int, prefix: str) -> None:
    device = UserFactory(
        role=Role.IMPLEMENTER,
        organisation__jurisdiction=city,
        username=f"{prefix.lower()}-device",
    )
    ApiClient.objects.bulk_create(
        ApiClient(
            name=f"{prefix}终端{i:02d}",
            service_user=device,
            key_prefix=f"{prefix[:2].lower()}{i:04d}",
            key_hash="0" * 64,
            is_active=i % 4 != 0,
        )
        for i in range(n)
    )


@pytest.fixture
def world():
    province = ProvinceFactory()
    sjz = CityFactory(parent=province, code="130100", name="石家庄市")
    ts = CityFactory(parent=province, code="130200", name="唐山市")
    _keys(sjz, 30, "SJZ")
    _keys(ts, 5, "TS")
    return {
        "sjz_admin": UserFactory(role=Role.USER_ADMIN, organisation__jurisdiction=sjz),
        "province_admin": UserFactory(role=Role.USER_ADMIN, organisation__jurisdiction=province),
        "root": UserFactory(
            is_superuser=True, role=Role.USER_ADMIN, organisation__jurisdiction=province
        ),
    }


def _names(response) -> list[str]:
    return [c.name for c in response.context["listing"].page]


def test_pages_with_a_page_size_and_sorts_both_ways(client, world):
    client.force_login(world["sjz_admin"])
    first = client.get("/api-clients/", {"per_page": 25})
    listing = first.context["listing"]
    assert (listing.count, len(listing.page), listing.page.paginator.num_pages) == (30, 25, 2)
    second = client.get("/api-clients/" + listing.next_url)
    assert _names(second) == [f"SJZ终端{i:02d}" for i in range(25, 30)]
    up = _names(client.get("/api-clients/", {"sort": "name"}))
    down = _names(client.get("/api-clients/", {"sort": "-name"}))
    assert up == sorted(up) and down == list(reversed(up))
    active = [
        c.is_active
        for c in client.get("/api-clients/", {"sort": "-status"}).context["listing"].page
    ]
    assert active == sorted(active, reverse=True) and active[-1] is False


def test_search_and_the_status_filter_from_the_rendered_forms(client, world):
    client.force_login(world["sjz_admin"])
    page = client.get("/api-clients/")
    found = form_submit(client, page, "form[role=search]", data={"q": "终端1"})
    assert _names(found) == [f"SJZ终端{i:02d}" for i in range(10, 20)]
    revoked = form_submit(
        client, page, "form[data-testid=list-filters]", data={"is_active": "false"}
    )
    assert revoked.context["listing"].count == 8  # 0, 4, … 28
    # The page still creates a key below the list.
    device = User.unscoped.get(username="sjz-device")
    created = form_submit(
        client,
        page,
        "form[method=post][novalidate]",
        data={"name": "新终端", "service_user": str(device.pk)},
    )
    assert 'data-testid="new-key"' in created.content.decode()


def test_a_superuser_filters_by_city(client, world):
    client.force_login(world["root"])
    page = client.get("/api-clients/")
    assert page.context["listing"].count == 35
    only_ts = form_submit(
        client, page, "form[data-testid=list-filters]", data={"jurisdiction": "130200"}
    )
    assert sorted(_names(only_ts)) == [f"TS终端{i:02d}" for i in range(5)]


@pytest.mark.parametrize(
    "params", [{"jurisdiction": "130200"}, {"q": "TS"}, {"sort": "-account"}, {"page": 2}]
)
@pytest.mark.parametrize("admin", ["sjz_admin", "province_admin"])
def test_an_administrator_never_sees_another_citys_keys(client, world, params, admin):
    client.force_login(world[admin])
    names = _names(client.get("/api-clients/", {"per_page": 25, **params}))
    assert not any(name.startswith("TS") for name in names)
    if admin == "province_admin":
        assert names == []  # its own level's accounts only (HB §24)
