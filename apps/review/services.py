"""Writes of the expert review: open a round, assign, score, close, adjust the proposal."""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.applications.models import Application, ApplicationStatus
from apps.audit.forms import audit_form
from apps.batches.services import batch_run
from apps.calls.models import CallStatus
from apps.core.workflow import transition_apply

from .assignment import existing_assignments, plan_assignments
from .models import (
    AssignmentStatus,
    ExpertAssignment,
    ExpertProfile,
    ExpertRelation,
    OrganisationEvent,
    ReviewResult,
    ReviewRound,
    RoundStatus,
)
from .results import (
    combined_scores,
    deductions_for,
    propose_within_budget,
    rank_key,
    sheet_totals,
    years_before,
    zero_vetoes,
)
from .rubric import RubricError, load_rubric, rubric_check_jurisdiction, rubric_raw
from .sheets import bonus_effective, sheet_validate
from .workflow import ASSIGNMENT_WORKFLOW, ROUND_WORKFLOW


def _check_office(user, jurisdiction) -> None:
    if user.is_superuser:
        return
    if user.role != Role.OFFICE or user.organisation.jurisdiction_id != jurisdiction.pk:
        raise PermissionDenied(_("Only the office of this jurisdiction manages its review."))


def _check_open(review_round: ReviewRound) -> None:
    if review_round.status != RoundStatus.SCORING:
        raise ValidationError(_("Scoring of this call is closed."))


@transaction.atomic
def review_round_open(
    *, user, call, experts_per_application: int = 3, deviation_margin: Decimal = Decimal("15")
) -> ReviewRound:
    _check_office(user, call.jurisdiction)
    if call.status != CallStatus.CLOSED and timezone.now() <= call.closes_at:
        raise ValidationError(
            _("Applications are still being submitted; close the call before the expert review.")
        )
    if experts_per_application < 1:
        raise ValidationError(
            {"experts_per_application": _("At least one expert scores each application.")}
        )
    rubric_code = call.rubric_code
    if not rubric_code:
        raise ValidationError(_("The call names no rubric; set the rubric in force first."))
    try:
        rubric_check_jurisdiction(load_rubric(rubric_code), call.jurisdiction)
        snapshot = rubric_raw(rubric_code)
    except RubricError as error:
        raise ValidationError(str(error)) from None
    review_round = ReviewRound(
        call=call,
        rubric_code=rubric_code,
        rubric_snapshot=snapshot,
        experts_per_application=experts_per_application,
        deviation_margin=deviation_margin,
    )
    review_round.full_clean()
    review_round.save()
    return review_round


def _expert_pool(review_round):
    return list(
        ExpertProfile.objects.filter(
            pool=review_round.call.jurisdiction.root, is_active=True, user__is_active=True
        )
        .select_related("user")
        .prefetch_related("relations")
    )


ASSIGN_CHUNK = 20


def experts_assign(*, user, review_round: ReviewRound) -> list[ExpertAssignment]:
    """Gives every application that passed the preliminary review its experts. The plan is
    made first (a shortage is refused before anything is written); the assignments are then
    written 20 applications per transaction with progress (apps.batches), and a run stopped
    midway is resumed by the next call, which plans only what is still missing."""
    _check_office(user, review_round.call.jurisdiction)
    _check_open(review_round)
    applications = Application.unscoped.filter(
        call=review_round.call, status=ApplicationStatus.SCREENING_PASSED
    ).order_by("number")
    plan = plan_assignments(
        applications=applications,
        profiles=_expert_pool(review_round),
        per_application=review_round.experts_per_application,
        existing=existing_assignments(review_round),
    )
    order = {(application.pk, profile.user_id): i for i, (application, profile) in enumerate(plan)}
    experts_of = defaultdict(list)
    for application, profile in plan:
        experts_of[application.pk].append(profile.user)
    created = []

    def assign(application):
        for expert in experts_of[application.pk]:
            created.append(
                ExpertAssignment.objects.create(
                    round=review_round, application=application, expert=expert
                )
            )

    batch_run(
        kind="expert_assignment",
        key=str(review_round.pk),
        label=str(review_round),
        items=applications.filter(pk__in=list(experts_of)),
        work=assign,
        chunk=ASSIGN_CHUNK,
    )
    return sorted(created, key=lambda a: order[(a.application_id, a.expert_id)])


