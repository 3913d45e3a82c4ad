"""Two people press the same button on money or on a decision at the same moment (issue 12
item 10; 等保 GB/T 22239-2019 8.1.4.7 data integrity; OWASP ASVS 5.0 2.3.3 transactions at the
business-logic level, 2.3.4 business-logic locking so a limited resource cannot be used twice,
15.4.2 no time-of-check/time-of-use gap).

Each test releases two threads together (a barrier) on one record and checks that exactly one
changes it and the other is refused with a clear message: one row, one audit entry, the money
total as one payment left it. What each relies on is a row lock taken inside the transaction and
the state re-read under it (`select_for_update` in the service, or the workflow executor
`apps.core.workflow.transition_apply`). Real concurrency needs PostgreSQL's row locks (SQLite
runs one writer at a time), so the races are skipped there; the one-transaction test runs on
both."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import translation

from apps.audit.models import AuditEntry
from apps.contracts import services as contract_services
from apps.contracts.models import Payment, PaymentKind, ServiceAgreement
from apps.deadlines.calendar import clear_calendar_cache
from apps.deadlines.models import Deadline
from apps.findings.models import Finding, FindingEvent, FindingStatus
from apps.findings.services import finding_act, finding_raise
from apps.procurement import services as procurement_services
from apps.procurement.models import (
    Award,
    ImplementationPlan,
    PlanStatus,
    Procurement,
    ProcurementStatus,
)
from apps.procurement.services import AGREEMENT_RULE
from apps.procurement.services import award as award_services
from apps.projects.models import Project, ProjectParticipant, ProjectStage
from apps.qualifications.models import QualificationCheckRecord
from tests.procurement.world import (
    NOTICE,
    SIGNED,
    SUBMITTED,
    awarded,
    build_world,
    contracted,
    pdf,
    published,
)

pytestmark = pytest.mark.django_db(transaction=True)
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
)


@pytest.fixture(autouse=True)
def _english_and_fresh_calendar():
    clear_calendar_cache()
    with translation.override("en"):
        yield
    clear_calendar_cache()


def _race(*actions):
    """Runs each action in its own thread, all released together; returns (successes,
    refusals). Anything other than a ValidationError (an IntegrityError from a constraint the
    lock should have made unreachable, say) fails the test with that error."""
    barrier = threading.Barrier(len(actions))
    outcomes, errors = [], []

    def run(action):
        try:
            with translation.override("en"):
                barrier.wait()
                outcomes.append(("done", action()))
        except ValidationError as error:
            outcomes.append(("refused", error))
        except Exception as error:  # reported below: the test fails with it
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, f"a racing request failed with {errors!r}"
    done = [value for kind, value in outcomes if kind == "done"]
    refused = [value for kind, value in outcomes if kind == "refused"]
    return done, refused


def _messages(refusals) -> str:
    return " ".join(" ".join(error.messages) for error in refusals)


def _entries(model, pk, action, message_start="") -> int:
    entries = AuditEntry.unscoped.filter(
        action=action, object_type=model._meta.label, object_id=str(pk)
    )
    if message_start:
        entries = entries.filter(message__startswith=message_start)
    return entries.count()


def _payment_entries(agreement) -> int:
    ids = [
        str(pk) for pk in Payment.unscoped.filter(agreement=agreement).values_list("pk", flat=True)
    ]
    return AuditEntry.unscoped.filter(
        action="create", object_type=Payment._meta.label, object_id__in=ids
    ).count()


# --- money: the payment ledger of one service agreement (HB §11) -------------------------------


def _pay(w, agreement_pk, kind, amount):
    """One request: its own copy of the agreement, as a view would load it."""
    return lambda: contract_services.payment_record(
        user=w.si_agency,
        agreement=ServiceAgreement.unscoped.get(pk=agreement_pk),
        kind=kind,
        amount=amount,
        paid_on=SIGNED,
        uploaded_file=pdf("voucher.pdf"),
    )


@postgresql_only
def test_dengbao_8_1_4_7_asvs_2_3_4_two_simultaneous_advances_record_one():
    """The advance (exactly 50 %) is paid once: two clerks recording it at the same moment give
    one advance row, `paid_total` equal to it, and a refusal naming the recorded advance."""
    a, _b = build_world()
    _procurement, _award, agreement = contracted(a)
    due = contract_services.advance_due(agreement)

    done, refused = _race(
        _pay(a, agreement.pk, PaymentKind.ADVANCE, str(due)),
        _pay(a, agreement.pk, PaymentKind.ADVANCE, str(due)),
    )

    assert (len(done), len(refused)) == (1, 1)
    assert "The advance is already recorded." in _messages(refused)
    agreement.refresh_from_db()
    assert agreement.paid_total == due == Decimal("234000.00")
    payments = Payment.unscoped.filter(agreement=agreement)
    assert [(p.kind, p.amount) for p in payments] == [(PaymentKind.ADVANCE, due)]
    assert _payment_entries(agreement) == 1


@postgresql_only
def test_dengbao_8_1_4_7_asvs_2_3_4_two_balance_payments_never_exceed_the_contract():
    """After the advance and the acceptance, 234,000.00 remain; two payments of 150,000.00 each
    arrive together (300,000.00 in all). One is recorded, the other refused with what remains:
    the ledger and `paid_total` agree and stay within the contract amount — no lost update of
    the total."""
    a, _b = build_world()
    _procurement, _award, agreement = contracted(a)
    due = contract_services.advance_due(agreement)
    _pay(a, agreement.pk, PaymentKind.ADVANCE, str(due))()
    # The office's "accept" row (HB §23) has moved the project on to the balance payment.
    Project.unscoped.filter(pk=agreement.project_id).update(stage=ProjectStage.PAYMENT)

    done, refused = _race(
        _pay(a, agreement.pk, PaymentKind.BALANCE, "150000.00"),
        _pay(a, agreement.pk, PaymentKind.BALANCE, "150000.00"),
    )

    assert (len(done), len(refused)) == (1, 1)
    assert "would exceed the contract amount" in _messages(refused)
    assert "84000.00 remain unpaid" in _messages(refused)
    agreement.refresh_from_db()
    rows = list(Payment.unscoped.filter(agreement=agreement).values_list("amount", flat=True))
    assert sorted(rows) == [Decimal("150000.00"), due]
    assert agreement.paid_total == sum(rows) == Decimal("384000.00")
    assert agreement.paid_total <= agreement.amount
    assert _payment_entries(agreement) == 2


def test_asvs_2_3_3_a_payment_is_one_transaction(monkeypatch):
    """A payment is written whole or not at all (ASVS 5.0 2.3.3): a failure after its row is
    saved (here: recording the voucher on the procurement) leaves no row and `paid_total`
    unchanged — `payment_record` is its own transaction, whoever calls it (a request, the
    seed, a task). Runs on SQLite too."""
    a, _b = build_world()
    _procurement, _award, agreement = contracted(a)

    def broken(**kwargs):
        raise RuntimeError("voucher store down")

    monkeypatch.setattr(contract_services, "procurement_document_record", broken)
    with pytest.raises(RuntimeError):
        _pay(a, agreement.pk, PaymentKind.ADVANCE, str(contract_services.advance_due(agreement)))()
    agreement.refresh_from_db()
    assert agreement.paid_total == 0
    assert not Payment.unscoped.filter(agreement=agreement).exists()


# --- the award of one procurement (HB §9–10) ---------------------------------------------------


@postgresql_only
def test_dengbao_8_1_4_7_asvs_2_3_4_two_simultaneous_awards_of_one_procurement_award_once(
    monkeypatch,
):
    """Two awards of one published procurement at the same moment: one award, one award notice
    recorded, one winner participant, one plan-submission deadline, one `award` transition; the
    other is refused. The qualification check (HB §10) is deliberately outside the award's
    transaction so that its record survives a refusal: each request that reached it keeps its
    record, and the award points at one of them."""
    a, _b = build_world()
    procurement = published(a)
    # The worst interleaving, made certain: both requests have passed the unlocked checks and
    # kept their qualification records before either writes (what a slow check allows).
    checked = threading.Barrier(2)
    write = award_services._award_write

    def write_when_both_checked(**kwargs):
        checked.wait(timeout=30)
        return write(**kwargs)

    monkeypatch.setattr(award_services, "_award_write", write_when_both_checked)

    def award():
        return procurement_services.procurement_award(
            user=a.hrss,
            procurement=Procurement.unscoped.get(pk=procurement.pk),
            winner=a.trainer,
            amount="468000.00",
            notice_date=NOTICE,
            notice_file=pdf("notice.pdf"),
        )

    done, refused = _race(award, award)

    assert (len(done), len(refused)) == (1, 1)
    assert "is not possible while the status is" in _messages(refused)
    procurement.refresh_from_db()
    assert procurement.status == ProcurementStatus.AWARDED
    awards = list(Award.unscoped.filter(procurement=procurement))
    assert [x.pk for x in awards] == [done[0].pk]
    assert _entries(Procurement, procurement.pk, "transition", "award") == 1
    assert _entries(Award, done[0].pk, "create") == 1
    assert (
        ProjectParticipant._base_manager.filter(project=a.project, organisation=a.trainer).count()
        == 1
    )
    assert Deadline.unscoped.filter(subject_id=done[0].pk).count() == 1
    checks = QualificationCheckRecord.unscoped.filter(organisation=a.trainer)
    assert checks.count() == 2  # both requests' checks are kept, passed
    assert awards[0].qualification_record_id in set(checks.values_list("pk", flat=True))


# --- the office's review of the implementation plan (HB §11) -----------------------------------


@postgresql_only
def test_dengbao_8_1_4_7_asvs_2_3_3_two_simultaneous_plan_reviews_decide_once():
    """The office approves and returns the same plan at the same moment (two staff, two tabs):
    one decision stands with its own note, the other is refused and leaves nothing behind — not
    its reviewer, date or note on the plan, not its deadline."""
    a, _b = build_world()
    _procurement, award = awarded(a)
    plan = procurement_services.plan_submit(
        user=a.implementer, award=award, uploaded_file=pdf("plan.pdf"), submitted_on=SUBMITTED
    )

    def review(approve, note):
        return lambda: procurement_services.plan_review(
            user=a.office,
            plan=ImplementationPlan._base_manager.get(pk=plan.pk),
            approve=approve,
            note=note,
        )

    done, refused = _race(review(True, "同意实施"), review(False, "请补充师资"))

    assert (len(done), len(refused)) == (1, 1)
    assert "is not possible while the status is" in _messages(refused)
    plan.refresh_from_db()
    winner = done[0]
    assert plan.status == winner.status in (PlanStatus.APPROVED, PlanStatus.RETURNED)
    assert plan.review_note == ("同意实施" if plan.status == PlanStatus.APPROVED else "请补充师资")
    steps = AuditEntry.unscoped.filter(
        action="transition", object_type=ImplementationPlan._meta.label, object_id=str(plan.pk)
    )
    assert steps.count() == 1
    agreement_deadlines = Deadline.unscoped.filter(rule__code=AGREEMENT_RULE, subject_id=award.pk)
    assert agreement_deadlines.count() == (1 if plan.status == PlanStatus.APPROVED else 0)


@postgresql_only
def test_dengbao_8_1_4_7_two_simultaneous_approvals_of_one_plan_approve_once():
    """The same office user double-submits the approval: one approval, one audit entry, one
    agreement deadline (the social-insurance agency's 15 days)."""
    a, _b = build_world()
    _procurement, award = awarded(a)
    plan = procurement_services.plan_submit(
        user=a.implementer, award=award, uploaded_file=pdf("plan.pdf"), submitted_on=SUBMITTED
    )

    def approve():
        return procurement_services.plan_review(
            user=a.office, plan=ImplementationPlan._base_manager.get(pk=plan.pk), approve=True
        )

    done, refused = _race(approve, approve)

    assert (len(done), len(refused)) == (1, 1)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert _entries(ImplementationPlan, plan.pk, "transition", "approve") == 1
    assert Deadline.unscoped.filter(rule__code=AGREEMENT_RULE, subject_id=award.pk).count() == 1


# --- findings: answered by whom it concerns, closed by the office (SPEC §5) --------------------


def _finding(w):
    ProjectParticipant._base_manager.get_or_create(
        project=w.project, role="implementer", organisation=w.trainer
    )
    return finding_raise(
        rule_code="test_race",
        citation="HB §14",
        severity="major",
        subject=w.project,
        message="月度进度未按时上传",
        owner_role="implementer",
        owner_organisation=w.trainer,
    )


def _act(user, finding_pk, action, note):
    return lambda: finding_act(
        user=user, finding=Finding.unscoped.get(pk=finding_pk), action=action, note=note
    )


@postgresql_only
def test_dengbao_8_1_4_7_asvs_2_3_4_two_simultaneous_answers_to_one_finding_answer_once():
    """The agency answers one finding twice at the same moment: one answer in the history,
    one transition in the audit log, the finding's note the answer that won."""
    a, _b = build_world()
    finding = _finding(a)

    done, refused = _race(
        _act(a.implementer, finding.pk, "answer", "已补交（一）"),
        _act(a.implementer, finding.pk, "answer", "已补交（二）"),
    )

    assert (len(done), len(refused)) == (1, 1)
    assert "is not possible while the status is" in _messages(refused)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ANSWERED
    answers = FindingEvent._base_manager.filter(finding=finding, action="answer")
    assert [e.note for e in answers] == [finding.status_note]
    assert _entries(Finding, finding.pk, "transition", "answer") == 1


@postgresql_only
def test_dengbao_8_1_4_7_asvs_2_3_3_resolve_and_dismiss_of_one_finding_close_it_once():
    """Two office staff close one answered finding at the same moment, one resolving and one
    dismissing it: one closing, one event, one audit entry."""
    a, _b = build_world()
    finding = _finding(a)
    finding_act(user=a.implementer, finding=finding, action="answer", note="已补交")

    done, refused = _race(
        _act(a.office, finding.pk, "resolve", "核实无误"),
        _act(a.office, finding.pk, "dismiss", "不构成问题"),
    )

    assert (len(done), len(refused)) == (1, 1)
    finding.refresh_from_db()
    assert finding.status in (FindingStatus.RESOLVED, FindingStatus.DISMISSED)
    closings = FindingEvent._base_manager.filter(finding=finding, action__in=("resolve", "dismiss"))
    assert closings.count() == 1
    assert closings.get().status_after == finding.status
    steps = AuditEntry.unscoped.filter(
        action="transition", object_type=Finding._meta.label, object_id=str(finding.pk)
    )
    assert steps.count() == 2  # the answer and one closing
