import pytest

from apps.jurisdictions.models import DeadlineRule, Jurisdiction
from apps.jurisdictions.services import deadline_rules_load, jurisdictions_load

pytestmark = pytest.mark.django_db


def test_region_tree_has_hebei_with_fourteen_cities_and_shenzhen_apart():
    jurisdictions_load()
    hebei = Jurisdiction.objects.get(code="130000")
    cities = set(hebei.children.values_list("name", flat=True))
    assert len(cities) == 14
    assert {"雄安新区", "定州市", "辛集市", "石家庄市"} <= cities
    shenzhen = Jurisdiction.objects.get(code="440300")
    assert shenzhen.parent is None
    assert Jurisdiction.objects.get(code="130100").path == "130000/130100/"


def test_loading_twice_changes_nothing():
    jurisdictions_load()
    count = Jurisdiction.objects.count()
    jurisdictions_load()
    assert Jurisdiction.objects.count() == count


def test_deadline_rules_are_data_and_shenzhen_has_its_report_rule():
    jurisdictions_load()
    deadline_rules_load()
    plan_review = DeadlineRule.objects.get(jurisdiction__code="130100", code="plan_review")
    assert (plan_review.days, plan_review.unit) == (5, "working")
    assert DeadlineRule.objects.filter(
        jurisdiction__code="440300", code="implementation_report"
    ).exists()
    assert not DeadlineRule.objects.filter(
        jurisdiction__code="130100", code="implementation_report"
    ).exists()
