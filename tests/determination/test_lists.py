"""The annual arrangements and the adjustments through the list helper (issue 17 item 3):
filters from the API's FilterSets (year, province or city, kind, status), a search box,
sortable columns both ways, a page size and a pager that reaches every row; a city's office
never reaches another city's rows (or another province's, or a draft) through any parameter."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import OrganisationKind, Role
from apps.determination.models import Adjustment, AnnualArrangement
from apps.jurisdictions.models import JurisdictionLevel
from tests.factories import CityFactory, OrganisationFactory, ProvinceFactory, UserFactory
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db

YEARS = range(1998, 2028)  # 30 arrangements of the province


@pytest.fixture
def world():
    province = ProvinceFactory()
    other_province = ProvinceFactory(
        code="140000", name="山西省", name_en="Shanxi", level=JurisdictionLevel.PROVINCE
    )
    city_a, city_b = CityFactory(parent=province), CityFactory(parent=province)
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=province)
    office_a = UserFactory(role=Role.OFFICE, organisation__jurisdiction=city_a)
    office_b = UserFactory(role=Role.OFFICE, organisation__jurisdiction=city_b)
    unit = OrganisationFactory(kind=OrganisationKind.MEMBER_UNIT, jurisdiction=province)
    now = timezone.now()
    arrangements = [
        AnnualArrangement.unscoped.create(
            province=province,
            year=year,
            title=f"{year}年度全省工伤预防项目安排",
            status="published" if year % 2 == 0 else "draft",
            compiled_by=office,
            compiled_at=now,
            published_at=now if year % 2 == 0 else None,
        )
        for year in YEARS
    ]
    AnnualArrangement.unscoped.create(
        province=other_province,
        year=2026,
        title="2026年度山西安排",
        status="published",
        compiled_by=office,
        compiled_at=now,
        published_at=now,
    )
    current = next(a for a in arrangements if a.year == 2026)
    earlier = next(a for a in arrangements if a.year == 2024)
    for city, count, tag in ((city_a, 30, "A"), (city_b, 5, "B")):
        for n in range(count):
            Adjustment.unscoped.create(
                arrangement=current if n % 3 else earlier,
                jurisdiction=city,
                number=f"TZ-{tag}-{n:02d}",
                kind="add",
                ground="special",
                subject=f"{tag}市新增项目{n:02d}",
                after_text="新增",
                reason="培训需求" if n % 2 else "省里要求",
                consenting_unit=unit,
                requested_by=office,
                requested_at=now - datetime.timedelta(days=n),
                status="requested" if n % 4 else "published",
            )
    return {
        "province": province,
        "other_province": other_province,
        "a": city_a,
        "b": city_b,
        "office": office,
        "office_a": office_a,
        "office_b": office_b,
    }


def _listing(client, user, name, **params):
    client.force_login(user)
    response = client.get(reverse(f"determination:{name}"), params)
    assert response.status_code == 200
    return response.context["listing"]


def _numbers(listing):
    return [a.number for a in listing.page]


# --- adjustments ----------------------------------------------------------------------------


def test_adjustments_page_two_reaches_every_row_once(client, world):
    first = _listing(client, world["office"], "adjustments", per_page=25)
    second = _listing(client, world["office"], "adjustments", per_page=25, page=2)
    assert first.count == 35 and len(first.page) == 25 and len(second.page) == 10
    assert set(_numbers(first)) | set(_numbers(second)) == set(
        Adjustment.unscoped.values_list("number", flat=True)
    )
    assert not set(_numbers(first)) & set(_numbers(second))
    page = client.get(reverse("determination:adjustments"), {"per_page": 25}).content.decode()
    assert 'data-testid="page-next"' in page and "per_page=25" in page


def test_adjustments_sort_both_ways_and_page_size(client, world):
    up = _numbers(_listing(client, world["office"], "adjustments", sort="number", per_page=100))
    down = _numbers(_listing(client, world["office"], "adjustments", sort="-number", per_page=100))
    assert up == sorted(up) and down == list(reversed(up)) and len(up) == 35
    newest = _listing(client, world["office"], "adjustments")
    times = [a.requested_at for a in newest.page]
    assert times == sorted(times, reverse=True)
    assert _listing(client, world["office"], "adjustments", per_page=200).per_page == 200
    # a size not offered falls back to the default rather than to everything
    assert _listing(client, world["office"], "adjustments", per_page=100000).per_page == 50


def test_adjustments_search_and_filters_narrow(client, world):
    found = _listing(client, world["office"], "adjustments", q="A市新增项目07")
    assert _numbers(found) == ["TZ-A-07"]
    assert _listing(client, world["office"], "adjustments", q="省里要求").count == 15 + 3
    published = _listing(client, world["office"], "adjustments", status="published", per_page=100)
    assert {a.status for a in published.page} == {"published"} and published.count == 8 + 2
    by_year = _listing(client, world["office"], "adjustments", year=2024, per_page=100)
    assert by_year.count == 10 + 2
    assert {a.arrangement.year for a in by_year.page} == {2024}
    bad = _listing(client, world["office"], "adjustments", year="abc")
    assert bad.count == 0 and bad.filterset.errors


def test_a_province_office_filters_adjustments_by_city(client, world):
    only_b = _listing(client, world["office"], "adjustments", jurisdiction=world["b"].code)
    assert only_b.count == 5 and all(n.startswith("TZ-B-") for n in _numbers(only_b))
    page = client.get(reverse("determination:adjustments")).content.decode()
    assert 'data-testid="city-filter"' in page and world["b"].name in page


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"jurisdiction": "B"},
        {"q": "B市新增项目"},
        {"q": "TZ-B"},
        {"status": "published"},
        {"year": 2026},
        {"sort": "city", "per_page": 200},
        {"sort": "-city", "per_page": 200},
        {"page": 2, "per_page": 25},
    ],
)
def test_a_city_office_never_sees_another_citys_adjustments(client, world, params):
    if params.get("jurisdiction") == "B":
        params = {**params, "jurisdiction": world["b"].code}
    listing = _listing(client, world["office_a"], "adjustments", **params)
    assert all(n.startswith("TZ-A-") for n in _numbers(listing))
    if "jurisdiction" in params or "B" in params.get("q", ""):
        assert listing.count == 0
    page = client.get(reverse("determination:adjustments"), params).content.decode()
    assert "TZ-B-" not in page


# --- arrangements ---------------------------------------------------------------------------


def _years(listing):
    return [a.year for a in listing.page]


def test_arrangements_page_sort_search_and_size(client, world):
    office = world["office"]
    first = _listing(client, office, "arrangements", per_page=25, sort="year")
    second = _listing(client, office, "arrangements", per_page=25, sort="year", page=2)
    assert first.count == 30
    assert _years(first) + _years(second) == list(YEARS)
    down = _listing(client, office, "arrangements", per_page=100)
    assert _years(down) == sorted(YEARS, reverse=True)  # newest first by default
    assert _years(_listing(client, office, "arrangements", q="2019年度")) == [2019]
    drafts = _listing(client, office, "arrangements", status="draft", per_page=100)
    assert drafts.count == 15 and {a.status for a in drafts.page} == {"draft"}
    assert _years(_listing(client, office, "arrangements", year=2020)) == [2020]
    by_province = _listing(
        client, office, "arrangements", province=world["province"].pk, per_page=100
    )
    assert by_province.count == 30


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "draft"},
        {"year": 2027},
        {"province": "other"},
        {"q": "山西"},
        {"sort": "-status", "per_page": 200},
    ],
)
def test_a_city_office_sees_only_its_provinces_published_arrangements(client, world, params):
    if params.get("province") == "other":
        params = {**params, "province": world["other_province"].pk}
    listing = _listing(client, world["office_a"], "arrangements", **{"per_page": 200, **params})
    if not params:
        assert listing.count == 15  # the province's published ones
    for arrangement in listing.page:
        assert arrangement.status == "published"
        assert arrangement.province_id == world["province"].pk
    if params.get("status") == "draft" or "province" in params or "q" in params:
        assert listing.count == 0
    if params.get("year") == 2027:  # a draft
        assert listing.count == 0


def test_the_filter_and_search_forms_submit_from_the_page(client, world):
    client.force_login(world["office"])
    page = client.get(reverse("determination:adjustments"))
    filtered = form_submit(
        client,
        page,
        "form[data-testid=list-filters]",
        data={"jurisdiction": world["b"].code, "status": "requested"},
    )
    assert filtered.context["listing"].count == 3  # B's 5 rows, n=0 and n=4 published
    searched = form_submit(client, filtered, "form[role=search]", data={"q": "B市新增项目03"})
    assert _numbers(searched.context["listing"]) == ["TZ-B-03"]
    page = client.get(reverse("determination:arrangements"))
    drafts = form_submit(
        client, page, "form[data-testid=list-filters]", data={"status": "draft", "year": "2001"}
    )
    assert _years(drafts.context["listing"]) == [2001]
