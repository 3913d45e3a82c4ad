"""Scoping of the expert review: role × endpoint × own/other city, direct URLs included."""

import pytest

from apps.accounts.roles import GOVERNMENT_ROLES, Role
from apps.review import services
from apps.review.models import ExpertAssignment, ExpertProfile, ReviewResult
from tests.factories import UserFactory
from tests.review.world import BEST, review_world

pytestmark = pytest.mark.django_db


class ClosedRound:
    def __init__(self):
        self.world = review_world(applications=2, experts=3)
        self.assignments = list(ExpertAssignment.unscoped.filter(round__call=self.world.call))
        for assignment in self.assignments:
            services.score_sheet_save(
                expert=assignment.expert,
                assignment=assignment,
                scores=BEST,
                bonus={},
                vetoes={},
                submit=True,
            )
        services.review_round_close(
            user=self.world.office, review_round=self.world.call.review_round
        )
        self.result = ReviewResult.unscoped.filter(round__call=self.world.call).first()
        self.assignment = self.assignments[0]
        # The pool is the province's: retire these experts so the next round has its own.
        ExpertProfile.objects.filter(user__in=self.world.experts).update(is_active=False)


@pytest.fixture
def rounds():
    return ClosedRound(), ClosedRound()


def _user(role, closed):
    if role == Role.EXPERT:
        return closed.assignment.expert
    if role == Role.APPLICANT:
        return closed.result.application.created_by
    return UserFactory(role=role, organisation__jurisdiction=closed.world.call.jurisdiction)


@pytest.mark.parametrize("role", list(Role))
def test_review_pages_and_api(client, rounds, role):
    own, other = rounds
    client.force_login(_user(role, own))
    office_pages = ["/review/", f"/review/calls/{own.world.call.pk}/", "/review/events/"]
    for url in office_pages:
        assert client.get(url).status_code == (200 if role == Role.OFFICE else 403)
    other_board = client.get(f"/review/calls/{other.world.call.pk}/").status_code
    assert other_board == (404 if role == Role.OFFICE else 403)
    own_sheet = client.get(f"/review/sheets/{own.assignment.pk}/").status_code
    assert own_sheet == (
        200 if role in (Role.OFFICE, Role.EXPERT) or role in GOVERNMENT_ROLES else 404
    )
    assert client.get(f"/review/sheets/{other.assignment.pk}/").status_code == 404

    sees_results = role in GOVERNMENT_ROLES or role == Role.APPLICANT
    assert client.get(f"/api/v1/review-results/{own.result.pk}/").status_code == (
        200 if sees_results else 404
    )
    assert client.get(f"/api/v1/review-results/{other.result.pk}/").status_code == 404
    sees_assignment = role in GOVERNMENT_ROLES or role == Role.EXPERT
    assert client.get(f"/api/v1/expert-assignments/{own.assignment.pk}/").status_code == (
        200 if sees_assignment else 404
    )
    assert client.get(f"/api/v1/expert-assignments/{other.assignment.pk}/").status_code == 404
    listed = client.get("/api/v1/review-results/").content
    assert other.result.application.number.encode() not in listed
