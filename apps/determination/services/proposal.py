"""The city's determination (HB §6): the proposal frozen from the closed review, the joint
meeting of member units, submission to and decision of the HRSS department, revision after a
return, and filing with frozen copies of the approved projects."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import OrganisationKind, Role
from apps.applications.models import Application
from apps.projects.models import ProjectStage
from apps.projects.services import project_create
from apps.review.models import ReviewResult, ReviewRound, RoundStatus

from ..models import (
    ApprovalDecision,
    ApprovalOutcome,
    Determination,
    DeterminationStatus,
    FiledProject,
    JointMeeting,
    MeetingAttendee,
    ProposalEntry,
)
from ..workflow import DETERMINATION_WORKFLOW
from .budget_years import _budget_years_create
from .common import _check_own_level, _required, _step, fund_check

# --- proposal ------------------------------------------------------------------------------


def _snapshot_entries(determination: Determination) -> list[ProposalEntry]:
    results = list(
        ReviewResult.unscoped.filter(round=determination.review_round, proposed=True)
        .select_related("application__applicant")
        .order_by("rank", "application__number")
    )
    if not results:
        raise ValidationError(
            _("The expert review proposes no project for funding; adjust the proposal first.")
        )
    total = sum((r.amount for r in results), Decimal("0"))
    budget = determination.call.budget_total
    if total > budget:
        raise ValidationError(
            _(
                "The proposed projects need %(total)s yuan, more than the year's fund total "
                "of %(budget)s yuan."
            )
            % {"total": total, "budget": budget}
        )
    call = determination.call
    others = FiledProject.unscoped.filter(
        determination__call__jurisdiction=call.jurisdiction, determination__call__year=call.year
    ).exclude(determination=determination)
    filed_elsewhere = sum((fp.approved_amount for fp in others), Decimal("0"))
    fund_check(call.jurisdiction, call.year, total + filed_elsewhere)
    entries = []
    for position, result in enumerate(results, start=1):
        application = result.application
        entries.append(
            ProposalEntry.objects.create(
                determination=determination,
                revision=determination.revision,
                position=position,
                application=application,
                review_result=result,
                application_number=application.number,
                project_name=application.project_name,
                applicant_name=application.applicant.name,
                project_type=application.project_type,
                final_score=result.final_score,
                rank=result.rank,
                amount=result.amount,
            )
        )
    return entries


@transaction.atomic
def determination_propose(*, user, call) -> Determination:
    """城市建议: the city office freezes the closed review's proposed list as its proposal."""
    _check_own_level(user, call.jurisdiction, Role.OFFICE)
    review_round = ReviewRound.unscoped.filter(call=call).first()
    if review_round is None or review_round.status != RoundStatus.CLOSED:
        raise ValidationError(
            _("The expert review of this call is not closed; the proposal follows its ranking.")
        )
    if Determination.unscoped.filter(call=call).exists():
        raise ValidationError(_("The proposal of this call is already drafted."))
    determination = Determination.objects.create(
        call=call,
        review_round=review_round,
        proposed_by=user,
        proposed_at=timezone.now(),
    )
    _snapshot_entries(determination)
    return determination


def current_entries(determination: Determination):
    return ProposalEntry.objects.filter(
        determination=determination, revision=determination.revision
    ).order_by("position")


