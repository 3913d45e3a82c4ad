"""Whose move it is after the award (HB §11): the winner submits its implementation plan, then
the office has 5 working days to review it. An office is not overdue on a plan it has not
received; the agency is. Fixed dates around the 2026 National Day holiday (1–7 October;
Saturday 10 October is a working day)."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from apps.deadlines.models import Deadline, DeadlineStatus
from apps.deadlines.services import deadlines_mark_overdue
from apps.procurement import services
from apps.procurement.models import Award
from tests.procurement.world import build_world, draft, pdf

pytestmark = pytest.mark.django_db

D = datetime.date
# Monday; the agency's 5 working days skip Mid-Autumn (Friday 25 September): Tuesday 29th.
AWARD = D(2026, 9, 21)


@pytest.fixture
def world():
    return build_world()


def awarded(w, *, notice_date):
    procurement = draft(w)
    services.procurement_publish(user=w.hrss, procurement=procurement, published_on=D(2026, 9, 1))
    award = services.procurement_award(
        user=w.hrss,
        procurement=procurement,
        winner=w.trainer,
        amount="468000.00",
        notice_date=notice_date,
        notice_file=pdf("notice.pdf"),
    )
    return procurement, award


def _deadlines(award, code):
    return Deadline.unscoped.filter(
        rule__code=code,
        subject_type=ContentType.objects.get_for_model(Award),
        subject_id=award.pk,
    ).order_by("pk")


def test_after_the_award_the_agency_owes_the_plan_and_the_office_owes_nothing(world):
    a, _ = world
    _procurement, award = awarded(a, notice_date=AWARD)
    submission = _deadlines(award, "plan_submission").get()
    assert (submission.owner_role, submission.owner_organisation) == ("implementer", a.trainer)
    assert submission.due_on == D(2026, 9, 29)
    deadlines_mark_overdue(today=D(2026, 10, 9))
    submission.refresh_from_db()
    assert submission.status == DeadlineStatus.OVERDUE
    assert not Deadline.unscoped.filter(owner_role="office", project=a.project).exists()


def test_the_office_review_runs_from_the_submission_over_the_national_day_holiday(world):
    a, _ = world
    _procurement, award = awarded(a, notice_date=AWARD)
    services.plan_submit(
        user=a.implementer, award=award, uploaded_file=pdf(), submitted_on=D(2026, 9, 30)
    )
    review = _deadlines(award, "plan_review").get()
    assert (review.owner_role, review.owner_organisation) == ("office", a.office.organisation)
    assert review.starts_on == D(2026, 9, 30)
    # Working days after Wednesday 30 September: 8, 9, 10 (Saturday, 调休), 12, 13 October.
    assert review.due_on == D(2026, 10, 13)
    deadlines_mark_overdue(today=D(2026, 10, 12))
    review.refresh_from_db()
    assert review.status == DeadlineStatus.OPEN


def test_a_late_submission_is_the_agencys_finding_not_the_offices(world):
    a, _ = world
    _procurement, award = awarded(a, notice_date=AWARD)
    services.plan_submit(
        user=a.implementer, award=award, uploaded_file=pdf(), submitted_on=D(2026, 9, 30)
    )
    submission = _deadlines(award, "plan_submission").get()
    assert submission.status == DeadlineStatus.MET and submission.late is True
    assert submission.finding.owner_role == "implementer"
    assert submission.finding.owner_organisation == a.implementer.organisation


def test_a_returned_plan_puts_the_agency_back_on_the_clock(world):
    a, _ = world
    _procurement, award = awarded(a, notice_date=AWARD)
    plan = services.plan_submit(
        user=a.implementer, award=award, uploaded_file=pdf(), submitted_on=D(2026, 9, 22)
    )
    services.plan_review(
        user=a.office, plan=plan, approve=False, note="培训场次不具体", reviewed_on=D(2026, 9, 24)
    )
    review = _deadlines(award, "plan_review").get()
    assert review.status == DeadlineStatus.MET and review.late is False
    resubmission = _deadlines(award, "plan_submission").last()
    assert resubmission.status == DeadlineStatus.OPEN
    assert resubmission.starts_on == D(2026, 9, 24)
    assert resubmission.owner_organisation == a.trainer
