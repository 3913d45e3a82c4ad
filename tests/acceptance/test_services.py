"""Acceptance services (HB §21–23; SZ 6.5, 7.2①): who may take each step (the project's agency,
its evaluation agency, its auditor in person, its experts, the office of its level — wrong role
or other city refused with nothing changed), each deadline met and missed, the balance refused
before the opinion and after the ledger is full, a failed acceptance as an organisation event."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.acceptance import services
from apps.acceptance.models import (
    AcceptanceApplication,
    AcceptanceStatus,
    AuditOpinion,
    EvaluationReport,
    ExpertOpinion,
)
from apps.accounts.roles import Role
from apps.contracts.models import Payment
from apps.contracts.services import payment_record
from apps.deadlines.models import DeadlineStatus
from apps.deadlines.services import deadlines_mark_overdue
from apps.findings.models import Finding
from apps.jurisdictions.services import deadline_rules_load
from apps.projects.models import ParticipantRole, ProjectStage
from apps.review.models import OrganisationEvent, OrganisationEventKind
from tests.acceptance.world import apply, evaluate
from tests.factories import ParticipantFactory, ProjectFactory, ProvinceFactory, UserFactory
from tests.implementation.world import pdf

pytestmark = pytest.mark.django_db
D = datetime.date


def _stage(project):
    project.refresh_from_db()
    return project.stage


# --- applying (HB §21) ------------------------------------------------------------------------


def test_the_agency_applies_and_the_project_moves_to_acceptance(world):
    a, _b, _clock = world
    application = apply(a)
    assert application.status == AcceptanceStatus.APPLIED
    assert application.organisation == a.agency.organisation
    assert _stage(a.project) == ProjectStage.ACCEPTANCE
    with pytest.raises(ValidationError):  # one application under way
        apply(a)


@pytest.mark.parametrize("who", ["evaluator", "office", "other_city_agency"])
def test_only_the_projects_agency_applies(world, who):
    a, b, _clock = world
    user = {"evaluator": a.evaluator, "office": a.office, "other_city_agency": b.agency}[who]
    with pytest.raises(PermissionDenied):
        services.acceptance_apply(
            user=user,
            project=a.project,
            finished_on=D(2026, 11, 18),
            summary="x",
            form_file=pdf(),
        )
    assert not AcceptanceApplication.unscoped.exists()
    assert _stage(a.project) == ProjectStage.IMPLEMENTATION


def test_no_report_deadline_where_the_rules_have_none(world):
    a, _b, _clock = world
    application = apply(a, commits_report=True)
    assert services.report_deadline(application) is None


@pytest.fixture
def shenzhen(world):
    """A Shenzhen project (its own programme, root 440300: SZ 6.5's rule applies)."""
    a, _b, clock = world
    sz = ProvinceFactory(code="440300", name="深圳市", name_en="Shenzhen")
    deadline_rules_load()
    project = ProjectFactory(jurisdiction=sz, stage=ProjectStage.IMPLEMENTATION, year=2027)
    ParticipantFactory(
        project=project, role=ParticipantRole.IMPLEMENTER, organisation=a.agency.organisation
    )
    return a, project, clock


def test_report_deadline_10_working_days_met(shenzhen):
    a, project, clock = shenzhen
    application = apply(a, project, commits_report=True, finished_on=D(2026, 11, 16))
    deadline = services.report_deadline(application)
    assert deadline.rule.code == "implementation_report"
    assert deadline.owner_role == Role.IMPLEMENTER
    assert deadline.due_on == D(2026, 11, 30)  # 10 working days from Monday 16 November
    clock.set(2026, 11, 27)
    services.implementation_report_submit(
        user=a.agency, application=application, uploaded_file=pdf("report.pdf")
    )
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET and not deadline.late


def test_report_deadline_missed_raises_a_finding(shenzhen):
    a, project, _clock = shenzhen
    application = apply(a, project, commits_report=True, finished_on=D(2026, 11, 16))
    deadlines_mark_overdue(today=D(2026, 12, 1))
    deadline = services.report_deadline(application)
    assert deadline.status == DeadlineStatus.OVERDUE
    assert Finding.unscoped.filter(subject_id=deadline.pk).exists()


# --- evaluation agency, auditor, experts (HB §21) ---------------------------------------------


def test_report_and_audit_open_the_offices_two_working_days(world):
    a, _b, clock = world
    application = apply(a)
    clock.set(2026, 11, 23)  # Monday
    evaluate(a, application)
    assert application.status == AcceptanceStatus.EVALUATED
    deadline = services.opinion_deadline(application)
    assert deadline.owner_role == Role.OFFICE
    assert deadline.due_on == D(2026, 11, 25)


@pytest.mark.parametrize(
    "who", ["auditor", "agency", "office", "other_city_evaluator", "other_evaluator"]
)
def test_only_the_projects_evaluation_agency_reports(world, who):
    a, b, _clock = world
    other = UserFactory(role=Role.EVALUATOR, organisation__jurisdiction=a.city.city)
    user = {
        "auditor": a.auditor,
        "agency": a.agency,
        "office": a.office,
        "other_city_evaluator": b.evaluator,
        "other_evaluator": other,
    }[who]
    application = apply(a)
    with pytest.raises(PermissionDenied):
        services.evaluation_report_record(
            user=user, application=application, verdict="pass", summary="x", uploaded_file=pdf()
        )
    assert not EvaluationReport.objects.exists()
    application.refresh_from_db()
    assert application.status == AcceptanceStatus.APPLIED


@pytest.mark.parametrize("who", ["evaluator", "expert", "other_city_auditor"])
def test_only_the_projects_auditor_gives_the_audit_opinion(world, who):
    a, b, _clock = world
    user = {"evaluator": a.evaluator, "expert": a.expert, "other_city_auditor": b.auditor}[who]
    application = apply(a)
    with pytest.raises(PermissionDenied):
        services.audit_opinion_record(
            user=user, application=application, compliant=True, opinion="x", uploaded_file=pdf()
        )
    assert not AuditOpinion.objects.exists()


def test_without_the_audit_opinion_the_office_cannot_decide(world):
    a, _b, _clock = world
    application = apply(a)
    services.evaluation_report_record(
        user=a.evaluator, application=application, verdict="pass", summary="x", uploaded_file=pdf()
    )
    application.refresh_from_db()
    assert application.status == AcceptanceStatus.APPLIED
    assert services.opinion_deadline(application) is None
    with pytest.raises(ValidationError):
        services.acceptance_decide(user=a.office, application=application, action="accept")
    assert _stage(a.project) == ProjectStage.ACCEPTANCE


def test_experts_give_optional_opinions_once(world):
    a, b, _clock = world
    application = apply(a)
    services.expert_opinion_record(user=a.expert, application=application, opinion="课程合理")
    with pytest.raises(ValidationError):
        services.expert_opinion_record(user=a.expert, application=application, opinion="again")
    with pytest.raises(PermissionDenied):
        services.expert_opinion_record(user=b.expert, application=application, opinion="x")
    assert ExpertOpinion.objects.count() == 1


# --- the office's opinion (HB §23) -------------------------------------------------------------


def test_pass_moves_the_project_to_payment_meets_the_opinion_and_opens_the_balance(world):
    a, _b, clock = world
    application = apply(a)
    clock.set(2026, 11, 23)
    evaluate(a, application)
    clock.set(2026, 11, 24)
    services.acceptance_decide(user=a.office, application=application, action="accept")
    application.refresh_from_db()
    assert application.status == AcceptanceStatus.ACCEPTED
    assert _stage(a.project) == ProjectStage.PAYMENT
    opinion = services.opinion_deadline(application)
    assert opinion.status == DeadlineStatus.MET and not opinion.late
    balance = services.balance_deadline(application)
    assert balance.owner_role == Role.SI_AGENCY
    assert balance.due_on == D(2026, 12, 9)  # 15 days


def test_opinion_deadline_missed_then_met_late(world):
    a, _b, clock = world
    application = apply(a)
    clock.set(2026, 11, 23)
    evaluate(a, application)
    deadlines_mark_overdue(today=D(2026, 11, 26))
    opinion = services.opinion_deadline(application)
    assert opinion.status == DeadlineStatus.OVERDUE
    assert Finding.unscoped.filter(subject_id=opinion.pk, owner_role=Role.OFFICE).exists()
    clock.set(2026, 11, 27)
    services.acceptance_decide(user=a.office, application=application, action="accept")
    opinion.refresh_from_db()
    assert opinion.status == DeadlineStatus.MET and opinion.late


@pytest.mark.parametrize("who", ["member", "hrss", "other_city_office", "evaluator"])
def test_only_the_office_of_the_projects_level_decides(world, who):
    a, b, _clock = world
    user = {"member": a.member, "hrss": a.hrss, "other_city_office": b.office}.get(who, a.evaluator)
    application = evaluate(a, apply(a))
    with pytest.raises(PermissionDenied):
        services.acceptance_decide(user=user, application=application, action="accept")
    application.refresh_from_db()
    assert application.status == AcceptanceStatus.EVALUATED
    assert _stage(a.project) == ProjectStage.ACCEPTANCE
    assert services.opinion_deadline(application).status == DeadlineStatus.OPEN


def test_a_failed_evaluation_can_only_fail_and_opens_no_opinion_deadline(world):
    a, _b, _clock = world
    application = evaluate(a, apply(a), verdict="fail")
    assert application.status == AcceptanceStatus.EVALUATED_FAILED
    assert services.opinion_deadline(application) is None
    with pytest.raises(ValidationError):
        services.acceptance_decide(user=a.office, application=application, action="accept")
    with pytest.raises(ValidationError):  # the reason is required
        services.acceptance_decide(user=a.office, application=application, action="fail")
    services.acceptance_decide(
        user=a.office, application=application, action="fail", note="培训学时不足"
    )
    assert _stage(a.project) == ProjectStage.IMPLEMENTATION


def test_a_failed_acceptance_is_an_organisation_event_against_the_agency(world):
    a, _b, clock = world
    application = evaluate(a, apply(a), verdict="fail")
    clock.set(2026, 11, 25)
    services.acceptance_decide(
        user=a.office, application=application, action="fail", note="考试合格率未达标"
    )
    event = OrganisationEvent.unscoped.get()
    assert event.kind == OrganisationEventKind.FAILED_ACCEPTANCE
    assert event.organisation == a.agency.organisation
    assert event.project == a.project
    assert event.occurred_on == D(2026, 11, 25)
    assert event.evidence == application.evaluation_report.evidence
    assert "考试合格率未达标" in event.description
    # The agency goes back to implementation and applies again; the failed one is kept.
    again = apply(a)
    assert again.pk != application.pk
    assert AcceptanceApplication.unscoped.count() == 2


# --- the balance (HB §23; ledger) ------------------------------------------------------------


PAID_ON = D(2026, 11, 27)


def _balance(w, amount="150000.00", paid_on=PAID_ON, kind="balance"):
    return payment_record(
        user=w.si,
        agreement=w.agreement,
        kind=kind,
        amount=Decimal(amount),
        paid_on=paid_on,
        uploaded_file=pdf("voucher.pdf"),
    )


def _accepted(w, clock):
    application = apply(w)
    clock.set(2026, 11, 23)
    evaluate(w, application)
    clock.set(2026, 11, 24)
    services.acceptance_decide(user=w.office, application=application, action="accept")
    return application


def test_balance_refused_before_the_opinion(world):
    a, _b, _clock = world
    application = evaluate(a, apply(a))
    with pytest.raises(ValidationError):
        _balance(a)
    assert not Payment.unscoped.filter(kind="balance").exists()
    assert application.status == AcceptanceStatus.EVALUATED


def test_balance_meets_its_deadline_and_closes_the_ledger(world):
    a, _b, clock = world
    application = _accepted(a, clock)
    _balance(a, amount="100000.00", paid_on=D(2026, 11, 25))  # a part leaves the duty open
    assert services.balance_deadline(application).status == DeadlineStatus.OPEN
    _balance(a, amount="50000.00")
    a.agreement.refresh_from_db()
    assert a.agreement.paid_total == a.agreement.amount
    deadline = services.balance_deadline(application)
    assert deadline.status == DeadlineStatus.MET and not deadline.late
    assert deadline.met_at.date() == PAID_ON
    with pytest.raises(ValidationError):  # the ledger is full
        _balance(a, amount="0.01", kind="other")
    with pytest.raises(ValidationError):
        _balance(a, amount="150000.00")
    assert Payment.unscoped.filter(kind="balance").count() == 2


def test_balance_deadline_missed_then_paid_late(world, monkeypatch):
    a, _b, clock = world
    application = _accepted(a, clock)
    deadlines_mark_overdue(today=D(2026, 12, 10))
    deadline = services.balance_deadline(application)
    assert deadline.status == DeadlineStatus.OVERDUE
    assert Finding.unscoped.filter(subject_id=deadline.pk, owner_role=Role.SI_AGENCY).exists()
    # The payment service's "today" (a voucher cannot be dated in the future) is past the due date.
    monkeypatch.setattr(
        "apps.contracts.services.timezone.localdate", lambda *a, **k: D(2026, 12, 15)
    )
    _balance(a, paid_on=D(2026, 12, 14))
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET and deadline.late
