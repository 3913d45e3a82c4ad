"""The review pages as paged lists (issue 11 item 6, issue 17 item 3): the board pages through
the round's applications with their experts — sortable by number, name, status and total,
searchable, with a page size — its summary counts over the whole round; the list of calls and
the expert's own assignments likewise; a page costs the same queries whatever its size; nobody
sees another region's calls or another expert's assignments."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.applications.models import Application
from apps.review.models import ExpertAssignment, ReviewResult, ReviewRound
from tests.calls.factories import CallFactory
from tests.factories import UserFactory
from tests.review.world import expert_user, review_world

pytestmark = pytest.mark.django_db


def _clone(application, n: int) -> Application:
    application.pk = application.id = None
    application.number = f"{application.number[:30]}-{n:03d}"
    application.project_name = f"培训项目{n:03d}"
    application.save()
    return application


@pytest.fixture
def board():
    """A round of 30 applications, each with the one expert of the round assigned."""
    world = review_world(applications=1, experts=1)
    review_round = world.call.review_round
    expert = world.experts[0]
    template = world.applications[0]
    Application.unscoped.filter(pk=template.pk).update(project_name="培训项目000")
    applications = [Application.unscoped.get(pk=template.pk)]
    for n in range(1, 30):
        clone = _clone(Application.unscoped.get(pk=template.pk), n)
        ExpertAssignment.unscoped.create(round=review_round, application=clone, expert=expert)
        applications.append(clone)
    return world, review_round, applications


def _rows(body: str) -> int:
    return body.count('data-testid="board-row"')


def _get(client, user, url, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_board_pages_through_the_rounds_applications(client, board):
    world, _round, applications = board
    url = reverse("review:round", args=[world.call.pk])
    first = _get(client, world.office, url, per_page=25)
    assert _rows(first) == 25
    second = _get(client, world.office, url, per_page=25, page=2)
    assert _rows(second) == 5
    assert applications[-1].number in second and applications[-1].number not in first
    # The summary counts the whole round on every page.
    for body in (first, second):
        assert 'data-testid="summary-applications">30<' in body
        assert 'data-testid="summary-pending">30<' in body
    assert _rows(_get(client, world.office, url)) == 30  # 50 a page by default


def test_the_board_sorts_by_name_and_searches(client, board):
    world, _round, _applications = board
    url = reverse("review:round", args=[world.call.pk])
    body = _get(client, world.office, url, sort="-name", per_page=25)
    assert body.index("培训项目029") < body.index("培训项目028")
    assert "培训项目000" not in body  # on page 2 now
    found = _get(client, world.office, url, q="培训项目017")
    assert _rows(found) == 1 and "培训项目017" in found
    assert 'data-testid="summary-applications">30<' in found


def test_a_closed_boards_rows_sort_by_total_and_by_status(client, board):
    world, review_round, applications = board
    for n, application in enumerate(applications):
        ReviewResult.unscoped.create(
            round=review_round,
            application=application,
            expert_count=1,
            base_score=Decimal(50 + n),
            final_score=Decimal(50 + n),
            rank=30 - n,
            amount=Decimal("100000"),
            proposed=n >= 25,
        )
    ReviewRound.unscoped.filter(pk=review_round.pk).update(status="closed")
    url = reverse("review:round", args=[world.call.pk])
    best_first = _get(client, world.office, url, sort="-total", per_page=25)
    assert 'data-testid="ranking"' in best_first
    assert best_first.index("培训项目029") < best_first.index("培训项目028")
    assert "培训项目004" not in best_first
    by_rank = _get(client, world.office, url, per_page=25)  # a closed round: by rank
    assert by_rank.index("培训项目029") < by_rank.index("培训项目020")
    assert 'data-testid="summary-proposed">5 / 30<' in by_rank
    # Status: the submitted sheets; one application has its sheet in.
    ExpertAssignment.unscoped.filter(application=applications[7]).update(status="submitted")
    most_sheets = _get(client, world.office, url, sort="-status", per_page=25)
    first_row = most_sheets.index('data-testid="board-row"')
    assert most_sheets.index("培训项目007", first_row) < most_sheets.index("培训项目029", first_row)


def test_a_board_page_costs_the_same_queries_whatever_its_size(client, board):
    world, _round, _applications = board
    url = reverse("review:round", args=[world.call.pk])
    client.force_login(world.office)
    client.get(url, {"per_page": 25})  # warm caches (session, rubric)
    counts = []
    for size in (25, 50):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"per_page": size}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_board_query_count_is_bounded(client, board, django_assert_max_num_queries):
    world, _round, _applications = board
    client.force_login(world.office)
    with django_assert_max_num_queries(30):
        client.get(reverse("review:round", args=[world.call.pk]), {"per_page": 25})


def test_another_citys_office_neither_lists_nor_opens_the_call(client, board):
    world, _round, _applications = board
    stranger = UserFactory(role="office")
    listed = _get(client, stranger, reverse("review:rounds"))
    assert world.call.title not in listed
    assert client.get(reverse("review:round", args=[world.call.pk])).status_code == 404


def test_the_list_of_calls_pages_sorts_and_searches(client):
    office = UserFactory(role="office")
    for year in range(2001, 2028):
        CallFactory(
            jurisdiction=office.organisation.jurisdiction, year=year, title=f"甲乙批次{year}"
        )
    url = reverse("review:rounds")
    newest = _get(client, office, url, per_page=25)
    assert (
        newest.count("甲乙批次") == 25 and "甲乙批次2027" in newest and "甲乙批次2001" not in newest
    )
    older = _get(client, office, url, per_page=25, page=2)
    assert "甲乙批次2001" in older and "甲乙批次2027" not in older
    oldest = _get(client, office, url, sort="year", per_page=25)
    assert oldest.index("甲乙批次2001") < oldest.index("甲乙批次2002")
    found = _get(client, office, url, q="甲乙批次2013")
    assert "甲乙批次2013" in found and "甲乙批次2014" not in found


def test_the_expert_pages_own_assignments_and_never_sees_anothers(
    client, board, django_assert_max_num_queries
):
    world, _round, applications = board
    expert = world.experts[0]
    other = expert_user(world.call.jurisdiction)
    ExpertAssignment.unscoped.filter(application=applications[3]).update(expert=other)
    url = reverse("review:my")
    first = _get(client, expert, url, per_page=25, sort="application")
    assert 'data-testid="list-pager"' in first
    second = _get(client, expert, url, per_page=25, sort="application", page=2)
    mine = [a for a in applications if a != applications[3]]
    assert all(a.number in first + second for a in mine)
    assert applications[3].number not in first + second
    assert _get(client, expert, url, q=applications[3].number).count("培训项目003") == 0
    theirs = _get(client, other, url)
    assert "培训项目003" in theirs and "培训项目004" not in theirs
    client.force_login(expert)
    with django_assert_max_num_queries(20):
        client.get(url, {"per_page": 50})


def test_the_boards_search_form_submitted_from_the_page_keeps_the_sort_and_page_size(client, board):
    from tests.rendered_forms import form_submit

    world, _round, _applications = board
    client.force_login(world.office)
    url = reverse("review:round", args=[world.call.pk])
    page = client.get(url, {"sort": "-name", "per_page": 25})
    found = form_submit(client, page, "form[role=search]", data={"q": "培训项目01"})
    body = found.content.decode()
    assert _rows(body) == 10  # 培训项目010 … 019
    assert body.index("培训项目019") < body.index("培训项目010")
    assert found.wsgi_request.GET["per_page"] == "25"
