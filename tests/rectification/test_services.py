"""Rectification orders (HB §20; SZ 7.2②): who raises them, the agency's answer with evidence,
confirmation or return, closing; deadlines met and missed; escalation to the office by the
daily sweep, urging with a new day, and the SZ 7.2② event the platform derives — once — when
the urged day passes too, counted by the review's deductions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from apps.accounts.roles import Role
from apps.audit.models import AuditEntry
from apps.deadlines.models import DeadlineStatus, Notification
from apps.deadlines.services import deadlines_mark_overdue
from apps.findings.models import Finding, FindingStatus
from apps.projects.models import ProjectStage
from apps.rectification import services
from apps.rectification.models import AnswerOutcome, OrderState, RectificationOrder
from apps.review.models import OrganisationEvent, OrganisationEventKind
from apps.review.results import deductions_for
from apps.review.rubric import load_rubric
from tests.factories import UserFactory
from tests.implementation.world import pdf
from tests.rectification.world import D, answer, finding_on, issue

pytestmark = pytest.mark.django_db


def deadlines(order, code=None):
    found = services.order_deadlines(order)
    return [d for d in found if code is None or d.rule.code == code]


def refresh(order) -> RectificationOrder:
    return RectificationOrder.unscoped.get(pk=order.pk)


# --- raising ---------------------------------------------------------------------------------


def test_the_evaluation_agency_raises_an_order_the_agency_owes_by_its_day(world):
    a, _b, _clock = world
    order = issue(a, document=pdf("notice.pdf"))
    assert order.state == OrderState.ISSUED
    assert order.implementer == a.agency.organisation
    assert order.raised_by_organisation == a.evaluator.organisation
    assert order.document.title.startswith("整改意见书")
    [deadline] = deadlines(order)
    assert deadline.rule.code == "rectification"
    assert deadline.due_on == D(2026, 11, 16)  # the day the order sets, not a counted one
    assert deadline.owner_role == Role.IMPLEMENTER
    assert deadline.owner_organisation == a.agency.organisation
    assert deadline.project == a.project


def test_a_member_unit_of_the_projects_level_raises_one_too(world):
    a, _b, _clock = world
    order = issue(a, by=a.member)
    assert order.raised_by_organisation == a.member.organisation


@pytest.mark.parametrize("who", ["other_member", "other_evaluator", "agency", "office", "hrss"])
def test_nobody_else_raises_an_order(world, who):
    a, b, _clock = world
    user = {
        "other_member": b.member,
        "other_evaluator": b.evaluator,
        "agency": a.agency,
        "office": a.office,
        "hrss": a.hrss,
    }[who]
    with pytest.raises(PermissionDenied):
        issue(a, by=user)
    assert not RectificationOrder.unscoped.exists()


def test_an_order_says_what_is_wrong_and_a_day_after_today(world):
    a, _b, _clock = world
    with pytest.raises(ValidationError) as error:
        services.order_issue(
            user=a.evaluator,
            project=a.project,
            problem=" ",
            requirement="",
            clause="",
            deadline=D(2026, 11, 2),
        )
    assert set(error.value.message_dict) == {"problem", "requirement", "clause", "deadline"}
    assert "after today" in error.value.message_dict["deadline"][0]
    assert not RectificationOrder.unscoped.exists()


def test_an_order_is_raised_while_the_project_is_implemented(world):
    a, _b, _clock = world
    type(a.project).unscoped.filter(pk=a.project.pk).update(stage=ProjectStage.ACCEPTANCE)
    with pytest.raises(ValidationError, match="being implemented"):
        issue(a)


def test_the_source_finding_is_of_the_same_project(world):
    a, b, _clock = world
    with pytest.raises(ValidationError) as error:
        issue(a, finding=finding_on(b))
    assert "source_finding" in error.value.message_dict


# --- answered in time, confirmed, closed --------------------------------------------------------


def test_answered_in_time_confirmed_and_closed_resolves_its_finding(world):
    a, _b, clock = world
    finding = finding_on(a)
    order = issue(a, finding=finding)
    clock.set(D(2026, 11, 10))
    reply = answer(a, order, files=[pdf("a.pdf"), pdf("b.pdf")])
    order = refresh(order)
    assert order.state == OrderState.ANSWERED
    assert reply.files.count() == 2
    [deadline] = deadlines(order)
    assert deadline.status == DeadlineStatus.MET and not deadline.late

    services.order_confirm(user=a.evaluator, order=order, note="现场核实已整改")
    order = refresh(order)
    assert order.state == OrderState.CONFIRMED
    assert order.confirmed_by == a.evaluator
    reply.refresh_from_db()
    assert reply.outcome == AnswerOutcome.CONFIRMED
    assert Finding.unscoped.get(pk=finding.pk).status == FindingStatus.OPEN

    services.order_close(user=a.office, order=order)
    order = refresh(order)
    assert order.state == OrderState.CLOSED and order.closed_at is not None
    finding = Finding.unscoped.get(pk=finding.pk)
    assert finding.status == FindingStatus.RESOLVED
    assert f"#{order.pk}" in finding.status_note
    # Every step audited once, as a transition of the order, with its state before and after.
    steps = AuditEntry.unscoped.filter(
        object_type="rectification.RectificationOrder", object_id=str(order.pk), action="transition"
    ).order_by("id")
    assert [(e.before["state"], e.after["state"]) for e in steps] == [
        ("issued", "answered"),
        ("answered", "confirmed"),
        ("confirmed", "closed"),
    ]


def test_the_raiser_closes_a_confirmed_order_too(world):
    a, _b, _clock = world
    order = issue(a, by=a.member)
    answer(a, order)
    services.order_confirm(user=a.evaluator, order=order)
    services.order_close(user=a.member, order=order)
    assert refresh(order).state == OrderState.CLOSED


def test_only_the_projects_evaluation_agency_confirms_by_default(world):
    a, b, _clock = world
    order = issue(a, by=a.member)
    answer(a, order)
    for user in (a.member, a.agency, a.office, b.evaluator):
        with pytest.raises(PermissionDenied):
            services.order_confirm(user=user, order=refresh(order))
    assert refresh(order).state == OrderState.ANSWERED


def test_the_raiser_confirms_where_the_setting_says_so(world, settings):
    a, _b, _clock = world
    settings.WIPP_RECTIFICATION_CONFIRMER = "raiser"
    order = issue(a, by=a.member)
    answer(a, order)
    with pytest.raises(PermissionDenied):
        services.order_confirm(user=a.evaluator, order=refresh(order))
    services.order_confirm(user=a.member, order=refresh(order))
    assert refresh(order).state == OrderState.CONFIRMED


def test_only_the_agency_answers_and_with_evidence(world):
    a, b, _clock = world
    order = issue(a)
    for user in (a.evaluator, a.office, b.agency):
        with pytest.raises(PermissionDenied):
            answer(type("W", (), {"agency": user})(), order)
    with pytest.raises(ValidationError) as error:
        answer(a, order, files=[])
    assert "files" in error.value.message_dict
    order = refresh(order)
    assert order.state == OrderState.ISSUED
    assert not order.answers.exists()
    assert deadlines(order)[0].status == DeadlineStatus.OPEN


def test_another_agency_taking_part_cannot_answer_for_the_named_one(world):
    from apps.projects.models import ParticipantRole
    from tests.factories import ParticipantFactory
    from tests.scoping_world import clear_documents

    a, _b, _clock = world
    order = issue(a)
    other = UserFactory(role=Role.IMPLEMENTER, organisation__jurisdiction=a.city)
    clear_documents(other)
    ParticipantFactory(
        project=a.project, role=ParticipantRole.IMPLEMENTER, organisation=other.organisation
    )
    with pytest.raises(PermissionDenied, match="names"):
        answer(type("W", (), {"agency": other})(), order)
    assert refresh(order).state == OrderState.ISSUED


def test_returned_then_answered_again(world):
    a, _b, clock = world
    order = issue(a)
    clock.set(D(2026, 11, 5))
    first = answer(a, order)
    with pytest.raises(ValidationError):
        services.order_return(user=a.evaluator, order=refresh(order), note=" ")
    services.order_return(user=a.evaluator, order=refresh(order), note="签名仍不全")
    order = refresh(order)
    assert order.state == OrderState.RETURNED
    first.refresh_from_db()
    assert first.outcome == AnswerOutcome.RETURNED and first.decision_note == "签名仍不全"
    # The day has not passed: the agency has until that day again.
    met, reopened = deadlines(order)
    assert met.status == DeadlineStatus.MET
    assert reopened.status == DeadlineStatus.OPEN and reopened.due_on == D(2026, 11, 16)
    clock.set(D(2026, 11, 12))
    answer(a, order)
    assert refresh(order).state == OrderState.ANSWERED
    assert deadlines(order)[1].status == DeadlineStatus.MET
    services.order_confirm(user=a.evaluator, order=refresh(order))
    assert refresh(order).state == OrderState.CONFIRMED


# --- missed: escalation, urging, the SZ 7.2② event ---------------------------------------------


def test_a_missed_day_is_a_finding_and_the_sweep_escalates_to_the_office_once(world):
    a, b, clock = world
    order = issue(a)
    clock.set(D(2026, 11, 16))
    assert services.rectification_sweep(day=D(2026, 11, 16)) == {"escalated": 0, "events": 0}
    # The deadline engine's own sweep: overdue, with the finding of the missed deadline.
    [found] = deadlines_mark_overdue(today=D(2026, 11, 17))
    [deadline] = deadlines(order)
    assert deadline.status == DeadlineStatus.OVERDUE
    assert found.owner_organisation == a.agency.organisation

    clock.set(D(2026, 11, 17))
    assert services.rectification_sweep(day=D(2026, 11, 17)) == {"escalated": 1, "events": 0}
    order = refresh(order)
    assert order.state == OrderState.ESCALATED and order.escalated_at is not None
    notes = Notification.objects.filter(recipient=a.office)
    assert notes.count() == 1 and f"#{order.pk}" in notes.get().message
    assert not Notification.objects.filter(recipient=b.office).exists()
    assert services.rectification_sweep(day=D(2026, 11, 18)) == {"escalated": 0, "events": 0}
    assert Notification.objects.filter(recipient=a.office).count() == 1
    entry = AuditEntry.unscoped.get(
        object_type="rectification.RectificationOrder", object_id=str(order.pk), action="transition"
    )
    assert entry.actor_username == "rectification-sweep"
    assert "escalate" in entry.message


def test_an_answer_awaiting_confirmation_is_not_escalated(world):
    a, _b, clock = world
    order = issue(a)
    clock.set(D(2026, 11, 15))
    answer(a, order)
    assert services.rectification_sweep(day=D(2026, 11, 20))["escalated"] == 0
    # Returned after the day: nothing left to give it again, so the sweep escalates it.
    clock.set(D(2026, 11, 20))
    services.order_return(user=a.evaluator, order=refresh(order), note="未整改")
    assert len(deadlines(refresh(order))) == 1
    assert services.rectification_sweep(day=D(2026, 11, 21))["escalated"] == 1


def escalated(a, clock):
    order = issue(a)
    clock.set(D(2026, 11, 17))
    services.rectification_sweep(day=D(2026, 11, 17))
    return refresh(order)


def test_the_office_of_the_projects_level_urges_with_a_new_day(world):
    a, b, clock = world
    order = escalated(a, clock)
    for user in (b.office, a.member, a.evaluator):
        with pytest.raises(PermissionDenied):
            services.order_urge(user=user, order=order, note="限期整改", deadline=D(2026, 11, 30))
    with pytest.raises(ValidationError) as error:
        services.order_urge(user=a.office, order=order, note="", deadline=D(2026, 11, 17))
    assert set(error.value.message_dict) == {"deadline"}
    with pytest.raises(ValidationError) as error:
        services.order_urge(user=a.office, order=order, note="", deadline=D(2026, 11, 30))
    assert set(error.value.message_dict) == {"note"}
    assert refresh(order).state == OrderState.ESCALATED

    services.order_urge(user=a.office, order=order, note="限期整改", deadline=D(2026, 11, 30))
    order = refresh(order)
    assert order.state == OrderState.URGED
    assert order.urged_deadline == D(2026, 11, 30) and order.urged_by == a.office
    [urged] = deadlines(order, "rectification_urged")
    assert urged.due_on == D(2026, 11, 30) and urged.status == DeadlineStatus.OPEN
    assert urged.owner_organisation == a.agency.organisation


def test_remedied_after_urging_no_event(world):
    a, _b, clock = world
    order = escalated(a, clock)
    services.order_urge(user=a.office, order=order, note="限期整改", deadline=D(2026, 11, 30))
    clock.set(D(2026, 11, 25))
    answer(a, order)
    [urged] = deadlines(refresh(order), "rectification_urged")
    assert urged.status == DeadlineStatus.MET and not urged.late
    # The first day was missed: met late.
    [first] = deadlines(refresh(order), "rectification")
    assert first.status == DeadlineStatus.MET and first.late
    assert services.rectification_sweep(day=D(2026, 12, 5)) == {"escalated": 0, "events": 0}
    assert not OrganisationEvent.unscoped.exists()


def test_not_remedied_after_urging_is_an_sz_7_2_event_once_counted_by_the_deductions(world):
    a, _b, clock = world
    order = issue(a, document=pdf("notice.pdf"))
    clock.set(D(2026, 11, 17))
    services.rectification_sweep(day=D(2026, 11, 17))
    services.order_urge(
        user=a.office, order=refresh(order), note="限期整改", deadline=D(2026, 11, 30)
    )
    assert services.rectification_sweep(day=D(2026, 11, 30)) == {"escalated": 0, "events": 0}

    assert services.rectification_sweep(day=D(2026, 12, 1)) == {"escalated": 0, "events": 1}
    order = refresh(order)
    assert order.state == OrderState.UNREMEDIED
    event = order.event
    assert event.organisation == a.agency.organisation
    assert event.kind == OrganisationEventKind.UNREMEDIED_NONCOMPLIANCE
    assert event.occurred_on == D(2026, 12, 1)
    assert event.project == a.project
    assert event.evidence == order.document
    assert event.entry_reason == ""  # recorded by the platform, not typed in
    assert f"#{order.pk}" in event.description
    # Idempotent: later runs, and a call on the same day, record nothing more.
    assert services.rectification_sweep(day=D(2026, 12, 1)) == {"escalated": 0, "events": 0}
    assert services.rectification_sweep(day=D(2026, 12, 9)) == {"escalated": 0, "events": 0}
    assert OrganisationEvent.unscoped.count() == 1

    # What SZ 7.2 reads: the agency's events within the window, as apps.review deducts them.
    rubric = load_rubric("hebei-2027")
    reference = D(2027, 3, 1)
    events = list(OrganisationEvent.unscoped.filter(organisation=a.agency.organisation))
    deductions = deductions_for(rubric, events, reference_day=reference)
    [deduction] = [d for d in deductions if any(f"#{order.pk}" in e for e in d["events"])]
    item = next(d for d in rubric.deductions if d.code == deduction["code"])
    assert item.event == OrganisationEventKind.UNREMEDIED_NONCOMPLIANCE

    # Remedied late, the order still closes; the event stays.
    clock.set(D(2026, 12, 3))
    answer(a, order)
    services.order_confirm(user=a.evaluator, order=refresh(order))
    services.order_close(user=a.office, order=refresh(order))
    assert refresh(order).state == OrderState.CLOSED
    assert OrganisationEvent.unscoped.filter(pk=event.pk).exists()


def test_returned_after_urging_and_the_urged_day_passes_is_the_event(world):
    a, _b, clock = world
    order = escalated(a, clock)
    services.order_urge(user=a.office, order=order, note="限期整改", deadline=D(2026, 11, 30))
    clock.set(D(2026, 11, 28))
    answer(a, order)
    clock.set(D(2026, 12, 2))
    services.order_return(user=a.evaluator, order=refresh(order), note="仍未整改")
    assert services.rectification_sweep(day=D(2026, 12, 2)) == {"escalated": 0, "events": 1}
    assert refresh(order).state == OrderState.UNREMEDIED


def test_the_sweep_commits_per_order_and_resumes(world, monkeypatch):
    a, _b, clock = world
    first, second = issue(a), issue(a)
    real = services._escalate

    def failing(order, day):
        if order.pk == second.pk:
            raise RuntimeError("stopped")
        return real(order, day)

    monkeypatch.setattr(services, "_escalate", failing)
    clock.set(D(2026, 11, 17))
    with pytest.raises(RuntimeError):
        services.rectification_sweep(day=D(2026, 11, 17))
    assert refresh(first).state == OrderState.ESCALATED
    assert refresh(second).state == OrderState.ISSUED
    monkeypatch.setattr(services, "_escalate", real)
    assert services.rectification_sweep(day=D(2026, 11, 17)) == {"escalated": 1, "events": 0}
    assert refresh(second).state == OrderState.ESCALATED


def test_the_command_runs_the_sweep(world, capsys):
    a, _b, clock = world
    issue(a)
    clock.set(D(2026, 11, 17))
    call_command("rectification_sweep", "--date", "2026-11-17")
    assert "1 order(s) escalated" in capsys.readouterr().out
    call_command("rectification_sweep", "--date", "2026-11-17")
    assert "0 order(s) escalated" in capsys.readouterr().out


def test_the_platform_steps_are_never_offered_to_a_user(world):
    from apps.core.workflow import actions_available
    from apps.rectification.selectors import steps_for
    from apps.rectification.workflow import rectification_workflow

    a, _b, _clock = world
    order = issue(a)
    admin = UserFactory(is_superuser=True, role=Role.OFFICE, organisation__jurisdiction=a.city)
    offered = {
        t.action
        for t in actions_available(table=rectification_workflow(), instance=order, user=admin)
    }
    assert "escalate" in offered  # a superuser passes every row of the table…
    assert "escalate" not in {t.action for t in steps_for(user=admin, order=order)}  # …not here
