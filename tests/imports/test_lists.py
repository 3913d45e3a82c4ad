"""The list of one's uploads through the list helper (issue 17 item 3): search by file name,
kind (by its name) or source, filters by kind and status, sortable columns both ways, a page
size and a pager; the preview of a long file counts its rows and pages through all of them.
Nobody reaches another user's (or another city's) uploads through any parameter."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.roles import OrganisationKind, Role
from apps.imports.models import ImportBatch
from tests.factories import CityFactory, OrganisationFactory, UserFactory
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db


def _admin(city):
    office = OrganisationFactory(kind=OrganisationKind.GOVERNMENT_OFFICE, jurisdiction=city)
    return UserFactory(role=Role.USER_ADMIN, organisation=office)


def _batch(user, n, *, kind="organisations", status="preview", rows=3, tag="甲"):
    return ImportBatch.unscoped.create(
        kind=kind,
        jurisdiction=user.organisation.jurisdiction,
        file_name=f"{tag}单位名录{n:02d}.xlsx",
        file_sha256=f"{n:064d}",
        rows=json.dumps(
            [{"number": i + 2, "values": {"name": f"单位{i:04d}"}} for i in range(rows)]
        ),
        row_count=rows,
        error_count=n % 3 if n % 3 <= rows else 0,
        status=status,
        uploaded_by=user,
    )


@pytest.fixture
def world():
    city_a, city_b = CityFactory(), CityFactory()
    admin_a, colleague_a, admin_b = _admin(city_a), _admin(city_a), _admin(city_b)
    for n in range(30):
        _batch(admin_a, n, status="confirmed" if n % 5 == 0 else "preview", rows=n + 3)
    for n in range(4):
        _batch(colleague_a, n, tag="同事")
        _batch(admin_b, n, tag="乙市")
    return {"a": admin_a, "colleague": colleague_a, "b": admin_b}


def _client(user):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def _listing(user, **params):
    response = _client(user).get(reverse("imports:index"), params)
    assert response.status_code == 200
    return response.context["listing"]


def _files(listing):
    return [b.file_name for b in listing.page]


def test_page_two_and_page_size(world):
    first = _listing(world["a"], per_page=25)
    second = _listing(world["a"], per_page=25, page=2)
    assert first.count == 30 and len(first.page) == 25 and len(second.page) == 5
    assert not set(_files(first)) & set(_files(second))
    assert len(set(_files(first)) | set(_files(second))) == 30
    assert len(_listing(world["a"], per_page=100).page) == 30
    page = _client(world["a"]).get(reverse("imports:index"), {"per_page": 25}).content.decode()
    assert 'data-testid="page-next"' in page and 'data-testid="list-count"' in page


def test_sort_both_ways(world):
    up = _files(_listing(world["a"], sort="file", per_page=100))
    down = _files(_listing(world["a"], sort="-file", per_page=100))
    assert up == sorted(up) and down == list(reversed(up))
    rows = [b.row_count for b in _listing(world["a"], sort="-rows", per_page=100).page]
    assert rows == sorted(rows, reverse=True) and rows[0] == 32
    newest = [b.pk for b in _listing(world["a"], per_page=100).page]
    assert newest == sorted(newest, reverse=True)  # newest first by default


def test_search_by_file_name_and_kind_and_filters(world):
    assert _files(_listing(world["a"], q="名录07")) == ["甲单位名录07.xlsx"]
    assert _listing(world["a"], q="Organisations").count == 30  # the kind by its name
    assert _listing(world["a"], q="Expert").count == 0
    confirmed = _listing(world["a"], status="confirmed", per_page=100)
    assert confirmed.count == 6 and {b.status for b in confirmed.page} == {"confirmed"}
    assert _listing(world["a"], kind="organisations").count == 30
    assert _listing(world["a"], kind="experts").count == 0
    bad = _listing(world["a"], status="nonsense")
    assert bad.count == 0 and bad.filterset.errors


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "同事"},
        {"q": "乙市"},
        {"jurisdiction": "B"},
        {"status": "preview", "per_page": 200},
        {"sort": "-file", "per_page": 200},
        {"page": 2, "per_page": 25},
    ],
)
def test_nobody_sees_another_users_uploads(world, params):
    if params.get("jurisdiction") == "B":
        params = {**params, "jurisdiction": world["b"].organisation.jurisdiction.code}
    listing = _listing(world["a"], **params)
    assert all(name.startswith("甲") for name in _files(listing))
    if params.get("q") in ("同事", "乙市"):
        assert listing.count == 0
    page = _client(world["a"]).get(reverse("imports:index"), params).content.decode()
    assert "乙市单位名录" not in page and "同事单位名录" not in page


def test_the_preview_counts_the_rows_and_pages_through_all_of_them(world):
    batch = _batch(world["a"], 99, rows=250)
    client = _client(world["a"])
    url = reverse("imports:preview", args=[batch.pk])
    seen = []
    for number in (1, 2, 3):
        response = client.get(url, {"page": number})
        seen += [row["number"] for row in response.context["page"].object_list]
        page = response.content.decode()
        assert "250 rows" in page
    assert seen == list(range(2, 252))
    assert 'data-testid="page-next"' not in page  # the last page
    first = client.get(url).content.decode()
    assert "showing 1–100" in first and 'data-testid="page-next"' in first
    assert _client(world["b"]).get(url).status_code == 404


def test_the_filter_and_search_forms_submit_from_the_page(world):
    client = _client(world["a"])
    page = client.get(reverse("imports:index"))
    confirmed = form_submit(
        client, page, "form[data-testid=list-filters]", data={"status": "confirmed"}
    )
    assert confirmed.context["listing"].count == 6
    found = form_submit(client, confirmed, "form[role=search]", data={"q": "名录05"})
    assert _files(found.context["listing"]) == ["甲单位名录05.xlsx"]  # status kept
    assert (
        form_submit(client, confirmed, "form[role=search]", data={"q": "名录07"})
        .context["listing"]
        .count
        == 0
    )
