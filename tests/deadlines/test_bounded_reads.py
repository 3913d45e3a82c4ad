"""Reads that are bounded (issue 11 item 6): the home card reads the few deadlines it shows and
two counts; the deadlines page shows one page of each list, whatever their number, with a
pager that reaches every row; the number of queries does not grow with the rows."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from apps.accounts.roles import Role
from apps.deadlines.models import Deadline
from apps.jurisdictions.models import DeadlineRule
from apps.projects.models import Project
from tests.deadlines.factories import region_with_rules
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def _many(project, *, overdue: int, upcoming: int) -> None:
    """Deadlines stored as is (one per subject id), overdue then upcoming."""
    today = timezone.localdate()
    rule = DeadlineRule.objects.get(jurisdiction=project.jurisdiction, code="plan_review")
    kind = ContentType.objects.get_for_model(Project)
    rows = [
        Deadline(
            rule=rule,
            jurisdiction=project.jurisdiction,
            subject_type=kind,
            subject_id=10_000 + i,
            subject_label=f"主题{i:03d}",
            project=project,
            starts_on=today - datetime.timedelta(days=30),
            due_on=today + datetime.timedelta(days=(-1 - i % 20) if i < overdue else i % 14),
            owner_role=Role.OFFICE,
        )
        for i in range(overdue + upcoming)
    ]
    Deadline.unscoped.bulk_create(rows)


@pytest.fixture
def office_and_project():
    region = region_with_rules()
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=region.sjz)
    return office, ProjectFactory(jurisdiction=region.sjz)


def _rows(page: str) -> int:
    return page.count('data-testid="deadline-row"')


def test_the_deadlines_page_shows_a_page_of_each_list_and_the_pager_reaches_all(
    client, office_and_project
):
    office, project = office_and_project
    _many(project, overdue=63, upcoming=57)
    client.force_login(office)
    first = client.get("/deadlines/")
    assert first.context["overdue"].count == 63
    assert first.context["upcoming"].count == 57
    page = first.content.decode()
    assert _rows(page) == 25 + 25
    assert 'data-testid="overdue-total">63<' in page and 'data-testid="upcoming-total">57<' in page
    assert "overdue_page=2" in page and "upcoming_page=2" in page
    second = client.get("/deadlines/?overdue_page=2&upcoming_page=2")
    third = client.get("/deadlines/?overdue_page=3&upcoming_page=3")
    assert len(third.context["overdue"].page) == 13 and len(third.context["upcoming"].page) == 7
    pages = (first, second, third)
    seen = {d.pk for response in pages for d in response.context["overdue"].page}
    assert len(seen) == 63  # every overdue row once across the pages
    # The other list keeps its page when one list is paged on.
    assert "upcoming_page=2" in second.context["overdue"].previous_url


def test_the_deadlines_page_and_home_card_read_a_bounded_number_of_queries(
    client, office_and_project, django_assert_max_num_queries
):
    office, project = office_and_project
    _many(project, overdue=3, upcoming=3)
    client.force_login(office)
    with django_assert_max_num_queries(30) as few:
        client.get("/deadlines/")
    with django_assert_max_num_queries(60) as home_few:
        client.get("/")
    _many_more = 200
    Deadline.unscoped.all().delete()
    _many(project, overdue=_many_more, upcoming=_many_more)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/deadlines/")
    with django_assert_max_num_queries(len(home_few.captured_queries)):
        response = client.get("/")
    card = response.context["deadlines"]
    assert (card.overdue_count, card.upcoming_count) == (200, 200)
    assert len(card.rows) == 5
    assert _rows(response.content.decode()) == 5
