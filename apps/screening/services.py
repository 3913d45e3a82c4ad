"""Preliminary review (初评, SZ P1–P4): compute, then a reviewer confirms or overrides."""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.applications.models import Application
from apps.applications.services import APPLICATION_WORKFLOW
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.calls.models import AnnualCall
from apps.core.workflow import transition_apply

from .checks import COUNTED_STATUSES, all_checks, indicator_verdict
from .models import Indicator, IndicatorVerdict, PreliminaryReview, ReviewOutcome, SimilarityPair
from .similarity import SimilarityIndex

FOUR_PLACES = Decimal("0.0001")
# Pairs above this share of the threshold are listed for the reviewer as near misses.
NEAR_MISS_SHARE = 0.8


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
    index = SimilarityIndex(
        threshold=float(call.similarity_threshold) * NEAR_MISS_SHARE,
        boilerplate_texts=[call.body] if call.body else [],
    )
    for application in current:
        index.add(str(application.pk), application.narrative_text())
    for application in _reference_applications(call):
        index.add(str(application.pk), application.narrative_text(), reference=True)
    index.build()
    return index, current


def similarity_pairs_compute(*, call: AnnualCall) -> list[SimilarityPair]:
    """Stores every pair above 0.8 × the call's threshold (the reviewer sees near misses too);
    the P4 check itself uses the threshold."""
    index, current = similarity_index_for_call(call=call)
    current_ids = {application.pk for application in current}
    now = timezone.now()
    SimilarityPair.unscoped.filter(call=call).delete()
    pairs = []
    for found in index.suspicious_pairs(
        threshold=float(call.similarity_threshold) * NEAR_MISS_SHARE
    ):
        a, b = int(found.doc_a), int(found.doc_b)
        for application_id, other_id in ((a, b), (b, a)):
            if application_id not in current_ids:
                continue
            pairs.append(
                SimilarityPair(
                    call=call,
                    application_id=application_id,
                    other_id=other_id,
                    score=Decimal(str(found.score)).quantize(FOUR_PLACES),
                    jaccard=Decimal(str(found.jaccard)).quantize(FOUR_PLACES),
                    computed_at=now,
                )
            )
    SimilarityPair.unscoped.bulk_create(pairs)
    return pairs


@transaction.atomic
def screening_run(*, call: AnnualCall, user=None) -> int:
    """Computes similarity and the P1–P4 checks for every undecided application of the call."""
    if (
        user is not None
        and not user.is_superuser
        and (user.role != Role.OFFICE or user.organisation.jurisdiction_id != call.jurisdiction_id)
    ):
        raise PermissionDenied(_("Only the office of this jurisdiction runs its screening."))
    pairs = similarity_pairs_compute(call=call)
    by_application = defaultdict(list)
    for pair in SimilarityPair.unscoped.filter(call=call).select_related("other__applicant"):
        by_application[pair.application_id].append(pair)
    applications = Application.unscoped.filter(
        call=call, status__in=COUNTED_STATUSES
    ).select_related("call", "applicant", "industry")
    computed = 0
    for application in applications:
        review, _created = PreliminaryReview.unscoped.get_or_create(
            application=application, defaults={"computed_at": timezone.now()}
        )
        if review.outcome != ReviewOutcome.PENDING:
            continue
        review.computed_at = timezone.now()
        review.save(update_fields=["computed_at"])
        for indicator, checks in all_checks(application, by_application[application.pk]).items():
            IndicatorVerdict.objects.update_or_create(
                review=review,
                indicator=indicator,
                defaults={"checks": checks, "computed_pass": indicator_verdict(checks)},
            )
        computed += 1
    audit_record(
        action=AuditAction.UPDATE,
        object_type="calls.AnnualCall",
        object_id=call.pk,
        object_repr=str(call),
        jurisdiction_path=call.jurisdiction.path,
        message=f"screening run: {computed} applications, {len(pairs) // 2} suspicious pairs",
    )
    return computed


@transaction.atomic
def preliminary_review_decide(
    *, reviewer, review: PreliminaryReview, decisions: dict, summary: str = ""
) -> PreliminaryReview:
    """decisions: {indicator: {"passed": bool, "reason": str}} for all four indicators.

    Confirming the platform's verdict needs no reason; overriding it, or deciding where the
    platform could not, does. All four must pass for the application to go on (SZ 初评).
    """
    application = review.application
    if not reviewer.is_superuser and (
        reviewer.role != Role.OFFICE
        or reviewer.organisation.jurisdiction_id != application.call.jurisdiction_id
    ):
        raise PermissionDenied(_("Only the office of this jurisdiction decides its screening."))
    if review.outcome != ReviewOutcome.PENDING:
        raise ValidationError(_("This preliminary review has already been decided."))
    verdicts = {v.indicator: v for v in review.verdicts.all()}
    errors = {}
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
        verdict.final_pass, verdict.reason = decision["passed"], reason
    if errors:
        raise ValidationError(errors)
    for verdict in verdicts.values():
        verdict.save()
    failed = [v for v in verdicts.values() if not v.final_pass]
    if failed and not summary.strip():
        summary = "；".join(
            f"{v.get_indicator_display()}: {v.reason or _('not met')}"
            for v in sorted(failed, key=lambda v: v.indicator)
        )
    review.outcome = ReviewOutcome.FAILED if failed else ReviewOutcome.PASSED
    review.reviewer, review.decided_at, review.summary = reviewer, timezone.now(), summary
    review.save()
    transition_apply(
        table=APPLICATION_WORKFLOW,
        instance=application,
        user=reviewer,
        note=summary,
        action="fail_screening" if failed else "pass_screening",
    )
    return review
