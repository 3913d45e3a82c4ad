"""The applications list is paged, never cut (issue 11 item 6): it stopped silently at 500 of
2,017; now the count says how many match, a page shows 50 by default and the pager reaches the
rest, with the filters kept; the queries do not grow with the rows."""

import pytest

from apps.accounts.roles import Role
from apps.applications.models import Application
from tests.applications.builders import draft_application
from tests.calls.factories import CallFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _copies(application, n, batch="a"):
    """`n` more rows like `application` (stored as is, submitted: the office sees those),
    numbered after it."""
    Application.unscoped.filter(pk=application.pk).update(status="submitted")
    rows = []
    for i in range(n):
        row = Application.unscoped.get(pk=application.pk)
        row.pk = None
        row.number = f"{application.number}-{batch}{i:03d}"
        rows.append(row)
    Application.unscoped.bulk_create(rows)


@pytest.fixture
def office_with_many():
    call = CallFactory()
    application, _user = draft_application(call, sealed_scan=False)
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=call.jurisdiction)
    return office, application


def test_more_rows_than_a_page_are_counted_and_paged(client, office_with_many):
    office, application = office_with_many
    _copies(application, 61)
    client.force_login(office)
    first = client.get("/applications/?status=submitted")
    listing = first.context["listing"]
    assert listing.count == 62 and len(listing.page) == 50
    page = first.content.decode()
    assert 'data-testid="list-count"' in page and "62" in page
    second = client.get("/applications/" + listing.next_url)
    assert second.context["listing"].page.number == 2
    assert len(second.context["listing"].page) == 12
    assert "status=submitted" in listing.next_url  # the filter is kept
    numbers = {a.number for a in [*listing.page, *second.context["listing"].page]}
    assert len(numbers) == 62
    assert len(client.get("/applications/?per_page=100").context["listing"].page) == 62


def test_the_list_reads_a_bounded_number_of_queries(
    client, office_with_many, django_assert_max_num_queries
):
    office, application = office_with_many
    client.force_login(office)
    _copies(application, 1)
    with django_assert_max_num_queries(40) as few:
        client.get("/applications/")
    _copies(application, 120, batch="b")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/applications/")
    assert response.context["listing"].count == 122
