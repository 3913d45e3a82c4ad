"""A call's screening board through the list helper (issue 17 item 3): paged with a page size,
sortable by number, applicant and outcome, searchable, filtered by outcome and by the
applicant's city with the API's PreliminaryReviewFilter; the figures above it stay those of
the whole call; a city office never reaches another city's applications by any parameter."""

import pytest
from django.utils import timezone

from apps.accounts.roles import Role
from apps.applications.models import Application
from apps.screening.models import IndicatorVerdict, PreliminaryReview
from tests.calls.factories import CallFactory
from tests.factories import CityFactory, OrganisationFactory, ProvinceFactory, UserFactory
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db
OUTCOMES = ["pending", "passed", "failed"]


def _board(call, cities, n: int, prefix: str) -> None:
    """`n` screened applications of `call`, applicants alternating between `cities`."""
    author = UserFactory(role=Role.APPLICANT)
    now = timezone.now()
    for i in range(n):
        applicant = OrganisationFactory(
            kind="employer", jurisdiction=cities[i % len(cities)], name=f"{prefix}企业{i:02d}"
        )
        application = Application.unscoped.create(
            call=call,
            applicant=applicant,
            number=f"{prefix}-{i:03d}",
            project_name=f"{prefix}培训项目{i:02d}",
            project_type="training",
            status="submitted",
            submitted_at=now,
            created_by=author,
        )
        review = PreliminaryReview.unscoped.create(
            application=application, computed_at=now, outcome=OUTCOMES[i % 3]
        )
        IndicatorVerdict.objects.create(review=review, indicator="P1", computed_pass=True)


@pytest.fixture
def world():
    province = ProvinceFactory()
    sjz = CityFactory(parent=province, code="130100", name="石家庄市")
    ts = CityFactory(parent=province, code="130200", name="唐山市")
    province_call = CallFactory(jurisdiction=province)
    _board(province_call, [sjz, ts], 40, "HB")
    sjz_call, ts_call = CallFactory(jurisdiction=sjz), CallFactory(jurisdiction=ts)
    _board(sjz_call, [sjz], 3, "SJZ")
    _board(ts_call, [ts], 3, "TS")
    return {
        "province_call": province_call,
        "sjz_call": sjz_call,
        "ts_call": ts_call,
        "province_office": UserFactory(role=Role.OFFICE, organisation__jurisdiction=province),
        "sjz_office": UserFactory(role=Role.OFFICE, organisation__jurisdiction=sjz),
    }


def _numbers(response) -> list[str]:
    return [r.application.number for r in response.context["listing"].page]


def _url(call) -> str:
    return f"/screening/calls/{call.pk}/"


def test_the_board_pages_with_a_page_size_and_page_two_is_reachable(client, world):
    client.force_login(world["province_office"])
    first = client.get(_url(world["province_call"]), {"per_page": 25})
    listing = first.context["listing"]
    assert (listing.count, len(listing.page), listing.page.paginator.num_pages) == (40, 25, 2)
    second = client.get(_url(world["province_call"]) + listing.next_url)
    assert _numbers(second) == [f"HB-{i:03d}" for i in range(25, 40)]
    assert len(_numbers(client.get(_url(world["province_call"])))) == 40  # 50 a page


@pytest.mark.parametrize("key", ["number", "applicant", "outcome"])
def test_each_column_sorts_both_ways(client, world, key):
    client.force_login(world["province_office"])
    value = {
        "number": lambda r: r.application.number,
        "applicant": lambda r: r.application.applicant.name,
        "outcome": lambda r: r.outcome,
    }[key]
    url = _url(world["province_call"])
    up = [value(r) for r in client.get(url, {"sort": key}).context["listing"].page]
    down = [value(r) for r in client.get(url, {"sort": f"-{key}"}).context["listing"].page]
    assert up == sorted(up) and down == sorted(down, reverse=True) and up[0] != up[-1]


def test_search_and_outcome_filter_narrow_the_rows_but_not_the_calls_figures(client, world):
    client.force_login(world["province_office"])
    page = client.get(_url(world["province_call"]), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "40 applications in this call" in html
    found = form_submit(client, page, "form[role=search]", data={"q": "HB企业1"})
    assert _numbers(found) == [f"HB-{i:03d}" for i in range(10, 20)]
    passed = form_submit(client, page, "form[data-testid=list-filters]", data={"outcome": "passed"})
    assert passed.context["listing"].count == 13
    summary = passed.context["summary"]
    assert summary["total"] == 40
    assert {v: n for v, _label, n in summary["outcomes"]} == {
        "pending": 14,
        "passed": 13,
        "failed": 13,
    }


def test_a_province_office_filters_a_province_call_by_the_applicants_city(client, world):
    client.force_login(world["province_office"])
    page = client.get(_url(world["province_call"]))
    only_ts = form_submit(
        client, page, "form[data-testid=list-filters]", data={"jurisdiction": "130200"}
    )
    assert only_ts.context["listing"].count == 20
    assert all(
        r.application.applicant.jurisdiction.code == "130200"
        for r in only_ts.context["listing"].page
    )
    api = client.get(
        "/api/v1/screening-results/",
        {"application__call": world["province_call"].pk, "jurisdiction": "130200"},
    )
    assert api.status_code == 200 and api.json()["count"] == 20


@pytest.mark.parametrize(
    "params",
    [{"jurisdiction": "130200"}, {"q": "TS"}, {"sort": "-applicant"}, {"page": 2}],
)
def test_a_city_office_never_sees_another_citys_applications(client, world, params):
    client.force_login(world["sjz_office"])
    numbers = _numbers(client.get(_url(world["sjz_call"]), params))
    assert all(n.startswith("SJZ") for n in numbers)
    assert client.get(_url(world["ts_call"]), params).status_code == 404
    assert client.get(_url(world["province_call"]), params).status_code == 404


def test_the_board_reads_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world["province_office"])
    url = _url(world["province_call"])
    client.get(url, {"per_page": 25})
    with django_assert_max_num_queries(30) as few:
        client.get(url, {"per_page": 25})
    _board(world["province_call"], [world["sjz_call"].jurisdiction], 30, "MORE")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url, {"per_page": 25})
