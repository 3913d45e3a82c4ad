import datetime

import pytest

from apps.accounts.roles import Role
from apps.deadlines.demo import demo_deadlines
from apps.deadlines.models import Deadline, DeadlineFinding, DeadlineStatus, Notification
from tests.deadlines.factories import region_with_rules
from tests.factories import OrganisationFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sjz():
    region = region_with_rules()
    for code in ("HB-SJZ-2027-001", "HB-SJZ-2027-002"):
        ProjectFactory(code=code, jurisdiction=region.sjz)
    office = OrganisationFactory(kind="government_office", jurisdiction=region.sjz)
    UserFactory(role=Role.OFFICE, organisation=office, username="sjz_office")
    return office


def test_demo_has_an_open_and_an_overdue_plan_review_and_runs_twice(sjz):
    today = datetime.date(2026, 11, 23)
    demo_deadlines(office=sjz, today=today)
    demo_deadlines(office=sjz, today=today)
    statuses = dict(Deadline.unscoped.values_list("project__code", "status"))
    assert statuses == {
        "HB-SJZ-2027-002": DeadlineStatus.OPEN,
        "HB-SJZ-2027-001": DeadlineStatus.OVERDUE,
    }
    assert DeadlineFinding.unscoped.get().deadline.project.code == "HB-SJZ-2027-001"
    # The open one is due on Friday 27 November, beyond the reminder window.
    reminders = Notification.objects.filter(recipient__username="sjz_office")
    assert list(reminders.values_list("kind", flat=True)) == ["overdue"]


def test_demo_invents_no_holidays_for_an_uncovered_year(sjz):
    demo_deadlines(office=sjz, today=datetime.date(2026, 12, 30))
    # Five working days after 29 December 2026 reach into 2027: that one is left out.
    assert list(Deadline.unscoped.values_list("project__code", flat=True)) == ["HB-SJZ-2027-001"]