@transaction.atomic
def determination_record_meeting(
    *,
    user,
    determination: Determination,
    held_on: datetime.date | None,
    place: str,
    minutes: str,
    minutes_upload,
    attendees: list[dict],
    decisions: dict[int, dict],
) -> JointMeeting:
    """联席会议: date, place, the member units and persons present, minutes (text and file in
    the evidence store) and the decision on every proposed project — agreed, or not agreed
    with its reason. Everything is checked before anything is written."""
    from apps.evidence.services import evidence_upload

    jurisdiction = determination.jurisdiction
    _check_own_level(user, jurisdiction, Role.OFFICE)
    if determination.status != DeterminationStatus.PROPOSED:
        raise ValidationError(
            _("The joint meeting is recorded while the proposal awaits it; now it is “%(s)s”.")
            % {"s": determination.get_status_display()}
        )
    errors: dict = {}
    _required(errors, "held_on", held_on, _("Give the date of the meeting."))
    if held_on and held_on > timezone.localdate():
        errors["held_on"] = _("The meeting date lies in the future.")
    place = _required(errors, "place", place, _("Give the place of the meeting."))
    minutes = _required(errors, "minutes", minutes, _("Write the minutes of the meeting."))
    if minutes_upload is None:
        errors["minutes_file"] = _("Upload the signed minutes.")
    rows = []
    for attendee in attendees:
        organisation = attendee.get("organisation")
        name = (attendee.get("person_name") or "").strip()
        if organisation is None and not name:
            continue
        if (
            organisation is None
            or organisation.kind != OrganisationKind.MEMBER_UNIT
            or organisation.jurisdiction_id != jurisdiction.pk
        ):
            errors["attendees"] = _(
                "Each attendee represents a member unit of %(jurisdiction)s."
            ) % {"jurisdiction": jurisdiction.name}
            continue
        if not name:
            errors["attendees"] = _("Name the person who attended for each member unit.")
            continue
        rows.append((organisation, name, (attendee.get("position") or "").strip()))
    if not rows and "attendees" not in errors:
        errors["attendees"] = _("Name at least one member unit and its representative.")
    entries = list(current_entries(determination))
    for entry in entries:
        decision = decisions.get(entry.pk)
        if decision is None or decision.get("agreed") is None:
            errors[f"entry-{entry.pk}"] = _("Record the meeting's decision on %(name)s.") % {
                "name": entry.project_name
            }
        elif not decision["agreed"] and not (decision.get("reason") or "").strip():
            errors[f"entry-{entry.pk}"] = _(
                "Give the reason why the meeting did not agree to %(name)s."
            ) % {"name": entry.project_name}
    if errors:
        raise ValidationError(errors)
    version = evidence_upload(
        uploaded_by=user,
        uploaded_file=minutes_upload,
        purpose="general",
        title=_("Minutes of the joint meeting %(date)s") % {"date": held_on.isoformat()},
        jurisdiction=jurisdiction,
    )
    meeting = JointMeeting.objects.create(
        determination=determination,
        revision=determination.revision,
        held_on=held_on,
        place=place,
        minutes=minutes,
        minutes_file=version.evidence_file,
        recorded_by=user,
        recorded_at=timezone.now(),
    )
    for organisation, name, position in rows:
        MeetingAttendee.objects.create(
            meeting=meeting, organisation=organisation, person_name=name, position=position
        )
    for entry in entries:
        decision = decisions[entry.pk]
        entry.meeting_agreed = bool(decision["agreed"])
        entry.meeting_reason = (decision.get("reason") or "").strip()
        entry.save(update_fields=["meeting_agreed", "meeting_reason"])
    _step(
        table=DETERMINATION_WORKFLOW,
        instance=determination,
        action="record_meeting",
        user=user,
    )
    return meeting


@transaction.atomic
def determination_submit(*, user, determination: Determination) -> Determination:
    """报请同级人力资源社会保障部门审核确定."""
    if not current_entries(determination).filter(meeting_agreed=True).exists():
        raise ValidationError(
            _("The joint meeting agreed to no project; there is nothing to submit.")
        )
    _step(
        table=DETERMINATION_WORKFLOW,
        instance=determination,
        action="submit",
        user=user,
    )
    determination.submitted_at = timezone.now()
    determination.save(update_fields=["submitted_at"])
    return determination


@transaction.atomic
def determination_decide(
    *, user, determination: Determination, approve: bool, opinion: str = ""
) -> ApprovalDecision:
    """审核确定: the HRSS department of the same city approves, or returns with its reasons."""
    _step(
        table=DETERMINATION_WORKFLOW,
        instance=determination,
        action="approve" if approve else "return",
        user=user,
        note=opinion,
    )
    now = timezone.now()
    if approve:
        determination.approved_at = now
        determination.save(update_fields=["approved_at"])
    return ApprovalDecision.objects.create(
        determination=determination,
        revision=determination.revision,
        outcome=ApprovalOutcome.APPROVED if approve else ApprovalOutcome.RETURNED,
        opinion=opinion.strip(),
        decided_by=user,
        decided_at=now,
    )


@transaction.atomic
def determination_revise(*, user, determination: Determination) -> Determination:
    """After a return, the office drafts a new revision from the review's current proposal
    (which it may have changed there, with reasons); the earlier revision stays on record."""
    _step(
        table=DETERMINATION_WORKFLOW,
        instance=determination,
        action="revise",
        user=user,
    )
    determination.revision += 1
    determination.submitted_at = None
    determination.save(update_fields=["revision", "submitted_at"])
    _snapshot_entries(determination)
    return determination


