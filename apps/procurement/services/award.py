"""The award (HB §9–10): the winner's kind and agency type, the qualification gate whose
record is kept whatever the outcome, the award written with its notice, participants, stage
move and the winner's plan-submission deadline."""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Organisation
from apps.accounts.roles import OrganisationKind
from apps.core.workflow import transition_apply
from apps.deadlines.notifications import decision_notify_on_commit
from apps.deadlines.services import deadline_open
from apps.projects.models import ProjectParticipant, ProjectStage

from ..models import (
    Award,
    DocumentKind,
    Procurement,
    ProcurementCategory,
    ProcurementStatus,
)
from .common import (
    PLAN_SUBMISSION_RULE,
    WINNER_ROLE,
    _require_procuring,
    positive_amount,
    procurement_document_record,
    procurement_evidence_upload,
    procurement_projects_advance,
    workflow_for,
)


def agency_type_for(*, winner: Organisation, procurement: Procurement) -> str:
    """The HB §10 conditions that apply: by the winner's kind, else by what is procured. ""
    when HB §10 sets none (a promotion agency)."""
    if procurement.category == ProcurementCategory.EVALUATION:
        return "evaluation_agency"
    kind = winner.kind
    if kind == OrganisationKind.ONLINE_TRAINING_PLATFORM:
        return "online_platform"
    if kind == OrganisationKind.OFFLINE_TRAINING_INSTITUTION:
        return "offline_training"
    if kind == OrganisationKind.EVALUATION_AGENCY:
        return "evaluation_agency"
    if procurement.category == ProcurementCategory.TRAINING:
        return "offline_training"
    return ""


def _award_checks(*, user, procurement, winner, amount, notice_date, notice_file) -> Decimal:
    _require_procuring(user, procurement)
    if procurement.status != ProcurementStatus.PUBLISHED:
        raise ValidationError(
            _("Only a published procurement can be awarded; it is %(status)s.")
            % {"status": procurement.get_status_display()}
        )
    errors = {}
    expected = (
        {OrganisationKind.EVALUATION_AGENCY}
        if procurement.category == ProcurementCategory.EVALUATION
        else set(WINNER_ROLE) - {OrganisationKind.EVALUATION_AGENCY}
    )
    if winner is None or winner.kind not in expected or not winner.is_active:
        errors["winner"] = _("The winner must be an active agency of the kind procured.")
    try:
        amount = positive_amount(amount, field="amount")
    except ValidationError as error:
        errors.update(error.message_dict)
    else:
        if procurement.budget_amount is not None and amount > procurement.budget_amount:
            errors["amount"] = _(
                "The winning bid exceeds the procurement budget of %(budget)s."
            ) % {"budget": procurement.budget_amount}
    today = timezone.localdate()
    if notice_date is None:
        errors["notice_date"] = _("Give the date of the award notice.")
    elif notice_date > today:
        errors["notice_date"] = _("This date is in the future.")
    elif procurement.published_on and notice_date < procurement.published_on:
        errors["notice_date"] = _("The award notice cannot predate the publication.")
    if notice_file is None:
        errors["notice_file"] = _("Attach the award notice.")
    if errors:
        raise ValidationError(errors)
    return amount


def _failed_lines(record) -> list[str]:
    lines = []
    for line in getattr(record, "lines", None) or []:
        passed = line.get("passed") if isinstance(line, dict) else getattr(line, "passed", None)
        if passed:
            continue
        if isinstance(line, dict):
            label = line.get("label") or line.get("code") or str(line)
        else:
            label = getattr(line, "label", None) or str(line)
        lines.append(str(label))
    return lines


def lot_project_type(lot) -> str | None:
    """The project type HB §17's conflict is checked for when a lot is procured: 同一地区同类
    项目 — the lot's one type; a lot holding both types (by industry) checks either, which
    with two types is any (None)."""
    if lot is None:
        return None
    types = set(lot.projects.values_list("project_type", flat=True))
    return types.pop() if len(types) == 1 else None


