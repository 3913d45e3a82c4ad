"""Writes of determination and filing (HB §6), budget years (HB §8), the annual arrangement and
its adjustments (HB §7). Every write is one transaction: a refused step leaves nothing behind.

Who acts: the office, the HRSS department and the member units of the call's *own* level
(本级 / 同级). The province sees its cities' determinations but does not take their steps;
another city's call is not even visible (selectors scope it away, services refuse it).
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Organisation
from apps.accounts.roles import OrganisationKind, Role
from apps.applications.models import Application
from apps.core.levels import Level, level_require
from apps.core.money import CENT, yuan
from apps.core.workflow import TransitionTable, transition_apply
from apps.projects.models import Project, ProjectStage
from apps.projects.services import project_create, projects_stage_advance
from apps.review.models import ReviewResult, ReviewRound, RoundStatus

from .budget import split_by_days, year_closed
from .models import (
    Adjustment,
    AdjustmentKind,
    AnnualArrangement,
    ApprovalDecision,
    ApprovalOutcome,
    ArrangementEntry,
    ArrangementStatus,
    BudgetResplit,
    BudgetYear,
    Determination,
    DeterminationStatus,
    FiledProject,
    JointMeeting,
    MeetingAttendee,
    ProposalEntry,
)
from .workflow import ADJUSTMENT_WORKFLOW, ARRANGEMENT_WORKFLOW, DETERMINATION_WORKFLOW

# 政府采购品目 of a project type, the arrangement's default (changed only by an adjustment).
PROCUREMENT_ITEMS = {"training": "工伤预防培训服务", "promotion": "工伤预防宣传服务"}
PROJECT_TYPES = ("training", "promotion")


# --- who may act ---------------------------------------------------------------------------


def _check_own_level(user, jurisdiction, role: str) -> None:
    """The actor has `role` and belongs to `jurisdiction` itself (not a parent, not a sibling)."""
    level_require(user, roles={role}, level=Level.OWN, jurisdiction=jurisdiction)


def _step(*, table: TransitionTable, instance, action: str, user, note="", changes=None):
    return transition_apply(
        table=table, instance=instance, action=action, user=user, note=note, changes=changes
    )


def _required(errors: dict, field: str, value, message: str):
    if value is None or (isinstance(value, str) and not value.strip()):
        errors[field] = message
    return value.strip() if isinstance(value, str) else value


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
            }
            for b in application.budgetline_set.order_by("id")
        ],
        "stages": stages,
    }


def _budget_years_create(project: Project, start, end) -> list[BudgetYear]:
    return [
        BudgetYear.objects.create(
            project=project, year=share.year, days=share.days, amount=share.amount
        )
        for share in split_by_days(project.budget_amount, start, end)
    ]


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
        filed.append(
            FiledProject.objects.create(
                determination=determination,
                entry=entry,
                application=application,
                project=project,
                approved_amount=entry.amount,
                start_date=start,
                end_date=end,
                filed_by=user,
                filed_at=now,
                **copy,
            )
        )
        _budget_years_create(project, start, end)
    determination.filed_at = now
    determination.filed_by = user
    determination.save(update_fields=["filed_at", "filed_by"])
    return filed


# --- budget years (HB §8) ------------------------------------------------------------------


def _money(value, field: str, errors: dict) -> Decimal | None:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        errors[field] = _("Enter an amount in yuan, e.g. 120000.00.")
        return None
    if amount != amount.quantize(CENT) or amount < 0:
        errors[field] = _("Enter a non-negative amount with at most two decimal places.")
        return None
    return yuan(amount)


@transaction.atomic
def budget_years_resplit(
    *, user, project: Project, amounts: dict, reason: str, today: datetime.date | None = None
) -> BudgetResplit:
    """The office re-splits a project's budget between its years, with a reason. The lines
    keep adding up to the approved amount, and a closed year's line does not move (no
    carry-over, see `budget.py`)."""
    _check_own_level(user, project.jurisdiction, Role.OFFICE)
    today = today or timezone.localdate()
    lines = {line.year: line for line in BudgetYear.unscoped.filter(project=project)}
    errors: dict = {}
    reason = _required(errors, "reason", reason, _("Give the reason for the new split."))
    if set(amounts) != set(lines):
        errors["__all__"] = _("Give an amount for each year of the schedule: %(years)s.") % {
            "years": "、".join(str(y) for y in sorted(lines))
        }
        raise ValidationError(errors)
    new = {}
    for year, value in amounts.items():
        amount = _money(value, f"year-{year}", errors)
        if amount is None:
            continue
        if year_closed(year, today) and amount != lines[year].amount:
            errors[f"year-{year}"] = _(
                "%(year)s is closed: its budget line stays %(amount)s yuan. Money of a closed "
                "year is not carried over to another year (HB §8)."
            ) % {"year": year, "amount": lines[year].amount}
        new[year] = amount
    if not errors:
        total = sum(new.values(), Decimal("0"))
        if total != project.budget_amount:
            errors["__all__"] = _(
                "The years add up to %(total)s yuan; they must add up to the approved amount "
                "of %(approved)s yuan exactly."
            ) % {"total": total, "approved": project.budget_amount}
    if errors:
        raise ValidationError(errors)
    before = {str(y): str(line.amount) for y, line in sorted(lines.items())}
    for year, line in lines.items():
        if line.amount != new[year]:
            line.amount = new[year]
            line.save(update_fields=["amount"])
    return BudgetResplit.objects.create(
        project=project,
        before=before,
        after={str(y): str(a) for y, a in sorted(new.items())},
        reason=reason,
        changed_by=user,
        changed_at=timezone.now(),
    )


def _budget_years_replan(project: Project, start, end, today: datetime.date) -> None:
    """After an adjustment changed amount or schedule: closed years keep their lines, the rest
    of the approved amount is shared over the open years of the new schedule by days."""
    lines = {line.year: line for line in BudgetYear.unscoped.filter(project=project)}
    closed = {y: line for y, line in lines.items() if year_closed(y, today)}
    spent = sum((line.amount for line in closed.values()), Decimal("0"))
    first_open = max(start, datetime.date(today.year, 1, 1))
    remaining = project.budget_amount - spent
    if remaining < 0 or (remaining > 0 and first_open > end):
        raise ValidationError(
            _(
                "The closed years already hold %(spent)s yuan; the new amount and schedule "
                "cannot be met without moving money of a closed year (HB §8)."
            )
            % {"spent": spent}
        )
    shares = split_by_days(remaining, first_open, end) if first_open <= end else []
    for year, line in lines.items():
        if year not in closed:
            line.delete()
    for share in shares:
        BudgetYear.objects.create(
            project=project, year=share.year, days=share.days, amount=share.amount
        )


# --- annual arrangement --------------------------------------------------------------------


def _check_root_office(user, province) -> None:
    _check_own_level(user, province, Role.OFFICE)
    if province.parent_id is not None:
        raise PermissionDenied(_("The annual arrangement is compiled by the province office."))


def arrangement_title(province, year: int) -> str:
    whole = "全省" if province.level == "province" else "全市"
    return f"{year}年度{whole}工伤预防项目安排"


def _filed_for(province, year: int):
    return (
        FiledProject.unscoped.filter(
            determination__status=DeterminationStatus.FILED,
            determination__call__year=year,
            determination__call__jurisdiction__path__startswith=province.path,
        )
        .select_related("project__industry", "entry", "determination__call__jurisdiction")
        .order_by("determination__call__jurisdiction__path", "entry__position")
    )


@transaction.atomic
def arrangement_compile(*, user, province, year: int) -> AnnualArrangement:
    """省研究确定《××年度全省工伤预防项目安排》: the province office compiles the filed lists
    of its cities (and its own) for the year. A draft may be compiled again as more cities
    file; a published arrangement changes only through adjustments."""
    _check_root_office(user, province)
    filed = list(_filed_for(province, year))
    if not filed:
        raise ValidationError(
            _("No city has filed projects for %(year)s yet; there is nothing to compile.")
            % {"year": year}
        )
    arrangement = AnnualArrangement.unscoped.filter(province=province, year=year).first()
    now = timezone.now()
    if arrangement is None:
        arrangement = AnnualArrangement.objects.create(
            province=province,
            year=year,
            title=arrangement_title(province, year),
            compiled_by=user,
            compiled_at=now,
        )
    elif arrangement.status != ArrangementStatus.DRAFT:
        raise ValidationError(
            _("The arrangement is published; it changes only through adjustments (HB §7).")
        )
    else:
        ArrangementEntry.unscoped.filter(arrangement=arrangement).delete()
        arrangement.compiled_by = user
        arrangement.compiled_at = now
        arrangement.save(update_fields=["compiled_by", "compiled_at"])
    for position, fp in enumerate(filed, start=1):
        project = fp.project
        ArrangementEntry.objects.create(
            arrangement=arrangement,
            jurisdiction=fp.determination.call.jurisdiction,
            project=project,
            filed_project=fp,
            position=position,
            project_name=project.name,
            applicant_name=fp.entry.applicant_name,
            project_type=project.project_type,
            industry_name=project.industry.name if project.industry_id else "",
            procurement_item=PROCUREMENT_ITEMS.get(project.project_type, ""),
            amount=fp.approved_amount,
            start_date=fp.start_date,
            end_date=fp.end_date,
        )
    return arrangement


@transaction.atomic
def arrangement_publish(*, user, arrangement: AnnualArrangement) -> AnnualArrangement:
    """Published to the public (product); its projects move on to procurement (HB §9)."""
    _check_root_office(user, arrangement.province)
    _step(
        table=ARRANGEMENT_WORKFLOW,
        instance=arrangement,
        action="publish",
        user=user,
    )
    arrangement.published_by = user
    arrangement.published_at = timezone.now()
    arrangement.save(update_fields=["published_by", "published_at"])
    projects = Project.unscoped.filter(
        arrangement_entries__arrangement=arrangement, arrangement_entries__is_current=True
    ).select_related("jurisdiction__parent")
    projects_stage_advance(
        user=user, projects=projects, action="arrange", source=ProjectStage.DETERMINATION
    )
    return arrangement


# --- adjustments (HB §7) -------------------------------------------------------------------


def _next_adjustment_number(arrangement: AnnualArrangement) -> str:
    prefix = f"TZ-{arrangement.province.code}-{arrangement.year}-"
    last = (
        Adjustment.unscoped.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:03d}"


def _entry_summary(entry: ArrangementEntry) -> str:
    return (
        f"{entry.project_name}；{entry.applicant_name}；{entry.amount} 元；"
        f"{entry.start_date:%Y-%m-%d}—{entry.end_date:%Y-%m-%d}；{entry.procurement_item}"
    )


@transaction.atomic
def adjustment_request(
    *,
    user,
    arrangement: AnnualArrangement,
    kind: str,
    ground: str,
    subject: str,
    after_text: str,
    reason: str,
    consenting_unit: Organisation | None,
    entry: ArrangementEntry | None = None,
    before_text: str = "",
    new_project_name: str = "",
    new_applicant: Organisation | None = None,
    new_project_type: str = "",
    new_amount=None,
    new_start_date: datetime.date | None = None,
    new_end_date: datetime.date | None = None,
    new_procurement_item: str = "",
) -> Adjustment:
    """An office asks to add a project, or to change one of its own projects or its
    procurement item: what changes, before and after, and why."""
    errors: dict = {}
    if arrangement.status != ArrangementStatus.PUBLISHED:
        raise ValidationError(_("Only a published arrangement is adjusted."))
    if kind not in AdjustmentKind.values:
        raise ValidationError({"kind": _("Choose what kind of adjustment it is.")})
    if kind == AdjustmentKind.ADD:
        jurisdiction = user.organisation.jurisdiction if user.organisation_id else None
        if entry is not None:
            errors["entry"] = _("An added project changes no existing entry.")
    else:
        if entry is None or entry.arrangement_id != arrangement.pk:
            raise ValidationError({"entry": _("Choose the entry of this arrangement to change.")})
        if not entry.is_current:
            raise ValidationError(
                {"entry": _("This entry was already changed; adjust its current version.")}
            )
        jurisdiction = entry.jurisdiction
    if jurisdiction is None or not jurisdiction.path.startswith(arrangement.province.path):
        raise PermissionDenied(_("Only an office of this province adjusts its arrangement."))
    _check_own_level(user, jurisdiction, Role.OFFICE)
    if ground not in ("national_rule", "provincial_rule", "special"):
        errors["ground"] = _(
            "Say whether a national or provincial rule, or special circumstances require it."
        )
    subject = _required(errors, "subject", subject, _("Say what changes."))
    after_text = _required(errors, "after_text", after_text, _("Describe the situation after."))
    reason = _required(errors, "reason", reason, _("Give the reason for the adjustment."))
    if (
        consenting_unit is None
        or consenting_unit.kind != OrganisationKind.MEMBER_UNIT
        or consenting_unit.jurisdiction_id != arrangement.province_id
        or not consenting_unit.is_active
    ):
        errors["consenting_unit"] = _(
            "Choose the province member unit whose consent the adjustment needs."
        )
    amount = None
    if new_amount not in (None, ""):
        amount = _money(new_amount, "new_amount", errors)
        if amount is not None and amount <= 0:
            errors["new_amount"] = _("The amount must be more than zero.")
    if kind == AdjustmentKind.ADD:
        new_project_name = _required(
            errors, "new_project_name", new_project_name, _("Name the added project.")
        )
        if new_applicant is None or not new_applicant.jurisdiction.path.startswith(
            jurisdiction.path
        ):
            errors["new_applicant"] = _("Choose the applicant of the added project.")
        if new_project_type not in PROJECT_TYPES:
            errors["new_project_type"] = _("Choose training or promotion.")
        if amount is None and "new_amount" not in errors:
            errors["new_amount"] = _("Give the amount of the added project.")
        if not new_start_date or not new_end_date:
            errors["new_end_date"] = _("Give the start and end dates of the added project.")
    if kind == AdjustmentKind.PROCUREMENT_ITEM:
        new_procurement_item = _required(
            errors,
            "new_procurement_item",
            new_procurement_item,
            _("Give the new procurement item."),
        )
    if kind == AdjustmentKind.CHANGE and not (
        new_project_name.strip() or amount is not None or new_start_date or new_end_date
    ):
        errors["after_text"] = errors.get("after_text") or _(
            "Change the name, the amount or the schedule (a procurement item is its own kind)."
        )
    if kind != AdjustmentKind.ADD and entry is not None:
        start = new_start_date or entry.start_date
        end = new_end_date or entry.end_date
    else:
        start, end = new_start_date, new_end_date
    if start and end and end < start:
        errors["new_end_date"] = _("The end date lies before the start date.")
    if errors:
        raise ValidationError(errors)
    return Adjustment.objects.create(
        arrangement=arrangement,
        jurisdiction=jurisdiction,
        number=_next_adjustment_number(arrangement),
        kind=kind,
        ground=ground,
        entry=entry,
        subject=subject,
        before_text=before_text.strip() or (_entry_summary(entry) if entry else ""),
        after_text=after_text,
        reason=reason,
        new_project_name=new_project_name.strip(),
        new_applicant=new_applicant if kind == AdjustmentKind.ADD else None,
        new_project_type=new_project_type if kind == AdjustmentKind.ADD else "",
        new_amount=amount,
        new_start_date=new_start_date,
        new_end_date=new_end_date,
        new_procurement_item=new_procurement_item.strip(),
        consenting_unit=consenting_unit,
        requested_by=user,
        requested_at=timezone.now(),
    )


@transaction.atomic
def adjustment_decide_consent(
    *, user, adjustment: Adjustment, consent: bool, note: str = "", document_upload=None
) -> Adjustment:
    """The province member unit concerned consents, or refuses with its reason."""
    from apps.evidence.services import evidence_upload

    level_require(
        user,
        roles={Role.MEMBER_UNIT},
        level=Level.ORGANISATION,
        subject=adjustment,
        message=_("Only %(unit)s decides on this adjustment.")
        % {"unit": adjustment.consenting_unit},
    )
    # The opinion is written first: the refusal's row constraint needs its reason in place.
    adjustment.consent_by = user
    adjustment.consent_at = timezone.now()
    adjustment.consent_note = note.strip()
    adjustment.save(update_fields=["consent_by", "consent_at", "consent_note"])
    transition_apply(
        table=ADJUSTMENT_WORKFLOW,
        instance=adjustment,
        action="consent" if consent else "refuse",
        user=user,
        note=note,
    )
    if document_upload is not None:
        version = evidence_upload(
            uploaded_by=user,
            uploaded_file=document_upload,
            purpose="general",
            title=f"{adjustment.number} 成员单位意见",
            jurisdiction=adjustment.arrangement.province,
        )
        adjustment.consent_document = version.evidence_file
        adjustment.save(update_fields=["consent_document"])
    return adjustment


def _entry_position(arrangement) -> int:
    last = ArrangementEntry.unscoped.filter(arrangement=arrangement).aggregate(m=Max("position"))
    return (last["m"] or 0) + 1


@transaction.atomic
def adjustment_publish(
    *, user, adjustment: Adjustment, today: datetime.date | None = None
) -> Adjustment:
    """调整后由领导小组办公室上传至管理平台并向社会公布: the change takes effect in the
    arrangement — a new current entry; the original entry stays, marked as superseded."""
    today = today or timezone.localdate()
    _step(
        table=ADJUSTMENT_WORKFLOW,
        instance=adjustment,
        action="publish",
        user=user,
    )
    arrangement = adjustment.arrangement
    if adjustment.kind == AdjustmentKind.ADD:
        project = project_create(
            code=f"XM-{adjustment.number}",
            name=adjustment.new_project_name,
            year=arrangement.year,
            project_type=adjustment.new_project_type,
            jurisdiction=adjustment.jurisdiction,
            applicant=adjustment.new_applicant,
            stage=ProjectStage.ARRANGED,
            budget_amount=adjustment.new_amount,
            since=today,
        )
        _budget_years_create(project, adjustment.new_start_date, adjustment.new_end_date)
        ArrangementEntry.objects.create(
            arrangement=arrangement,
            jurisdiction=adjustment.jurisdiction,
            project=project,
            position=_entry_position(arrangement),
            project_name=project.name,
            applicant_name=adjustment.new_applicant.name,
            project_type=project.project_type,
            procurement_item=adjustment.new_procurement_item
            or PROCUREMENT_ITEMS[project.project_type],
            amount=adjustment.new_amount,
            start_date=adjustment.new_start_date,
            end_date=adjustment.new_end_date,
            adjustment=adjustment,
        )
    else:
        old = ArrangementEntry.unscoped.select_for_update().get(pk=adjustment.entry_id)
        if not old.is_current:
            raise ValidationError(
                _("The entry was changed by another adjustment since; request it again.")
            )
        project = old.project
        new = ArrangementEntry(
            arrangement=arrangement,
            jurisdiction=old.jurisdiction,
            project=project,
            filed_project=old.filed_project,
            position=old.position,
            project_name=adjustment.new_project_name or old.project_name,
            applicant_name=old.applicant_name,
            project_type=old.project_type,
            industry_name=old.industry_name,
            procurement_item=adjustment.new_procurement_item or old.procurement_item,
            amount=adjustment.new_amount or old.amount,
            start_date=adjustment.new_start_date or old.start_date,
            end_date=adjustment.new_end_date or old.end_date,
            replaces=old,
            adjustment=adjustment,
        )
        old.is_current = False
        old.save(update_fields=["is_current"])
        new.save()
        changed = []
        if new.project_name != project.name:
            project.name = new.project_name
            changed.append("name")
        if new.amount != project.budget_amount:
            project.budget_amount = new.amount
            changed.append("budget_amount")
        if changed:
            project.save(update_fields=changed)
        if "budget_amount" in changed or (new.start_date, new.end_date) != (
            old.start_date,
            old.end_date,
        ):
            _budget_years_replan(project, new.start_date, new.end_date, today)
    adjustment.project = project
    adjustment.published_by = user
    adjustment.published_at = timezone.now()
    adjustment.save(update_fields=["project", "published_by", "published_at"])
    return adjustment
