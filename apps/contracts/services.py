"""Writes of the contract (HB §11): the service agreement the social-insurance agency signs
with the winner once the office approved the implementation plan, and the payment ledger (the
advance of exactly 50 %, later payments never above the contract amount).

Signing the agreement and paying the advance within 15 days is one duty (the deadline
AGREEMENT_RULE, opened by the plan approval in apps.procurement.services): once both are
recorded it is met, on the later of the two dates, and the projects move on to implementation
("start", through apps.projects.services.projects_stage_advance).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.core.levels import level_require
from apps.core.money import yuan
from apps.procurement.models import Award, DocumentKind
from apps.procurement.services import (
    AGREEMENT_RULE,
    approved_plan,
    award_deadline_meet,
    positive_amount,
    procurement_document_record,
    procurement_evidence_upload,
    procurement_projects_advance,
)
from apps.projects.models import ProjectStage

from .models import Payment, PaymentKind, ServiceAgreement

ADVANCE_SHARE = Decimal("0.5")


def _require_si_agency(user, jurisdiction) -> None:
    """Signing and paying is the social-insurance agency's, of the contract's own level."""
    level_require(
        user,
        roles={Role.SI_AGENCY},
        jurisdiction=jurisdiction,
        message=_("Only the social-insurance agency of this jurisdiction signs and pays (HB §11)."),
    )


@transaction.atomic
def agreement_record(
    *,
    user,
    award: Award,
    amount,
    starts_on: datetime.date,
    ends_on: datetime.date,
    signed_on: datetime.date,
    uploaded_file,
    number: str = "",
) -> ServiceAgreement:
    """The service agreement the social-insurance agency signed with the winner (HB §11),
    once it has the award notice and the plan approval."""
    _require_si_agency(user, award.jurisdiction)
    award = Award.unscoped.select_for_update().get(pk=award.pk)
    if ServiceAgreement.unscoped.filter(award=award).exists():
        raise ValidationError(_("The service agreement is already recorded."))
    plan = approved_plan(award)
    if plan is None:
        raise ValidationError(
            _("The agreement is signed after the office approved the implementation plan.")
        )
    amount = positive_amount(amount, field="amount")
    errors = {}
    if amount > award.amount:
        errors["amount"] = _("The contract amount exceeds the winning bid of %(amount)s.") % {
            "amount": award.amount
        }
    today = timezone.localdate()
    if signed_on is None:
        errors["signed_on"] = _("Give the date the agreement was signed.")
    elif signed_on > today:
        errors["signed_on"] = _("This date is in the future.")
    elif signed_on < max(award.notice_date, plan.reviewed_on):
        errors["signed_on"] = _(
            "The agreement is signed after the award notice and the plan approval (%(date)s)."
        ) % {"date": max(award.notice_date, plan.reviewed_on).isoformat()}
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The service cannot end before it starts.")
    if uploaded_file is None:
        errors["file"] = _("Attach the signed agreement.")
    if errors:
        raise ValidationError(errors)
    procurement = award.procurement
    document = procurement_evidence_upload(
        user=user,
        procurement=procurement,
        uploaded_file=uploaded_file,
        title=f"{DocumentKind.SERVICE_AGREEMENT.label} · {procurement.title}",
    )
    agreement = ServiceAgreement(
        award=award,
        jurisdiction=award.jurisdiction,
        project=award.project,
        lot=award.lot,
        number=(number or "").strip(),
        amount=amount,
        starts_on=starts_on,
        ends_on=ends_on,
        signed_on=signed_on,
        party_a=user.organisation if user.organisation_id else procurement.procuring_authority,
        party_b=award.winner,
        document=document,
        recorded_by=user,
    )
    agreement.full_clean()
    agreement.save()
    procurement_document_record(
        procurement=procurement,
        kind=DocumentKind.SERVICE_AGREEMENT,
        evidence=document,
        user=user,
    )
    _complete_contract_if_done(agreement, user=user)
    return agreement


def advance_due(agreement: ServiceAgreement) -> Decimal:
    """The advance is exactly half the contract amount (HB §11), in cents rounded half up."""
    return yuan(agreement.amount * ADVANCE_SHARE)


def _check_accepted(agreement: ServiceAgreement) -> None:
    """HB §23: the balance (and any other payment after the advance) is paid once the office
    has issued the acceptance-pass opinion (验收合格意见). The gate is the project's stage:
    `payment`, which only the office's "accept" row of the stage table
    (apps/projects/lifecycle.py, HB §23) sets — taken by apps.acceptance's
    `acceptance_decide` together with the passing opinion."""
    accepted = (ProjectStage.PAYMENT, ProjectStage.ARCHIVED)
    if agreement.project_id:
        projects = [agreement.project]
    else:  # a lot's agreement: every project of the lot is accepted first
        projects = list(agreement.lot.projects.all()) if agreement.lot_id else []
    waiting = [project for project in projects if project.stage not in accepted]
    if not projects or waiting:
        raise ValidationError(
            {
                "kind": _(
                    "The balance and other payments follow the acceptance opinion (HB §23): "
                    "%(projects)s has no passing acceptance yet."
                )
                % {
                    "projects": "、".join(
                        f"{project.name}（{project.get_stage_display()}）" for project in waiting
                    )
                    or "—"
                }
            }
        )


@transaction.atomic
def payment_record(
    *,
    user,
    agreement: ServiceAgreement,
    kind: str,
    amount,
    paid_on: datetime.date,
    uploaded_file,
    note: str = "",
) -> Payment:
    """One payment with its voucher. The total paid never exceeds the contract amount (checked
    here under a row lock, and by the database); the advance is exactly 50 %. An advance paid
    after its 15 days is recorded, and the deadline is met late with its finding."""
    _require_si_agency(user, agreement.jurisdiction)
    if kind not in PaymentKind.values:
        raise ValidationError({"kind": _("Choose the kind of payment.")})
    amount = positive_amount(amount, field="amount")
    errors = {}
    today = timezone.localdate()
    if paid_on is None:
        errors["paid_on"] = _("Give the date of payment.")
    elif paid_on > today:
        errors["paid_on"] = _("This date is in the future.")
    if uploaded_file is None:
        errors["file"] = _(
            "A payment is recorded with its voucher (bank receipt or payment order)."
        )
    if errors:
        raise ValidationError(errors)
    agreement = ServiceAgreement.unscoped.select_for_update().get(pk=agreement.pk)
    if paid_on < agreement.signed_on:
        raise ValidationError({"paid_on": _("A payment cannot predate the agreement.")})
    has_advance = agreement.payments.filter(kind=PaymentKind.ADVANCE).exists()
    if kind == PaymentKind.ADVANCE:
        if has_advance:
            raise ValidationError({"kind": _("The advance is already recorded.")})
        due = advance_due(agreement)
        if amount != due:
            raise ValidationError(
                {
                    "amount": _(
                        "The advance is exactly 50 %% of the contract amount (HB §11): "
                        "%(due)s yuan, not %(amount)s."
                    )
                    % {"due": due, "amount": amount}
                }
            )
    elif not has_advance:
        raise ValidationError({"kind": _("The advance (50 %) is paid first (HB §11).")})
    else:
        _check_accepted(agreement)
    remaining = agreement.amount - agreement.paid_total
    if amount > remaining:
        raise ValidationError(
            {
                "amount": _(
                    "Paying %(amount)s would exceed the contract amount of %(total)s: "
                    "%(remaining)s remain unpaid."
                )
                % {"amount": amount, "total": agreement.amount, "remaining": remaining}
            }
        )
    procurement = agreement.award.procurement
    document = procurement_evidence_upload(
        user=user,
        procurement=procurement,
        uploaded_file=uploaded_file,
        title=f"{PaymentKind(kind).label} {amount} · {procurement.title}",
    )
    payment = Payment(
        agreement=agreement,
        jurisdiction=agreement.jurisdiction,
        project=agreement.project,
        lot=agreement.lot,
        kind=kind,
        amount=amount,
        paid_on=paid_on,
        document=document,
        note=(note or "").strip(),
        recorded_by=user,
    )
    payment.full_clean()
    payment.save()
    agreement.paid_total = agreement.paid_total + amount
    agreement.save(update_fields=["paid_total"])
    procurement_document_record(
        procurement=procurement, kind=DocumentKind.PAYMENT_VOUCHER, evidence=document, user=user
    )
    if kind == PaymentKind.ADVANCE:
        _complete_contract_if_done(agreement, user=user)
    else:
        from apps.acceptance.services import balance_paid

        # HB §23: the 15 days are met once the ledger closes at the contract amount.
        balance_paid(agreement=agreement, paid_on=paid_on)
    return payment


def _complete_contract_if_done(agreement: ServiceAgreement, *, user) -> None:
    """Agreement signed and advance paid: the 15-day duty is met (on the later of the two
    dates) and the projects move on to implementation."""
    advance = agreement.payments.filter(kind=PaymentKind.ADVANCE).first()
    if advance is None:
        return
    award = agreement.award
    award_deadline_meet(
        award=award,
        rule_code=AGREEMENT_RULE,
        done_on=max(agreement.signed_on, advance.paid_on),
    )
    procurement_projects_advance(
        procurement=award.procurement, user=user, action="start", source=ProjectStage.CONTRACT
    )