def procurement_award(
    *,
    user,
    procurement: Procurement,
    winner: Organisation,
    amount,
    notice_date: datetime.date,
    notice_file,
) -> Award:
    """Awards the procurement. The winner's qualification check (HB §10) runs first and its
    record is kept whatever the outcome; a failed check blocks the award. The award, the
    notice, the project stage and the winner's plan-submission deadline (the office's 5
    working days of review start when the plan arrives, HB §11) are then written in one
    transaction: a calendar that does not cover the dates refuses the whole award with the
    deadline engine's message.

    Not itself atomic, so that the check's record survives a refusal: call it outside a
    transaction (the award view is non-atomic)."""
    procurement = Procurement.unscoped.select_related("jurisdiction", "project").get(
        pk=procurement.pk
    )
    amount = _award_checks(
        user=user,
        procurement=procurement,
        winner=winner,
        amount=amount,
        notice_date=notice_date,
        notice_file=notice_file,
    )
    agency_type = agency_type_for(winner=winner, procurement=procurement)
    record = None
    if agency_type:
        from apps.qualifications.services import qualification_check_record

        record = qualification_check_record(
            user=user,
            organisation=winner,
            agency_type=agency_type,
            project=procurement.project,
            jurisdiction=None if procurement.project_id else procurement.jurisdiction,
            year=None if procurement.project_id else procurement.year,
            project_type=None if procurement.project_id else lot_project_type(procurement.lot),
        )
        if not record.passed:
            failed = _failed_lines(record)
            message = _(
                "%(winner)s does not meet the qualification conditions of HB §10; "
                "it cannot be awarded. Not met: %(lines)s"
            ) % {"winner": winner, "lines": "；".join(failed) or "—"}
            raise ValidationError({"winner": ValidationError(message, code="qualification_failed")})
    return _award_write(
        user=user,
        procurement=procurement,
        winner=winner,
        amount=amount,
        notice_date=notice_date,
        notice_file=notice_file,
        agency_type=agency_type,
        record=record,
    )


@transaction.atomic
def _award_write(
    *, user, procurement, winner, amount, notice_date, notice_file, agency_type, record
) -> Award:
    procurement = Procurement.unscoped.select_for_update().get(pk=procurement.pk)
    awarded = transition_apply(
        table=workflow_for(procurement), instance=procurement, action="award", user=user
    )
    notice = procurement_evidence_upload(
        user=user,
        procurement=procurement,
        uploaded_file=notice_file,
        title=f"{DocumentKind.AWARD_NOTICE.label} · {procurement.title}",
        field="notice_file",
    )
    award = Award(
        procurement=procurement,
        jurisdiction=procurement.jurisdiction,
        project=procurement.project,
        lot=procurement.lot,
        winner=winner,
        amount=amount,
        notice_date=notice_date,
        notice_document=notice,
        agency_type=agency_type,
        qualification_record_type=(
            ContentType.objects.get_for_model(record) if record is not None else None
        ),
        qualification_record_id=record.pk if record is not None else None,
        awarded_by=user,
    )
    award.full_clean()
    award.save()
    # The procurement names no organisation of its own; the winner hears of its award.
    decision_notify_on_commit(
        instance=award,
        transition=awarded,
        actor=user,
        status_label=procurement.get_status_display(),
        label=procurement.title,
    )
    procurement_document_record(
        procurement=procurement, kind=DocumentKind.AWARD_NOTICE, evidence=notice, user=user
    )
    role = WINNER_ROLE[winner.kind]
    for project in procurement.covered_projects():
        ProjectParticipant.objects.get_or_create(
            project=project,
            role=role,
            organisation=winner,
            person=None,
            defaults={"since": notice_date},
        )
    if procurement.category != ProcurementCategory.EVALUATION:
        procurement_projects_advance(
            procurement=procurement, user=user, action="award", source=ProjectStage.PROCUREMENT
        )
        # Who acts next is the winner: the office's 5 working days (HB §11) run only once
        # there is a plan to review (see plan_submit).
        _open_plan_submission(award, starts_on=notice_date)
    return award


def _open_plan_submission(award: Award, *, starts_on: datetime.date) -> None:
    deadline_open(
        rule_code=PLAN_SUBMISSION_RULE,
        jurisdiction=award.jurisdiction,
        subject=award,
        starts_on=starts_on,
        owner_role=WINNER_ROLE[award.winner.kind],
        owner_organisation=award.winner,
        project=award.project,
    )
