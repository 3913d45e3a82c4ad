"""Reads of the expert review, each starting from the user's scope."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, Sum

from .computed import ComputedScore, computed_scores
from .models import (
    AssignmentStatus,
    ExpertAssignment,
    ExpertProfile,
    ExpertRelation,
    ItemScore,
    OrganisationEvent,
    ReviewResult,
    ReviewRound,
)
from .results import deviation_flags, expert_statistics, sheet_totals
from .rubric import SheetRow


def my_assignments(*, user):
    return (
        ExpertAssignment.objects.for_user(user)
        .filter(expert=user)
        .select_related("application__applicant", "round__call")
        .order_by("status", "application__number")
    )


def assignment_get(*, user, pk: int) -> ExpertAssignment:
    """One sheet with what it renders from: the application's team and past projects feed
    the computed items."""
    return (
        ExpertAssignment.objects.for_user(user)
        .select_related("application__call", "application__applicant", "round__call", "expert")
        .prefetch_related(
            "scores",
            "application__teammember_set",
            "application__pastproject_set",
            "application__insuranceyear_set",
        )
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


def round_applications(*, user, review_round):
    """The round's applications (those given experts), for the board's paged table: each with
    its submitted sheets counted, its result and its experts' assignments (one query a page)."""
    from apps.applications.models import Application

    return (
        Application.objects.for_user(user)
        .filter(
            pk__in=ExpertAssignment.unscoped.filter(round=review_round).values("application_id")
        )
        .annotate(
            sheets_submitted=Count(
                "expert_assignments",
                filter=Q(
                    expert_assignments__round=review_round,
                    expert_assignments__status=AssignmentStatus.SUBMITTED,
                ),
            )
        )
        .select_related("applicant", "review_result")
        .prefetch_related(
            Prefetch(
                "expert_assignments",
                queryset=ExpertAssignment.unscoped.filter(round=review_round)
                .select_related("expert")
                .order_by("expert__username"),
                to_attr="round_assignments",
            )
        )
    )


def round_summary(*, review_round) -> dict:
    """Counts over the whole round, whatever page of the board is shown."""
    by_status = dict(
        ExpertAssignment.unscoped.filter(round=review_round)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    results = ReviewResult.unscoped.filter(round=review_round).aggregate(
        ranked_count=Count("pk", filter=Q(rank__isnull=False)),
        proposed_count=Count("pk", filter=Q(proposed=True)),
        proposed_amount=Sum("amount", filter=Q(proposed=True)),
    )
    return {
        "applications": ExpertAssignment.unscoped.filter(round=review_round)
        .values("application_id")
        .distinct()
        .count(),
        "assignments": sum(by_status.values()),
        "submitted": by_status.get(AssignmentStatus.SUBMITTED, 0),
        "pending": by_status.get(AssignmentStatus.ASSIGNED, 0),
        "conflicts": by_status.get(AssignmentStatus.CONFLICT, 0),
        **results,
    }


def round_results_all(*, user):
    return ReviewResult.objects.for_user(user).select_related("round__call")


def round_consistency(*, review_round):
    """Deviation flags and per-expert statistics; the office sees them once scoring closed
    (experts never see each other's scores)."""
    rubric = review_round.rubric
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


def review_calls(*, user):
    """Calls of the user's region with their review round, newest first."""
    from apps.calls.selectors import call_list

    return call_list(user=user).select_related("review_round").order_by("-year", "pk")


def expert_pool(*, user):
    return (
        ExpertProfile.objects.filter(pool__in=_pool_roots(user))
        .select_related("user__organisation", "pool")
        .prefetch_related("relations__organisation")
        .order_by("user__username")
    )


def _pool_roots(user):
    from apps.jurisdictions.models import Jurisdiction

    if user.is_superuser:
        return Jurisdiction.objects.filter(parent__isnull=True)
    return [user.organisation.jurisdiction.root]


@dataclass(frozen=True)
class SheetLine:
    row: SheetRow
    saved: ItemScore | None
    computed: ComputedScore | None


def sheet_lines(*, rubric, assignment) -> list[tuple]:
    """(first level, [(indicator, [SheetLine…])…]) in rubric order, for the sheet form and
    its exports."""
    saved = {score.item_code: score for score in assignment.scores.all()}
    computed = computed_scores(rubric, assignment.application)
    return [
        (
            first_level,
            [
                (
                    indicator,
                    [SheetLine(r, saved.get(r.code), computed.get(r.code)) for r in indicator.rows],
                )
                for indicator in first_level.indicators
            ],
        )
        for first_level in rubric.first_levels
    ]


def my_relations(*, user):
    return ExpertRelation.objects.filter(expert__user=user).select_related("organisation")


def organisation_events(*, user):
    return (
        OrganisationEvent.objects.for_user(user)
        .select_related("organisation", "recorded_by", "project", "rectification_order")
        .order_by("-occurred_on", "-pk")
    )