@transaction.atomic
def assignment_declare_conflict(*, expert, assignment: ExpertAssignment, reason: str):
    """The expert withdraws and loses access at once; the office assigns a replacement."""
    if assignment.status == AssignmentStatus.SUBMITTED:
        raise ValidationError(_("A submitted sheet cannot be withdrawn."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the conflict of interest is.")})
    transition_apply(
        table=ASSIGNMENT_WORKFLOW,
        instance=assignment,
        action="declare_conflict",
        user=expert,
        note=reason.strip(),
        changes={"conflict_reason": reason.strip()},
    )
    assignment.scores.all().delete()
    return assignment


@transaction.atomic
def expert_relation_declare(*, expert, credit_code: str, description: str) -> ExpertRelation:
    """An expert declares a relation with an organisation (employment, shareholding, kinship…):
    later assignments avoid it, and open assignments to its applications are withdrawn now."""
    from apps.accounts.models import Organisation

    profile = ExpertProfile.objects.filter(user=expert).first()
    if profile is None:
        raise PermissionDenied(_("Only experts of the pool declare relations."))
    organisation = Organisation.unscoped.filter(credit_code=credit_code.strip().upper()).first()
    if organisation is None:
        raise ValidationError(
            {"credit_code": _("No organisation on the platform has this credit code.")}
        )
    if not description.strip():
        raise ValidationError({"description": _("Say what the relation is.")})
    relation, _created = ExpertRelation.objects.update_or_create(
        expert=profile, organisation=organisation, defaults={"description": description.strip()}
    )
    open_assignments = ExpertAssignment.unscoped.filter(
        expert=expert,
        status=AssignmentStatus.ASSIGNED,
        application__applicant=organisation,
        round__status=RoundStatus.SCORING,
    )
    for assignment in open_assignments:
        assignment_declare_conflict(
            expert=expert, assignment=assignment, reason=relation.description
        )
    return relation


@transaction.atomic
def score_sheet_save(
    *,
    expert,
    assignment: ExpertAssignment,
    scores: dict,
    bonus: dict,
    vetoes: dict,
    comment: str = "",
    submit: bool = False,
    bonus_reasons: dict | None = None,
) -> ExpertAssignment:
    """Partial saves are allowed; submitting checks the whole sheet and locks it."""
    if assignment.expert_id != expert.pk:
        raise PermissionDenied(_("This is not your assignment."))
    _check_open(assignment.round)
    if assignment.status != AssignmentStatus.ASSIGNED:
        raise ValidationError(_("This sheet is submitted and locked."))
    rubric = assignment.round.rubric
    rows = sheet_validate(
        rubric=rubric,
        assignment=assignment,
        scores=scores,
        bonus=bonus,
        vetoes=vetoes,
        complete=submit,
        bonus_reasons=bonus_reasons,
    )
    # One audit entry for the sheet: its items (rows before and after) and its own fields.
    with audit_form(assignment):
        assignment.scores.all().delete()
        for row in rows:
            row.assignment = assignment
            row.save()
        bonus = bonus_effective(rubric, assignment.application, bonus, bonus_reasons or {})
        assignment.bonus = {k: str(v) for k, v in bonus.items()}
        assignment.bonus_reasons = {
            code: reason.strip() for code, reason in (bonus_reasons or {}).items() if reason.strip()
        }
        assignment.vetoes = {k: v for k, v in vetoes.items() if v}
        assignment.comment = comment
        assignment.save()
    if submit:
        # The sheet's items are in their parent's entries; the submission is one step.
        transition_apply(
            table=ASSIGNMENT_WORKFLOW,
            instance=assignment,
            action="submit",
            user=expert,
            changes={"submitted_at": timezone.now()},
        )
    return assignment


def _screening_vetoes(rubric, application) -> list[dict]:
    review = getattr(application, "preliminary_review", None)
    if review is None:
        return []
    failed = {v.indicator for v in review.verdicts.all() if v.final_pass is False}
    sources = {"screening_p1": "P1", "screening_p4": "P4"}
    return [
        {"code": v.code, "reason": v.label}
        for v in rubric.vetoes
        if sources.get(v.source) in failed
    ]


def _expert_vetoes(assignments) -> list[dict]:
    flagged = defaultdict(list)
    for assignment in assignments:
        for code, reason in assignment.vetoes.items():
            # No expert names: applicants see their own result and its vetoes.
            flagged[code].append(reason)
    return [
        {"code": code, "reason": "；".join(reasons)} for code, reasons in sorted(flagged.items())
    ]


def _deductions(rubric, application) -> list[dict]:
    reference_day = timezone.localtime(application.call.closes_at).date()
    years = max((d.within_years for d in rubric.deductions), default=0)
    events = OrganisationEvent.unscoped.filter(
        organisation_id=application.applicant_id,
        occurred_on__gte=years_before(reference_day, years),
    )
    return deductions_for(rubric, list(events), reference_day=reference_day)


def _result_for(rubric, review_round, application, assignments) -> ReviewResult:
    sheets = [sheet_totals(a, rubric.bonus_max) for a in assignments]
    combined = combined_scores(rubric, sheets)
    deductions = _deductions(rubric, application)
    deduction = sum((Decimal(d["points"]) for d in deductions), Decimal("0"))
    vetoes = (
        _expert_vetoes(assignments)
        + zero_vetoes(rubric, combined)
        + _screening_vetoes(rubric, application)
    )
    return ReviewResult(
        round=review_round,
        application=application,
        expert_count=len(sheets),
        base_score=combined["base"],
        bonus=combined["bonus"],
        deduction=deduction,
        final_score=combined["base"] + combined["bonus"] - deduction,
        first_level={k: str(v) for k, v in combined["first_level"].items()},
        deductions_detail=deductions,
        vetoes=vetoes,
        amount=application.amount_requested,
    )


def _check_every_application_fully_scored(review_round: ReviewRound) -> None:
    """Every application that passed the preliminary review has its full number of submitted
    sheets — a withdrawn expert must be replaced before scoring closes."""
    short = (
        Application.unscoped.filter(
            call=review_round.call, status=ApplicationStatus.SCREENING_PASSED
        )
        .annotate(
            sheets=Count(
                "expert_assignments",
                filter=Q(
                    expert_assignments__round=review_round,
                    expert_assignments__status=AssignmentStatus.SUBMITTED,
                ),
            )
        )
        .filter(sheets__lt=review_round.experts_per_application)
        .order_by("number")
    )
    numbers = [application.number for application in short]
    if numbers:
        raise ValidationError(
            _(
                "These applications have fewer than %(n)d submitted score sheets; assign "
                "experts in place of those who withdrew: %(numbers)s."
            )
            % {"n": review_round.experts_per_application, "numbers": "、".join(numbers)}
        )


CLOSE_KIND = "review_close"
CLOSE_CHUNK = 20


def _round_results_compute(review_round: ReviewRound) -> dict[int, ReviewResult]:
    """Every application's result, ranked and proposed within the budget, unsaved: a read of
    the submitted (locked) sheets and of the recorded events, the same each time it is made."""
    rubric = review_round.rubric
    by_application = defaultdict(list)
    submitted = (
        ExpertAssignment.unscoped.filter(round=review_round, status=AssignmentStatus.SUBMITTED)
        .select_related("application__call", "application__preliminary_review", "expert")
        .prefetch_related("scores", "application__preliminary_review__verdicts")
        .order_by("application_id", "pk")
    )
    for assignment in submitted:
        by_application[assignment.application].append(assignment)
    results = [
        _result_for(rubric, review_round, application, assignments)
        for application, assignments in by_application.items()
    ]
    ranked = sorted([r for r in results if not r.vetoed], key=rank_key)
    for position, result in enumerate(ranked, start=1):
        result.rank = position
    propose_within_budget(ranked, review_round.call.budget_total)
    return {result.application_id: result for result in results}


RESULT_AUDITED = (
    "application_id",
    "expert_count",
    "base_score",
    "bonus",
    "deduction",
    "final_score",
    "first_level",
    "deductions_detail",
    "vetoes",
    "rank",
    "amount",
    "proposed",
)


def _results_write(review_round: ReviewRound, results: list[ReviewResult]) -> None:
    """One chunk of results: inserted at once, with one audit entry naming the rows' count
    and the digest of what they hold."""
    from apps.audit.chain import rows_digest
    from apps.audit.models import AuditAction
    from apps.audit.services import audit_bulk, json_safe

    if not results:
        return
    ReviewResult.objects.bulk_create(results)
    # The digest is of the rows as stored (read back: amounts at their places).
    rows = list(
        ReviewResult.unscoped.filter(pk__in=[r.pk for r in results])
        .order_by("pk")
        .values("pk", *RESULT_AUDITED)
    )
    audit_bulk(
        action=AuditAction.CREATE,
        model=ReviewResult,
        rows_count=len(results),
        digest=rows_digest(json_safe(rows)),
        object_repr=str(review_round),
        jurisdiction_path=review_round.call.jurisdiction.path,
        object_ids=[r.pk for r in results],
        message=f"review results of {review_round}: {len(results)} applications",
    )


def review_round_close(*, user, review_round: ReviewRound) -> list[ReviewResult]:
    """Closes scoring, combines the sheets, ranks and proposes the funded list.

    The results are computed first (a read), then written 20 applications per transaction with
    progress (apps.batches), each chunk with its one audit entry; a close stopped midway is
    resumed by the next one from the application after the last chunk written, and gives the
    same results (the sheets are submitted and locked). Only then is the round closed, in one
    step of its workflow with its one audit entry: until that step the results are not shown
    (the board, the applicants' view and the exports read a closed round's results)."""
    from apps.batches.models import BatchStatus
    from apps.batches.services import batch_is_active, batch_progress, batch_start

    _check_office(user, review_round.call.jurisdiction)
    _check_open(review_round)
    pending = ExpertAssignment.unscoped.filter(
        round=review_round, status=AssignmentStatus.ASSIGNED
    ).count()
    if pending:
        raise ValidationError(_("%(n)d score sheets are not submitted yet.") % {"n": pending})
    _check_every_application_fully_scored(review_round)
    results = _round_results_compute(review_round)
    with transaction.atomic():
        # Of two closes at once, the second waits here and is refused while the first writes.
        locked = ReviewRound.unscoped.select_for_update().get(pk=review_round.pk)
        _check_open(locked)
        last = batch_progress(kind=CLOSE_KIND, key=str(review_round.pk))
        if batch_is_active(last):
            raise ValidationError(
                _("Scoring of this call is being closed now; wait until it has finished.")
            )
        if last is None or last.status == BatchStatus.FINISHED:
            # A fresh close: results left by one whose writing finished but whose closing
            # step did not happen are written again (an event recorded since may deduct).
            stale = ReviewResult.unscoped.filter(round=review_round)
            if stale.exists():
                stale.delete()
        run = batch_start(
            kind=CLOSE_KIND,
            key=str(review_round.pk),
            label=_("Results of the expert review: %(call)s") % {"call": review_round.call},
        )
    chunk_results = []

    def write_chunk():
        _results_write(review_round, chunk_results)
        chunk_results.clear()

    batch_run(
        kind=CLOSE_KIND,
        key=str(review_round.pk),
        items=Application.unscoped.filter(pk__in=list(results)),
        work=lambda application: chunk_results.append(results[application.pk]),
        flush=write_chunk,
        chunk=CLOSE_CHUNK,
        run=run,
    )
    with transaction.atomic():
        # Locks the round and re-reads it: of two closings at once, one closes, one is refused.
        transition_apply(
            table=ROUND_WORKFLOW,
            instance=review_round,
            action="close",
            user=user,
            changes={"closed_at": timezone.now()},
        )
    return list(
        ReviewResult.unscoped.filter(round=review_round, rank__isnull=False)
        .select_related("application")
        .order_by("rank")
    )


def review_close_progress(*, review_round: ReviewRound):
    """The round's latest close: how many applications' results of how many are written."""
    from apps.batches.services import batch_progress

    return batch_progress(kind=CLOSE_KIND, key=str(review_round.pk))


def _check_proposal_not_filed(call) -> None:
    """After filing (HB §6) the proposal is locked: the filed projects change only through an
    adjustment of the annual arrangement with the province member unit's consent (HB §7)."""
    from apps.determination.models import Determination, DeterminationStatus

    if Determination.unscoped.filter(call=call, status=DeterminationStatus.FILED).exists():
        raise ValidationError(
            _(
                "The proposal of this call is filed (HB §6) and can no longer change; a filed "
                "project changes only through an adjustment of the annual arrangement (HB §7)."
            )
        )


@transaction.atomic
def review_result_adjust(*, user, result: ReviewResult, proposed: bool, reason: str):
    """The office changes the proposal against the ranking, with a recorded reason."""
    _check_office(user, result.round.call.jurisdiction)
    _check_proposal_not_filed(result.round.call)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for changing the proposal.")})
    if proposed and result.vetoed:
        raise ValidationError(_("A vetoed application cannot be proposed (SZ 7.3)."))
    result.proposed = proposed
    result.adjusted_reason = reason.strip()
    result.save()
    total = sum(
        (r.amount for r in ReviewResult.unscoped.filter(round=result.round, proposed=True)),
        Decimal("0"),
    )
    if total > result.round.call.budget_total:
        raise ValidationError(
            _(
                "The proposed projects would need %(total)s yuan, "
                "more than the budget of %(budget)s yuan."
            )
            % {"total": total, "budget": result.round.call.budget_total}
        )
    return result


@transaction.atomic
def organisation_event_record(
    *,
    user,
    organisation,
    kind: str,
    occurred_on,
    description: str,
    project=None,
    evidence_upload=None,
    entry_reason: str = "",
):
    """Records a fact SZ 7.2 deducts for. Entered by hand (history from before the platform),
    it needs a supporting document and a reason (product); the document goes to the evidence
    store in the same transaction, so a refused event leaves no file behind."""
    from apps.accounts.models import Organisation
    from apps.evidence.services import evidence_upload as store_upload

    if not user.is_superuser and (
        user.role != Role.OFFICE
        or not Organisation.objects.for_user(user).filter(pk=organisation.pk).exists()
    ):
        raise PermissionDenied(_("Only an office of the organisation's region records its events."))
    if project is None and (evidence_upload is None or not entry_reason.strip()):
        raise ValidationError(
            _(
                "An event not recorded by the platform itself needs a supporting document and "
                "a reason."
            )
        )
    event = OrganisationEvent(
        organisation=organisation,
        kind=kind,
        occurred_on=occurred_on,
        description=description,
        project=project,
        recorded_by=user,
        entry_reason=entry_reason.strip(),
    )
    event.full_clean(exclude=["evidence"])
    if evidence_upload is not None:
        version = store_upload(
            uploaded_by=user,
            uploaded_file=evidence_upload,
            purpose="general",
            title=description[:100],
            jurisdiction=organisation.jurisdiction,
            organisation=organisation,
        )
        event.evidence = version.evidence_file
    event.save()
    return event
