"""Preliminary review (初评, SZ P1–P4): compute, then a reviewer confirms or overrides."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.applications.models import Application
from apps.applications.services import APPLICATION_WORKFLOW
from apps.calls.models import AnnualCall
from apps.core.workflow import transition_apply

from .checks import COUNTED_STATUSES, failed_checks_text
from .models import (
    Indicator,
    IndicatorVerdict,
    PreliminaryReview,
    ReviewOutcome,
    ReviewRevision,
    SimilarityPair,
)
from .similarity import SimilarityIndex

FOUR_PLACES = Decimal("0.0001")


def _reference_applications(call: AnnualCall):
    """Earlier years' applications of the same programme (province or own-root city)."""
    return Application.unscoped.filter(
        call__jurisdiction__path__startswith=call.jurisdiction.root.path,
        call__year__lt=call.year,
        status__in=COUNTED_STATUSES,
    ).select_related("applicant")


def similarity_index_for_call(*, call: AnnualCall) -> tuple[SimilarityIndex, list[Application]]:
    """The call's submitted applications plus earlier years' as references; the call's own
    text is boilerplate, and so is whatever most applications share (document frequency)."""
    current = list(
        Application.unscoped.filter(call=call, status__in=COUNTED_STATUSES).select_related(
            "applicant"
        )
    )
    near_miss = float(call.similarity_near_miss_share)
    index = SimilarityIndex(
        threshold=float(call.similarity_threshold) * near_miss,
        figure_threshold=float(call.similarity_figure_threshold) * near_miss,
        max_df=float(call.similarity_boilerplate_share),
        min_own_text=call.similarity_min_own_text,
        boilerplate_texts=[call.body] if call.body else [],
    )
    for application in current:
        index.add(str(application.pk), application.narrative_text())
    for application in _reference_applications(call):
        index.add(str(application.pk), application.narrative_text(), reference=True)
    index.build()
    return index, current


def _applicants_of(ids) -> dict[int, int]:
    return dict(Application.unscoped.filter(pk__in=ids).values_list("pk", "applicant_id"))


def similarity_pairs_compute(*, call: AnnualCall) -> tuple[list[SimilarityPair], dict]:
    """Stores every pair above the call's near-miss share of its thresholds (the reviewer sees
    near misses too); the P4 check itself uses the thresholds. Each pair's score is the measure
    it was found on (text or figures). Returns the pairs (unsaved copies carrying ``found``, the
    engine's pair with both measures) and {application id: its own text once the call's common
    text is set aside, in shingles (about characters)}.

    Only pairs of different applicants: SZ P4 asks whether the material coincides with that
    of *other units* (与其它单位提交的申报材料), so an applicant's own earlier-year text is
    not a copy (withdrawn applications are not in the index at all)."""
    index, current = similarity_index_for_call(call=call)
    current_ids = {application.pk for application in current}
    now = timezone.now()
    SimilarityPair.unscoped.filter(call=call).delete()
    found_pairs = index.suspicious_pairs()
    applicant = _applicants_of(
        {int(p.doc_a) for p in found_pairs} | {int(p.doc_b) for p in found_pairs}
    )
    pairs = []
    for found in found_pairs:
        a, b = int(found.doc_a), int(found.doc_b)
        if applicant[a] == applicant[b]:
            continue
        for application_id, other_id in ((a, b), (b, a)):
            if application_id not in current_ids:
                continue
            pair = SimilarityPair(
                call=call,
                application_id=application_id,
                other_id=other_id,
                score=Decimal(str(found.score)).quantize(FOUR_PLACES),
                jaccard=Decimal(str(found.jaccard)).quantize(FOUR_PLACES),
                basis=found.basis,
                computed_at=now,
            )
            pair.found = found
            pairs.append(pair)
    SimilarityPair.unscoped.bulk_create(pairs)
    return pairs, {a.pk: int(index.shingle_set(str(a.pk)).size) for a in current}


def screening_run(*, call: AnnualCall, user=None) -> int:
    """Computes similarity and the P1–P4 checks for every undecided application of the call,
    in small transactions and resumable (apps.screening.runs)."""
    from .runs import screening_run as run_in_chunks

    return run_in_chunks(call=call, user=user)


def _check_reviewer(reviewer, application) -> None:
    if not reviewer.is_superuser and (
        reviewer.role != Role.OFFICE
        or reviewer.organisation.jurisdiction_id != application.call.jurisdiction_id
    ):
        raise PermissionDenied(_("Only the office of this jurisdiction decides its screening."))


