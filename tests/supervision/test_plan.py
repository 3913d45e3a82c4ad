"""The supervision-evaluation plan (HB §18): the agency submits, the office of the project's
level approves or returns it within the platform's review deadline (5 working days), met, met
late or missed (then a finding through the deadline sweep)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.audit.models import AuditEntry
from apps.deadlines.models import DeadlineStatus
from apps.deadlines.services import deadlines_mark_overdue
from apps.findings.models import Finding
from apps.supervision import services
from apps.supervision.models import PlanStatus, SupervisionPlan

from .world import evaluator_of, pdf

pytestmark = pytest.mark.django_db


def _submitted(w, clock):
    plan = services.plan_save(
        user=w.evaluator,
        project=w.project,
        summary="每月现场勘查一次，问卷两次",
        uploaded_file=pdf(),
    )
    clock.set(2026, 11, 20)  # a Friday
    return services.plan_submit(user=w.evaluator, plan=plan)


def test_submission_opens_the_offices_five_working_days(world):
    a, _b, clock = world
    plan = _submitted(a, clock)
    assert plan.status == PlanStatus.SUBMITTED and plan.submitted_on == datetime.date(2026, 11, 20)
    deadline = services.plan_deadline(plan)
    assert deadline.rule.code == "supervision_plan_review" and deadline.owner_role == "office"
    assert deadline.due_on == datetime.date(2026, 11, 27)  # Mon–Fri of the next week
    assert AuditEntry.unscoped.filter(
        object_type="supervision.SupervisionPlan", action="transition"
    ).exists()


def test_approved_within_the_deadline_is_met_on_time(world):
    a, _b, clock = world
    plan = _submitted(a, clock)
    clock.set(2026, 11, 26)
    services.plan_review(user=a.office, plan=plan, action="approve")
    plan.refresh_from_db()
    deadline = services.plan_deadline(plan)
    assert plan.status == PlanStatus.APPROVED and plan.reviewed_by == a.office
    assert (deadline.status, deadline.late) == (DeadlineStatus.MET, False)


def test_approved_after_the_deadline_is_met_late(world):
    a, _b, clock = world
    plan = _submitted(a, clock)
    clock.set(2026, 12, 1)
    services.plan_review(user=a.office, plan=plan, action="approve")
    deadline = services.plan_deadline(plan)
    assert (deadline.status, deadline.late) == (DeadlineStatus.MET, True)


def test_a_missed_review_raises_a_finding_for_the_office(world):
    a, _b, clock = world
    plan = _submitted(a, clock)
    findings = deadlines_mark_overdue(today=datetime.date(2026, 11, 28))
    deadline = services.plan_deadline(plan)
    assert deadline.status == DeadlineStatus.OVERDUE
    assert [f.subject for f in findings] == [deadline]
    finding = Finding.unscoped.get(subject_id=deadline.pk, rule_code="deadline_missed")
    assert finding.owner_role == "office" and "HB §18" in finding.citation


def test_return_needs_a_reason_and_the_revised_plan_is_submitted_again(world):
    a, _b, clock = world
    plan = _submitted(a, clock)
    with pytest.raises(ValidationError, match="reason"):
        services.plan_review(user=a.office, plan=plan, action="return", note=" ")
    services.plan_review(user=a.office, plan=plan, action="return", note="缺少问卷调查安排")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    assert services.plan_deadline(plan).status == DeadlineStatus.MET
    services.plan_save(user=a.evaluator, project=a.project, summary="补充问卷", uploaded_file=pdf())
    services.plan_submit(user=a.evaluator, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert services.plan_deadline(plan).status == DeadlineStatus.OPEN


def test_a_submitted_plan_cannot_be_replaced(world):
    a, _b, clock = world
    _submitted(a, clock)
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.plan_save(user=a.evaluator, project=a.project, summary="x", uploaded_file=pdf())


def test_only_the_office_of_the_projects_level_reviews(world):
    a, b, clock = world
    plan = _submitted(a, clock)
    for user in (b.office, a.member, a.evaluator):
        with pytest.raises(PermissionDenied):
            services.plan_review(user=user, plan=plan, action="approve")
    assert SupervisionPlan.unscoped.get(pk=plan.pk).status == PlanStatus.SUBMITTED


def test_the_agency_of_another_project_and_an_evaluator_without_a_commitment_letter_are_refused(
    world,
):
    a, b, _clock = world
    with pytest.raises(PermissionDenied, match="evaluation agency"):
        services.plan_save(user=b.evaluator, project=a.project, summary="x", uploaded_file=pdf())
    uncommitted = evaluator_of(a.evaluator.organisation, commitment=False)
    with pytest.raises(PermissionDenied, match="commitment letter"):
        services.plan_save(user=uncommitted, project=a.project, summary="x", uploaded_file=pdf())
    assert not SupervisionPlan.unscoped.exists()
