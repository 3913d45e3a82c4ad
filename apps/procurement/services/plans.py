"""The implementation plan (HB §11): submission by the winning agency, review by the office
(approve or return with reasons), and the deadlines each step meets and opens."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.core.workflow import Transition, TransitionTable, transition_apply
from apps.deadlines.services import deadline_open

from ..models import (
    Award,
    DocumentKind,
    ImplementationPlan,
    PlanStatus,
    ProcurementCategory,
)
from .award import _open_plan_submission
from .common import (
    AGENCY_ROLES,
    AGREEMENT_RULE,
    PLAN_REVIEW_RULE,
    PLAN_SUBMISSION_RULE,
    _not_in_future,
    _office_of,
    _require_level,
    _si_agency_of,
    award_deadline_meet,
    procurement_document_record,
    procurement_evidence_upload,
)

PLAN_REVIEW = TransitionTable(
    field="status",
    transitions=[
        Transition("approve", PlanStatus.SUBMITTED, PlanStatus.APPROVED, {Role.OFFICE}),
        Transition(
            "return", PlanStatus.SUBMITTED, PlanStatus.RETURNED, {Role.OFFICE}, note_required=True
        ),
    ],
)


@transaction.atomic
def plan_submit(
    *,
    user,
    award: Award,
    uploaded_file,
    title: str = "",
    submitted_on: datetime.date | None = None,
) -> ImplementationPlan:
    """The winning agency submits its implementation plan (HB §11). That meets its own
    submission deadline and starts the office's 5 working days of review from the day of
    submission (`submitted_on`, today unless a past submission is being recorded)."""
    today = timezone.localdate()
    submitted_on = submitted_on or today
    _not_in_future(submitted_on, "submitted_on", today)
    if not user.is_superuser and (
        user.role not in AGENCY_ROLES or user.organisation_id != award.winner_id
    ):
        raise PermissionDenied(_("Only the winning agency submits the implementation plan."))
    award = Award.unscoped.select_for_update().get(pk=award.pk)
    plans = list(award.plans.all())
    if any(p.status == PlanStatus.APPROVED for p in plans):
        raise ValidationError(_("The implementation plan is already approved."))
    if any(p.status == PlanStatus.SUBMITTED for p in plans):
        raise ValidationError(_("A plan is waiting for the office's review."))
    procurement = award.procurement
    version = max((p.version for p in plans), default=0) + 1
    document = procurement_evidence_upload(
        user=user,
        procurement=procurement,
        uploaded_file=uploaded_file,
        title=(title or "").strip()
        or f"{DocumentKind.IMPLEMENTATION_PLAN.label} v{version} · {procurement.title}",
    )
    plan = ImplementationPlan.objects.create(
        award=award, version=version, document=document, submitted_by=user
    )
    if procurement.category != ProcurementCategory.EVALUATION:
        award_deadline_meet(award=award, rule_code=PLAN_SUBMISSION_RULE, done_on=submitted_on)
        deadline_open(
            rule_code=PLAN_REVIEW_RULE,
            jurisdiction=award.jurisdiction,
            subject=award,
            starts_on=submitted_on,
            owner_role=Role.OFFICE,
            owner_organisation=_office_of(award.jurisdiction),
            project=award.project,
        )
    return plan


@transaction.atomic
def plan_review(
    *,
    user,
    plan: ImplementationPlan,
    approve: bool,
    note: str = "",
    reviewed_on: datetime.date | None = None,
) -> ImplementationPlan:
    """The office approves the plan, or returns it with its reasons (HB §11). Approval meets
    the plan-review deadline and, with the award notice, starts the 15 days of the
    social-insurance agency for the agreement and the advance, from the later of the two."""
    award = plan.award
    _require_level(
        user,
        Role.OFFICE,
        award.jurisdiction,
        _("Only the office of this jurisdiction reviews implementation plans."),
    )
    today = timezone.localdate()
    reviewed_on = reviewed_on or today
    _not_in_future(reviewed_on, "reviewed_on", today)
    plan = ImplementationPlan.objects.select_for_update().get(pk=plan.pk)
    # The review's facts first (still "submitted"), then the audited transition: the database
    # requires a reviewed plan to carry its date and a returned one its reasons.
    plan.reviewed_by = user
    plan.reviewed_on = reviewed_on
    plan.review_note = (note or "").strip()
    plan.save(update_fields=["reviewed_by", "reviewed_on", "review_note"])
    transition_apply(
        table=PLAN_REVIEW,
        instance=plan,
        action="approve" if approve else "return",
        user=user,
        note=note or "",
    )
    procurement = award.procurement
    if procurement.category != ProcurementCategory.EVALUATION:
        award_deadline_meet(award=award, rule_code=PLAN_REVIEW_RULE, done_on=reviewed_on)
    if not approve:
        # The office has done its part; the agency acts next, with a new submission period.
        if procurement.category != ProcurementCategory.EVALUATION:
            _open_plan_submission(award, starts_on=reviewed_on)
        return plan
    procurement_document_record(
        procurement=procurement,
        kind=DocumentKind.IMPLEMENTATION_PLAN,
        evidence=plan.document,
        user=user,
    )
    if procurement.category != ProcurementCategory.EVALUATION:
        deadline_open(
            rule_code=AGREEMENT_RULE,
            jurisdiction=award.jurisdiction,
            subject=award,
            starts_on=max(award.notice_date, reviewed_on),
            owner_role=Role.SI_AGENCY,
            owner_organisation=_si_agency_of(award.jurisdiction),
            project=award.project,
        )
    return plan


def approved_plan(award: Award) -> ImplementationPlan | None:
    return award.plans.filter(status=PlanStatus.APPROVED).first()
