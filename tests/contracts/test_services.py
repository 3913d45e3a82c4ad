"""Contract services end to end: the service agreement after the plan approval, within the
winning bid; the payment ledger (advance exactly 50 %, nothing above the contract amount, a
voucher for every payment); the HB §11 15-day duty and the move to implementation."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from apps.contracts import services
from apps.contracts.models import Payment, ServiceAgreement
from apps.deadlines.models import Deadline, DeadlineStatus
from apps.projects.models import ProjectStage
from tests.procurement.world import SIGNED, approved, awarded, build_world, contracted, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _deadline(award, code):
    return Deadline.unscoped.get(rule__code=code, subject_type__model="award", subject_id=award.pk)


# --- agreement -------------------------------------------------------------------------------


def test_no_agreement_before_plan_approval(world):
    a, _ = world
    _procurement, award = awarded(a)
    with pytest.raises(ValidationError):
        services.agreement_record(
            user=a.si_agency,
            award=award,
            amount="468000.00",
            starts_on=SIGNED,
            ends_on=SIGNED,
            signed_on=SIGNED,
            uploaded_file=pdf(),
        )


# --- payments --------------------------------------------------------------------------------


def _pay(w, agreement, kind, amount, paid_on=SIGNED, file=True):
    return services.payment_record(
        user=w.si_agency,
        agreement=agreement,
        kind=kind,
        amount=amount,
        paid_on=paid_on,
        uploaded_file=pdf("voucher.pdf") if file else None,
    )


@pytest.mark.parametrize("amount", ["233999.99", "234000.01", "233953.20"])
def test_the_advance_is_exactly_half(world, amount):
    a, _ = world
    _p, _a, agreement = contracted(a, amount="468000.00")
    with pytest.raises(ValidationError) as error:
        _pay(a, agreement, "advance", amount)
    assert "50 %" in error.value.message_dict["amount"][0]
    assert not Payment.unscoped.exists()
    _pay(a, agreement, "advance", "234000.00")
    agreement.refresh_from_db()
    assert agreement.paid_total == Decimal("234000.00")


def test_the_advance_of_an_odd_amount_is_rounded_to_the_cent(world):
    a, _ = world
    _p, _a, agreement = contracted(a, amount="100000.01")
    assert services.advance_due(agreement) == Decimal("50000.01")


def _accepted(agreement):
    """The office's "accept" row (HB §23) has moved the project to the payment stage."""
    from apps.projects.models import Project

    Project.unscoped.filter(pk=agreement.project_id).update(stage=ProjectStage.PAYMENT)
    agreement.project.refresh_from_db()


def test_overpayment_is_refused(world):
    a, _ = world
    _p, _a, agreement = contracted(a, amount="468000.00")
    _pay(a, agreement, "advance", "234000.00")
    _accepted(agreement)
    with pytest.raises(ValidationError) as error:
        _pay(a, agreement, "balance", "234000.01")
    assert "234000.00" in error.value.message_dict["amount"][0]
    _pay(a, agreement, "balance", "234000.00")
    with pytest.raises(ValidationError):
        _pay(a, agreement, "other", "0.01")
    agreement.refresh_from_db()
    assert agreement.paid_total == agreement.amount


def test_the_database_refuses_a_total_above_the_contract(world):
    a, _ = world
    _p, _a, agreement = contracted(a)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceAgreement.unscoped.filter(pk=agreement.pk).update(paid_total=Decimal("468000.01"))


def test_a_payment_without_its_voucher_is_refused(world):
    a, _ = world
    _p, _a, agreement = contracted(a)
    with pytest.raises(ValidationError) as error:
        _pay(a, agreement, "advance", "234000.00", file=False)
    assert "file" in error.value.message_dict
    assert not Payment.unscoped.exists()
    agreement.refresh_from_db()
    assert agreement.paid_total == 0


def test_balance_before_advance_is_refused(world):
    a, _ = world
    _p, _a, agreement = contracted(a)
    with pytest.raises(ValidationError):
        _pay(a, agreement, "balance", "1000.00")


def test_agreement_and_advance_on_time_move_the_project_to_implementation(world):
    a, _ = world
    _p, award, agreement = contracted(a)
    a.project.refresh_from_db()
    assert a.project.stage == ProjectStage.CONTRACT
    _pay(a, agreement, "advance", "234000.00", paid_on=datetime.date(2026, 11, 12))
    deadline = _deadline(award, "agreement_and_advance")
    assert deadline.status == DeadlineStatus.MET and deadline.late is False
    assert timezone.localdate(deadline.met_at) == datetime.date(2026, 11, 12)
    a.project.refresh_from_db()
    assert a.project.stage == ProjectStage.IMPLEMENTATION


def test_a_late_advance_is_recorded_and_the_deadline_met_late_with_a_finding(world):
    a, _ = world
    _p, award, agreement = contracted(a)
    # Approved 2026-11-05: due 2026-11-20; paid on the 21st.
    _pay(a, agreement, "advance", "234000.00", paid_on=datetime.date(2026, 11, 21))
    assert Payment.unscoped.filter(agreement=agreement).count() == 1
    deadline = _deadline(award, "agreement_and_advance")
    assert deadline.status == DeadlineStatus.MET and deadline.late is True
    assert deadline.findings.exists()


def test_a_contract_above_the_winning_bid_is_refused(world):
    a, _ = world
    _procurement, award = approved(a)
    with pytest.raises(ValidationError) as error:
        services.agreement_record(
            user=a.si_agency,
            award=award,
            amount="468000.01",
            starts_on=SIGNED,
            ends_on=SIGNED,
            signed_on=SIGNED,
            uploaded_file=pdf(),
        )
    assert "amount" in error.value.message_dict


# --- balance after acceptance (HB §23) ---------------------------------------------------------


@pytest.mark.parametrize("kind", ["balance", "other"])
def test_no_balance_or_other_payment_before_the_acceptance_opinion(world, kind):
    """HB §23: 收到项目验收合格意见后 … 支付尾款 — refused while the project is implemented."""
    a, _ = world
    _p, _a, agreement = contracted(a)
    _pay(a, agreement, "advance", "234000.00")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        _pay(a, agreement, kind, "1000.00")
    assert "follow the acceptance opinion (HB §23)" in error.value.message_dict["kind"][0]
    assert Payment.unscoped.filter(agreement=agreement).count() == 1


def test_the_balance_is_paid_once_the_project_passed_acceptance(world):
    a, _ = world
    _p, _a, agreement = contracted(a)
    _pay(a, agreement, "advance", "234000.00")
    _accepted(agreement)
    _pay(a, agreement, "balance", "234000.00")
    agreement.refresh_from_db()
    assert agreement.unpaid == 0
