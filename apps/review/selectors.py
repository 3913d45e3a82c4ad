from collections import defaultdict

from django.db.models import Prefetch

from .models import AssignmentStatus, ExpertAssignment, ItemScore, ReviewResult, ReviewRound
from .results import deviation_flags, expert_statistics, sheet_totals
from .rubric import load_rubric


def my_assignments(*, user):
    return (
        ExpertAssignment.objects.for_user(user)
        .filter(expert=user)
        .select_related("application__applicant", "round__call")
        .order_by("status", "application__number")
    )


def assignment_get(*, user, pk: int) -> ExpertAssignment:
    return (
        ExpertAssignment.objects.for_user(user)
        .select_related("application__call", "application__applicant", "round")
        .prefetch_related("scores")
        .get(pk=pk)
    )


def round_for_call(*, user, call):
    return ReviewRound.objects.for_user(user).filter(call=call).first()


def round_assignments(*, user, review_round):
    return (
        ExpertAssignment.objects.for_user(user)
        .filter(round=review_round)
        .select_related("application__applicant", "expert")
        .order_by("application__number", "expert__username")
    )


def round_results(*, user, review_round):
    return (
        ReviewResult.objects.for_user(user)
        .filter(round=review_round)
        .select_related("application__applicant")
        .order_by("rank", "application__number")
    )


def round_consistency(*, review_round):
    """Deviation flags and per-expert statistics; the office sees them once scoring closed
    (experts never see each other's scores)."""
    rubric = load_rubric(review_round.rubric_code)
    submitted = (
        ExpertAssignment.unscoped.filter(round=review_round, status=AssignmentStatus.SUBMITTED)
        .select_related("expert", "application")
        .prefetch_related(Prefetch("scores", queryset=ItemScore.objects.all()))
    )
    by_application, experts, numbers = defaultdict(list), {}, {}
    for assignment in submitted:
        by_application[assignment.application_id].append(sheet_totals(assignment, rubric.bonus_max))
        experts[assignment.expert_id] = assignment.expert
        numbers[assignment.application_id] = assignment.application.number
    flags = deviation_flags(by_application, review_round.deviation_margin)
    return {
        "flags": [(numbers[a], experts[e], d) for a, e, d in flags],
        "statistics": [(experts[s.expert_id], s) for s in expert_statistics(by_application, flags)],
    }