def _resolve_decisions(review: PreliminaryReview, decisions: dict) -> dict:
    """{indicator: (passed, reason)} for all four, or a ValidationError per indicator.

    Confirming the platform's verdict needs no reason; overriding it, or deciding where the
    platform could not, does. A confirmed failure without a typed reason takes the failed
    checks as its reason, so the applicant always reads why."""
    verdicts = {v.indicator: v for v in review.verdicts.all()}
    errors, resolved = {}, {}
    for indicator in Indicator.values:
        decision = decisions.get(indicator)
        verdict = verdicts.get(indicator)
        if decision is None or verdict is None:
            errors[indicator] = _("Decide every indicator.")
            continue
        reason = (decision.get("reason") or "").strip()
        differs = verdict.computed_pass is None or verdict.computed_pass != decision["passed"]
        if differs and not reason:
            errors[indicator] = _("Give the reason for overriding the platform's verdict.")
            continue
        if not decision["passed"] and not reason:
            reason = failed_checks_text(verdict.checks)[:500]
        resolved[indicator] = (bool(decision["passed"]), reason)
    if errors:
        raise ValidationError(errors)
    return resolved


def _apply_decisions(review: PreliminaryReview, decisions: dict) -> list[IndicatorVerdict]:
    resolved = _resolve_decisions(review, decisions)
    verdicts = sorted(review.verdicts.all(), key=lambda v: v.indicator)
    for verdict in verdicts:
        verdict.final_pass, verdict.reason = resolved[verdict.indicator]
        verdict.save()
    return verdicts


def preliminary_review_preview(
    *, reviewer, review: PreliminaryReview, decisions: dict, summary: str = ""
) -> dict:
    """What a decision would record, without recording it: the confirmation step shows it
    (outcome, each indicator's verdict and reason, the reasons the applicant will read)."""
    _check_reviewer(reviewer, review.application)
    resolved = _resolve_decisions(review, decisions)
    verdicts = sorted(review.verdicts.all(), key=lambda v: v.indicator)
    for verdict in verdicts:
        # Unsaved copies: the page lists them, nothing is written.
        verdict.final_pass, verdict.reason = resolved[verdict.indicator]
    failed = any(not v.final_pass for v in verdicts)
    return {
        "outcome": ReviewOutcome.FAILED if failed else ReviewOutcome.PASSED,
        "verdicts": verdicts,
        "summary": _summary(verdicts, summary) if failed else summary.strip(),
    }


def _summary(verdicts: list[IndicatorVerdict], summary: str) -> str:
    """The reasons given to the applicant: the reviewer's own words, else one line per failed
    indicator, in the platform's language (it is stored and read by the applicant)."""
    if summary.strip():
        return summary.strip()
    with translation.override(settings.LANGUAGE_CODE):
        return "；".join(
            f"{v.get_indicator_display()}：{v.reason}" for v in verdicts if not v.final_pass
        )


def _notify_applicant(review: PreliminaryReview, *, revised: bool = False) -> list:
    """站内通知 to the applicant's users: the outcome and, for a failure, its reasons."""
    from apps.accounts.models import User
    from apps.deadlines.models import Notification, NotificationKind

    application = review.application
    values = {
        "number": application.number,
        "project": application.project_name,
        "reasons": review.summary,
    }
    with translation.override(settings.LANGUAGE_CODE):
        if review.outcome == ReviewOutcome.PASSED:
            message = _(
                "Preliminary review of %(number)s “%(project)s”: passed; it goes on to the "
                "expert review."
            )
        else:
            message = _(
                "Preliminary review of %(number)s “%(project)s”: not passed. Reasons: %(reasons)s"
            )
        if revised:
            message = _("Revised decision. %(message)s") % {"message": message}
        text = (message % values)[:500]
    recipients = User.unscoped.filter(
        organisation_id=application.applicant_id, role=Role.APPLICANT, is_active=True
    )
    return [
        Notification.objects.create(recipient=user, kind=NotificationKind.OTHER, message=text)
        for user in recipients
    ]


