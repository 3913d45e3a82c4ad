"""The public list of calls (issue 17 items 3 and 7) through the list helper: every published
call reachable page by page, sortable, searchable, filtered by region — and a draft never,
whatever the parameters."""

import datetime

import pytest
from django.utils import timezone

from tests.calls.factories import CallFactory
from tests.factories import CityFactory
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls():
    shijiazhuang = CityFactory(code="130100", name="石家庄市")
    tangshan = CityFactory(code="130200", name="唐山市", parent=shijiazhuang.parent)
    now = timezone.now()
    for n in range(55):
        CallFactory(
            jurisdiction=shijiazhuang,
            title=f"石家庄通知{n:02d}",
            published_at=now - datetime.timedelta(days=n),
        )
    CallFactory(jurisdiction=tangshan, title="唐山通知", published_at=now)
    CallFactory(jurisdiction=tangshan, title="唐山草稿", status="draft", published_at=None)


def _titles(response) -> list[str]:
    return [call.title for call in response.context["listing"].page]


def test_every_public_call_is_reachable_page_by_page_and_no_draft(client, calls):
    first = client.get("/public/calls/")
    listing = first.context["listing"]
    assert listing.count == 56 and len(listing.page) == 50
    second = client.get("/public/calls/" + listing.next_url)
    seen = _titles(first) + _titles(second)
    assert len(set(seen)) == 56 and "唐山草稿" not in seen


def test_sorted_by_title_both_ways(client, calls):
    up = _titles(client.get("/public/calls/", {"sort": "title", "per_page": 100}))
    down = _titles(client.get("/public/calls/", {"sort": "-title", "per_page": 100}))
    assert up == sorted(up) and down == up[::-1]


def test_the_search_box_and_the_region_filter_from_the_rendered_page(client, calls):
    page = client.get("/public/calls/")
    found = form_submit(client, page, "form[role=search]", data={"q": "通知07"})
    assert _titles(found) == ["石家庄通知07"]
    tangshan = form_submit(
        client, page, "[data-testid=public-call-filter]", data={"jurisdiction": "130200"}
    )
    assert _titles(tangshan) == ["唐山通知"]


def test_a_draft_stays_out_through_any_parameter(client, calls):
    for params in ({"q": "草稿"}, {"jurisdiction": "130200", "per_page": 200}, {"sort": "-year"}):
        assert "唐山草稿" not in _titles(client.get("/public/calls/", params))
