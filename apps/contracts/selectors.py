"""Reads of the contract: the agreement and payments of an award, lists in the user's scope,
and what the user may record on the procurement page (the services check again)."""

from dataclasses import dataclass

from django.db.models import QuerySet

from apps.accounts.roles import Role
from apps.core.levels import Level, actor_may
from apps.procurement.models import Award, PlanStatus, Procurement

from .models import Payment, ServiceAgreement


def agreement_of(award: Award | None) -> ServiceAgreement | None:
    if award is None:
        return None
    return (
        ServiceAgreement.unscoped.filter(award=award)
        .select_related("party_a", "party_b", "document")
        .first()
    )


def payments_of(agreement: ServiceAgreement | None) -> list[Payment]:
    if agreement is None:
        return []
    return list(agreement.payments.select_related("document", "recorded_by"))


def agreement_list(*, user) -> QuerySet[ServiceAgreement]:
    return ServiceAgreement.objects.for_user(user).select_related(
        "award__procurement", "party_a", "party_b", "jurisdiction"
    )


def payment_list(*, user) -> QuerySet[Payment]:
    return Payment.objects.for_user(user).select_related("agreement", "jurisdiction")


@dataclass(frozen=True)
class ContractAbilities:
    """What the user may record on one procurement page's contract part."""

    record_agreement: bool
    record_payment: bool


def contract_abilities(
    *, user, procurement: Procurement, plans, agreement: ServiceAgreement | None
) -> ContractAbilities:
    """The social-insurance agency of the procurement's own level signs once the plan is
    approved, and pays while something remains unpaid (HB §11)."""
    si_agency = actor_may(
        user, roles={Role.SI_AGENCY}, level=Level.OWN, jurisdiction=procurement.jurisdiction
    )
    approved = any(p.status == PlanStatus.APPROVED for p in plans)
    return ContractAbilities(
        record_agreement=si_agency and approved and agreement is None,
        record_payment=si_agency and agreement is not None and agreement.unpaid > 0,
    )
