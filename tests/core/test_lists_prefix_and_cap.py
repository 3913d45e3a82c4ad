"""The list helper's options for the lists of part A (issue 17 item 3): two lists on one page
(`prefix`), a list too large to count exactly (`count_limit`), and a small list computed in
Python (a plain list) — the existing callers keep their behaviour (tests/core/test_lists.py)."""

from dataclasses import dataclass

import pytest
from django.test import RequestFactory

from apps.accounts.roles import Role
from apps.core.lists import list_page
from apps.projects.models import Project
from tests.factories import CityFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db
SORTS = {"code": "code", "name": "name"}


@pytest.fixture
def office():
    city = CityFactory(code="130100")
    for n in range(70):
        ProjectFactory(jurisdiction=city, code=f"P-{n:04d}", name=f"项目{n:02d}")
    return UserFactory(role=Role.OFFICE, organisation__jurisdiction=city)


def _request(user, **params):
    request = RequestFactory().get("/x/", params)
    request.user = user
    return request


def _listing(request, **options):
    return list_page(
        request,
        Project.objects.for_user(request.user),
        search=("name", "code"),
        sorts=SORTS,
        default_sort="code",
        **options,
    )


def test_two_prefixed_lists_page_and_sort_on_their_own_and_keep_each_other(office):
    request = _request(
        office, a_page=2, a_per_page=25, b_sort="-code", b_page=3, b_per_page=25, q="项目"
    )
    a, b = _listing(request, prefix="a_"), _listing(request, prefix="b_")
    assert (a.page.number, a.per_page, a.sort) == (2, 25, "code")
    assert (b.page.number, b.per_page, b.sort) == (3, 25, "-code")
    assert a.page[0].code == "P-0025" and b.page[0].code == "P-0019"
    # A's links move A only and carry B's state and the shared search.
    assert "a_page=3" in a.next_url and "b_page=3" in a.next_url and "b_sort=-code" in a.next_url
    assert "q=" in a.next_url and "&page=" not in a.next_url
    header = b.header("code")
    assert "b_sort=code" in header["url"] and "b_page" not in header["url"]
    assert "a_page=2" in header["url"]
    # A new search starts every list at its first page but keeps their sorts and sizes.
    hidden = dict(a.hidden_filters)
    assert "a_page" not in hidden and "b_page" not in hidden
    assert hidden["b_sort"] == "-code" and hidden["a_per_page"] == 25


def test_without_a_prefix_the_parameters_are_unchanged(office):
    listing = _listing(_request(office, page=2, per_page=25, sort="-name"))
    assert (listing.page.number, listing.per_page, listing.sort) == (2, 25, "-name")
    assert listing.next_url == "?sort=-name&per_page=25&page=3"


def test_a_list_with_its_own_page_size_keeps_it_until_the_user_picks_another(office):
    listing = _listing(_request(office), per_page=25)
    assert (listing.per_page, len(listing.page)) == (25, 25)
    assert "per_page" not in listing.next_url  # the list's own size needs no parameter
    assert "per_page=50" in dict((s, u) for s, u, _on in listing.page_sizes)[50]
    picked = _listing(_request(office, per_page=50), per_page=25)
    assert (picked.per_page, len(picked.page)) == (50, 50)
    assert "per_page=50" in picked.next_url
    assert _listing(_request(office, per_page=7), per_page=25).per_page == 25


def test_a_capped_list_says_more_than_and_pages_on_without_a_last_page(
    office, django_assert_max_num_queries
):
    request = _request(office, per_page=25)
    with django_assert_max_num_queries(3):  # the user's scope, one bounded count, one page
        listing = _listing(request, count_limit=30)
        rows = list(listing.page)
    assert listing.capped and listing.count == 30 and listing.num_pages is None
    assert len(rows) == 25 and listing.page.has_next() and listing.last_url == ""
    third = _listing(_request(office, per_page=25, page=3), count_limit=30)
    assert [p.code for p in third.page] == [f"P-{n:04d}" for n in range(50, 70)]
    assert not third.page.has_next() and third.page.end_index() == 70
    # Every row is reachable once, past the counted limit.
    seen = []
    for number in (1, 2, 3):
        seen += [
            p.code
            for p in _listing(_request(office, per_page=25, page=number), count_limit=30).page
        ]
    assert len(set(seen)) == 70
    # A page past the end is empty (not an error), a page that is no number is the first.
    assert len(_listing(_request(office, per_page=25, page=9), count_limit=30).page) == 0
    assert _listing(_request(office, page="x"), count_limit=30).page.number == 1


def test_under_the_limit_a_capped_list_counts_exactly(office):
    listing = _listing(_request(office, q="项目0"), count_limit=30)
    assert not listing.capped and listing.count == 10 and listing.num_pages == 1


@dataclass
class _Year:
    year: int
    source: str


def test_a_plain_list_is_searched_sorted_and_paged_on_its_attributes():
    rows = [_Year(2000 + n, "entered" if n % 3 == 0 else "library") for n in range(60)]
    request = _request(UserFactory(), sort="-year", per_page=25, page=2)
    listing = list_page(
        request, rows, search=("year", "source"), sorts={"year": "year"}, default_sort="year"
    )
    assert listing.count == 60 and [y.year for y in listing.page][:2] == [2034, 2033]
    found = list_page(
        _request(UserFactory(), q="205 entered"),
        rows,
        search=("year", "source"),
        sorts={"year": "year"},
        default_sort="year",
    )
    assert [y.year for y in found.page] == [2051, 2054, 2057]
    with pytest.raises(TypeError):
        list_page(
            request, rows, sorts={"year": "year"}, default_sort="year", filterset_class=object
        )


def _rows_by_key(keys):
    return Project.unscoped.select_related("jurisdiction").filter(pk__in=keys)


@pytest.mark.parametrize("sort", ["code", "-code", "name", "-name"])
def test_a_keys_first_list_shows_the_same_pages_as_a_plain_one(office, sort):
    for number in (1, 2, 3):
        request = _request(office, sort=sort, per_page=25, page=number, q="项目")
        plain = [p.code for p in _listing(request).page]
        keyed = _listing(request, keys_first=_rows_by_key)
        assert [p.code for p in keyed.page] == plain
        assert keyed.count == 70 and keyed.num_pages == 3


def test_a_keys_first_page_reads_its_rows_with_their_related_rows_in_one_query(
    office, django_assert_max_num_queries
):
    request = _request(office, per_page=25, page=2)
    with django_assert_max_num_queries(4):  # the user's scope, the count, the keys, the rows
        listing = _listing(request, keys_first=_rows_by_key)
        names = [p.jurisdiction.name for p in listing.page]
    assert len(names) == 25 and listing.page[0].code == "P-0025"


def test_a_row_deleted_between_the_keys_and_the_rows_is_left_out(office):
    def rows_after_a_delete(keys):
        Project.unscoped.filter(pk=keys[0]).delete()
        return _rows_by_key(keys)

    listing = _listing(_request(office, per_page=25), keys_first=rows_after_a_delete)
    assert [p.code for p in listing.page][:2] == ["P-0001", "P-0002"]
    assert len(listing.page) == 24
