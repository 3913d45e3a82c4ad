from django.db.models import Count, Prefetch

from apps.calls.models import AnnualCall

from .models import IndicatorVerdict, PreliminaryReview, SimilarityPair


def screening_board(*, user, call: AnnualCall):
    """Every submitted application of the call with its review and highest similarity."""
    return (
        PreliminaryReview.objects.for_user(user)
        .filter(application__call=call)
        .select_related("application__applicant", "application__industry")
        .prefetch_related(
            Prefetch("verdicts", queryset=IndicatorVerdict.objects.order_by("indicator"))
        )
        .order_by("application__number")
    )


def screening_board_summary(*, user, call: AnnualCall) -> dict:
    """How many applications of the whole call stand at each outcome (one query), whatever
    page, search or filter the board shows."""
    from .models import ReviewOutcome

    counts = dict(
        PreliminaryReview.objects.for_user(user)
        .filter(application__call=call)
        .values_list("outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = [(value, label, counts.get(value, 0)) for value, label in ReviewOutcome.choices]
    return {"total": sum(counts.values()), "outcomes": rows}


def suspicious_pairs(*, user, call: AnnualCall):
    """Each pair once (the lower id first for pairs within the call), highest score first."""
    pairs = (
        SimilarityPair.objects.for_user(user)
        .filter(call=call)
        .select_related("application__applicant", "other__applicant", "other__call")
        .order_by("-score")
    )
    seen, unique = set(), []
    for pair in pairs:
        key = frozenset((pair.application_id, pair.other_id))
        if key not in seen:
            seen.add(key)
            unique.append(pair)
    return unique


def review_get(*, user, pk: int) -> PreliminaryReview:
    return (
        PreliminaryReview.objects.for_user(user)
        .select_related("application__call__jurisdiction", "application__applicant")
        .prefetch_related("verdicts")
        .get(pk=pk)
    )


def pair_get(*, user, pk: int) -> SimilarityPair:
    return (
        SimilarityPair.objects.for_user(user)
        .select_related("application__applicant", "other__applicant", "call")
        .get(pk=pk)
    )