@transaction.atomic
def preliminary_review_decide(
    *, reviewer, review: PreliminaryReview, decisions: dict, summary: str = ""
) -> PreliminaryReview:
    """decisions: {indicator: {"passed": bool, "reason": str}} for all four indicators.

    All four must pass for the application to go on (SZ 初评). The applicant is notified.
    """
    review = PreliminaryReview.unscoped.select_for_update().get(pk=review.pk)
    application = review.application
    _check_reviewer(reviewer, application)
    if review.outcome != ReviewOutcome.PENDING:
        raise ValidationError(_("This preliminary review has already been decided."))
    verdicts = _apply_decisions(review, decisions)
    failed = any(not v.final_pass for v in verdicts)
    review.outcome = ReviewOutcome.FAILED if failed else ReviewOutcome.PASSED
    review.reviewer, review.decided_at = reviewer, timezone.now()
    review.summary = _summary(verdicts, summary) if failed else summary.strip()
    review.save()
    transition_apply(
        table=APPLICATION_WORKFLOW,
        instance=application,
        user=reviewer,
        note=review.summary,
        action="fail_screening" if failed else "pass_screening",
        notify=False,  # _notify_applicant below tells the applicant, with every reason
    )
    _finding_for_outcome(review, verdicts)
    _notify_applicant(review)
    return review


SCREENING_FAILED = "preliminary_review_failed"


def _finding_for_outcome(review: PreliminaryReview, verdicts, *, reason: str = "") -> None:
    """A failed preliminary review is a finding against the application (SZ 初评: all four
    indicators must pass), naming the failed indicators; the applicant may answer it. A
    revision to a pass resolves it with the revision's reason."""
    from apps.findings.models import FindingSeverity
    from apps.findings.services import finding_raise, findings_resolve_for_subject

    application = review.application
    if review.outcome != ReviewOutcome.FAILED:
        findings_resolve_for_subject(
            subject=application, rule_code=SCREENING_FAILED, note=reason or review.summary
        )
        return
    failed = sorted(v.indicator for v in verdicts if not v.final_pass)
    finding_raise(
        rule_code=SCREENING_FAILED,
        key=str(review.decided_at.timestamp()) if reason else "",
        citation="SZ " + "、".join(failed),
        severity=FindingSeverity.MAJOR,
        subject=application,
        message=review.summary,
        owner_role=Role.APPLICANT,
        owner_organisation=application.applicant,
        records=[{"what": "preliminary_review", "id": review.pk, "failed": failed}],
    )


def screening_open(call: AnnualCall) -> bool:
    """The call's screening round is open until its expert review starts: from then on the
    experts work on the list of applications that passed, so a decision can no longer move."""
    from apps.review.models import ReviewRound

    return not ReviewRound.unscoped.filter(call=call).exists()


@transaction.atomic
def preliminary_review_revise(
    *, reviewer, review: PreliminaryReview, decisions: dict, reason: str, summary: str = ""
) -> PreliminaryReview:
    """Changes a recorded decision, with the reason for the change, while the call's screening
    round is open. The earlier verdicts are kept in a revision record, the application moves
    to its new status (audited with the reason) and the applicant is notified again."""
    review = PreliminaryReview.unscoped.select_for_update().get(pk=review.pk)
    application = review.application
    _check_reviewer(reviewer, application)
    if review.outcome == ReviewOutcome.PENDING:
        raise ValidationError(_("This preliminary review has not been decided yet."))
    if not screening_open(application.call):
        raise ValidationError(
            _("The expert review of this call has started; the screening can no longer change.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"revision_reason": _("Give the reason for revising the decision.")})
    before = {
        v.indicator: {"passed": v.final_pass, "reason": v.reason} for v in review.verdicts.all()
    }
    outcome_before, summary_before = review.outcome, review.summary
    verdicts = _apply_decisions(review, decisions)
    failed = any(not v.final_pass for v in verdicts)
    review.outcome = ReviewOutcome.FAILED if failed else ReviewOutcome.PASSED
    review.reviewer, review.decided_at = reviewer, timezone.now()
    review.summary = _summary(verdicts, summary) if failed else summary.strip()
    review.save()
    ReviewRevision.objects.create(
        review=review,
        revised_by=reviewer,
        revised_at=review.decided_at,
        reason=reason,
        outcome_before=outcome_before,
        outcome_after=review.outcome,
        verdicts_before=before,
        summary_before=summary_before,
    )
    if review.outcome != outcome_before:
        transition_apply(
            table=APPLICATION_WORKFLOW,
            instance=application,
            user=reviewer,
            note=reason,
            action="revise_fail_screening" if failed else "revise_pass_screening",
            notify=False,  # _notify_applicant below tells the applicant, with every reason
        )
    if review.outcome != outcome_before:
        _finding_for_outcome(review, verdicts, reason=reason)
    _notify_applicant(review, revised=True)
    return review
