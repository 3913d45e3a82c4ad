"""The determination demo: does nothing before the review is closed, runs the chain to a
published arrangement after it, and changes nothing when run again."""

import pytest

from apps.accounts.models import User
from apps.determination.models import AnnualArrangement, Determination, FiledProject
from apps.review.models import ReviewRound
from demo.determination import CALL_TITLE, seed_demo_determination
from tests.determination.builders import province_office, reviewed_city

pytestmark = pytest.mark.django_db


def _demo_world():
    city = reviewed_city()
    city.call.title = CALL_TITLE
    city.call.save(update_fields=["title"])
    for user, name in ((city.office, "ts_office"), (city.hrss, "ts_hrss")):
        User.unscoped.filter(pk=user.pk).update(username=name)
    office = province_office()
    User.unscoped.filter(pk=office.pk).update(username="prov_office")
    return city


def test_nothing_without_the_call():
    assert seed_demo_determination() is None
    assert not Determination.unscoped.exists()


def test_nothing_while_the_review_is_open():
    city = _demo_world()
    ReviewRound.unscoped.filter(call=city.call).update(status="scoring")
    assert seed_demo_determination() is None
    assert not Determination.unscoped.exists()


def test_runs_to_a_published_arrangement_and_is_idempotent():
    city = _demo_world()
    arrangement = seed_demo_determination()
    assert arrangement.status == "published"
    assert Determination.unscoped.get(call=city.call).status == "filed"
    assert FiledProject.unscoped.count() == 2
    seed_demo_determination()
    assert FiledProject.unscoped.count() == 2
    assert AnnualArrangement.unscoped.count() == 1
