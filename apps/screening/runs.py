"""A screening run (初评, SZ P1–P4) over a whole call, in small transactions.

The similarity step compares every application of the call at once, outside any transaction (it
only reads), then replaces the call's suspicious pairs (derived data). The checks are then
computed application by application in chunks of `CHUNK`, or fewer once they took half a
second (apps.batches.services.batch_run): each chunk commits with the run's progress, so a
province-size call never holds a lock for long — a concurrent save waits at most one chunk —
and a run stopped by a crash is resumed by the next start from the application after the last
committed chunk (the similarity step is recomputed: its result, pairs and each application's
own text, is what the checks read, and it is the same for the same applications). The run is
audited as one entry when it finishes, naming the count."""

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.applications.models import Application
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.batches.models import BatchRun
from apps.batches.services import batch_progress, batch_run
from apps.calls.models import AnnualCall

from .checks import COUNTED_STATUSES, all_checks, indicator_verdict
from .models import IndicatorVerdict, PreliminaryReview, ReviewOutcome, SimilarityPair

CHUNK = 25
RUN_KIND = "screening"


def _check_runner(user, call: AnnualCall) -> None:
    if (
        user is not None
        and not user.is_superuser
        and (user.role != Role.OFFICE or user.organisation.jurisdiction_id != call.jurisdiction_id)
    ):
        raise PermissionDenied(_("Only the office of this jurisdiction runs its screening."))


def _pairs_by_application(call: AnnualCall) -> tuple[dict, dict, int]:
    from .services import similarity_pairs_compute

    # Not in one transaction: the comparison takes minutes at a province's size and only reads;
    # its two writes (the old pairs deleted, the new ones inserted) commit each on its own, and
    # a crash between them is mended by the rerun, which computes them again.
    pairs, own_text = similarity_pairs_compute(call=call)
    found = {(p.application_id, p.other_id): p.found for p in pairs}
    by_application = defaultdict(list)
    for pair in SimilarityPair.unscoped.filter(call=call).select_related("other__applicant"):
        pair.found = found.get((pair.application_id, pair.other_id))
        by_application[pair.application_id].append(pair)
    return by_application, own_text, len(pairs) // 2


def screening_checks_compute(application: Application, pairs: list, own_text: int | None) -> bool:
    """The four indicators' checks of one application, unless a reviewer already decided it.
    Returns whether they were computed."""
    review, _created = PreliminaryReview.unscoped.get_or_create(
        application=application, defaults={"computed_at": timezone.now()}
    )
    if review.outcome != ReviewOutcome.PENDING:
        return False
    review.computed_at = timezone.now()
    review.save(update_fields=["computed_at"])
    for indicator, checks in all_checks(application, pairs, own_text=own_text).items():
        IndicatorVerdict.objects.update_or_create(
            review=review,
            indicator=indicator,
            defaults={"checks": checks, "computed_pass": indicator_verdict(checks)},
        )
    return True


def screening_run(*, call: AnnualCall, user=None, chunk: int = CHUNK) -> int:
    """Computes similarity and the P1–P4 checks for every undecided application of the call;
    resumes a run that stopped midway. Returns how many applications were computed by this
    call (a resumed run: those after the point where the last one stopped)."""
    _check_runner(user, call)
    by_application, own_text, pair_count = _pairs_by_application(call)
    computed = 0

    def work(application):
        nonlocal computed
        if screening_checks_compute(
            application, by_application[application.pk], own_text.get(application.pk)
        ):
            computed += 1

    applications = Application.unscoped.filter(
        call=call, status__in=COUNTED_STATUSES
    ).select_related("call", "applicant", "industry")
    run = batch_run(
        kind=RUN_KIND,
        key=str(call.pk),
        label=str(call),
        items=applications,
        work=work,
        chunk=chunk,
    )
    audit_record(
        action=AuditAction.UPDATE,
        object_type="calls.AnnualCall",
        object_id=call.pk,
        object_repr=str(call),
        jurisdiction_path=call.jurisdiction.path,
        message=(
            f"screening run: {computed} applications, {pair_count} suspicious pairs"
            + (f" (resumed, attempt {run.attempts})" if run.attempts > 1 else "")
        ),
    )
    return computed


def screening_run_progress(*, call: AnnualCall) -> BatchRun | None:
    """The call's latest screening run: how many applications of how many, and its state."""
    return batch_progress(kind=RUN_KIND, key=str(call.pk))
