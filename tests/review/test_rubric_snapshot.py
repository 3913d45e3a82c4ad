"""A review round scores on the rubric as it was when the round opened."""

import copy

import pytest

from apps.review.rubric import load_rubric, rubric_raw
from tests.review.world import review_world

pytestmark = pytest.mark.django_db


def test_the_round_keeps_the_rubric_it_opened_with():
    review_round = review_world(applications=1, experts=3).call.review_round
    assert review_round.rubric_snapshot == rubric_raw("hebei-2027")
    edited = copy.deepcopy(review_round.rubric_snapshot)
    edited["title"] = "修订后的评审标准"
    review_round.rubric_snapshot = edited
    review_round.save()
    review_round.refresh_from_db()
    assert review_round.rubric.title == "修订后的评审标准"
    assert load_rubric("hebei-2027").title != "修订后的评审标准"