# --- filing --------------------------------------------------------------------------------


def _schedule(application: Application, stages) -> tuple[datetime.date, datetime.date]:
    starts = [s.start_date for s in stages] + [application.start_date]
    ends = [s.end_date for s in stages] + [application.end_date]
    starts, ends = [d for d in starts if d], [d for d in ends if d]
    if not starts or not ends:
        raise ValidationError(
            _("%(number)s has no schedule (start and end dates); it cannot be filed.")
            % {"number": application.number}
        )
    return min(starts), max(ends)


def _text(value) -> str:
    return "" if value is None else str(value)


def _filed_copy(application: Application) -> dict:
    stages = list(application.planstage_set.order_by("start_date", "id"))
    feasibility = {
        "project_name": application.project_name,
        "project_type": application.project_type,
        "industry": application.industry.name if application.industry_id else "",
        "service_scope": application.service_scope,
        "target_groups": application.target_groups,
        "start_date": _text(application.start_date),
        "end_date": _text(application.end_date),
        "amount_requested": _text(application.amount_requested),
        "insurance_years": [
            {
                "year": y.year,
                "insured_headcount": y.insured_headcount,
                "injury_incidence_rate": _text(y.injury_incidence_rate),
                "fund_payment_ratio": _text(y.fund_payment_ratio),
                "accident_injuries": y.accident_injuries,
                "occupational_diseases": y.occupational_diseases,
                "main_causes": y.main_causes,
            }
            for y in application.insuranceyear_set.order_by("year")
        ],
    }
    for name in Application.NARRATIVE_FIELDS:
        feasibility[name] = getattr(application, name)
    return {
        "feasibility": feasibility,
        "plan_stages": [
            {
                "name": s.name,
                "start_date": s.start_date.isoformat(),
                "end_date": s.end_date.isoformat(),
                "goal": s.goal,
            }
            for s in stages
        ],
        "targets": {
            "qualitative_targets": application.qualitative_targets,
            "awareness_rate": _text(application.awareness_rate),
            "pass_rate": _text(application.pass_rate),
            "satisfaction_rate": _text(application.satisfaction_rate),
            "people_covered": application.people_covered,
        },
        "budget_lines": [
            {
                "item": b.item,
                "unit": b.unit,
                "unit_cost": _text(b.unit_cost),
                "quantity": _text(b.quantity),
                "amount": _text(b.amount),
                "standard": b.standard,
                "spend_year": b.spend_year,
            }
            for b in application.budgetline_set.order_by("id")
        ],
        "stages": stages,
    }


@transaction.atomic
def determination_file(*, user, determination: Determination) -> list[FiledProject]:
    """备案: for every approved project a frozen copy of its feasibility report, plan stages,
    performance targets and budget list; the project itself is created (stage: determination,
    until the province publishes the annual arrangement) with its budget years."""
    jurisdiction = determination.jurisdiction
    _check_own_level(user, jurisdiction, Role.OFFICE)
    entries = list(
        current_entries(determination)
        .filter(meeting_agreed=True)
        .select_related("application__applicant", "application__industry")
    )
    _step(
        table=DETERMINATION_WORKFLOW,
        instance=determination,
        action="file",
        user=user,
    )
    now = timezone.now()
    filed = []
    for entry in entries:
        application = entry.application
        copy = _filed_copy(application)
        start, end = _schedule(application, copy.pop("stages"))
        project = project_create(
            code=f"XM-{application.number}",
            name=application.project_name,
            year=determination.call.year,
            project_type=application.project_type,
            industry=application.industry,
            jurisdiction=jurisdiction,
            applicant=application.applicant,
            stage=ProjectStage.DETERMINATION,
            budget_amount=entry.amount,
        )
        basis = _budget_years_create(project, start, end, application)
        filed.append(
            FiledProject.objects.create(
                determination=determination,
                entry=entry,
                application=application,
                project=project,
                approved_amount=entry.amount,
                start_date=start,
                end_date=end,
                budget_split_basis=basis,
                filed_by=user,
                filed_at=now,
                **copy,
            )
        )
    determination.filed_at = now
    determination.filed_by = user
    determination.save(update_fields=["filed_at", "filed_by"])
    return filed
