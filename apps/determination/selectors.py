"""Reads of determination, filing, arrangement and adjustments — each from the user's scope."""

from django.db.models import Prefetch, Sum

from apps.calls.models import AnnualCall, CallStatus
from apps.core.workflow import action_names
from apps.review.models import RoundStatus

from .models import (
    Adjustment,
    AdjustmentStatus,
    AnnualArrangement,
    ArrangementEntry,
    ArrangementStatus,
    BudgetYear,
    Determination,
    FiledProject,
    JointMeeting,
    ProposalEntry,
)
from .workflow import DETERMINATION_WORKFLOW


def determination_calls(*, user):
    """Calls in scope whose expert review is closed, with their determination (if any)."""
    return (
        AnnualCall.objects.for_user(user)
        .exclude(status=CallStatus.DRAFT)
        .filter(review_round__status=RoundStatus.CLOSED)
        .select_related("jurisdiction", "determination")
        .order_by("-year", "jurisdiction__path")
    )


def call_get(*, user, pk: int) -> AnnualCall:
    return AnnualCall.objects.for_user(user).select_related("jurisdiction").get(pk=pk)


def determination_for_call(*, user, call) -> Determination | None:
    return (
        Determination.objects.for_user(user)
        .filter(call=call)
        .select_related("call__jurisdiction", "review_round", "proposed_by", "filed_by")
        .first()
    )


def determination_get(*, user, pk: int) -> Determination:
    return Determination.objects.for_user(user).select_related("call__jurisdiction").get(pk=pk)


def entries_of(determination: Determination, revision: int | None = None):
    return (
        ProposalEntry.objects.filter(
            determination=determination, revision=revision or determination.revision
        )
        .select_related("application")
        .order_by("position")
    )


def meetings_of(determination: Determination):
    return (
        JointMeeting.objects.filter(determination=determination)
        .select_related("minutes_file", "recorded_by")
        .prefetch_related("attendees__organisation")
        .order_by("-revision")
    )


def next_actions(*, user, determination: Determination) -> list[str]:
    """Actions of the table the user may take now (role and level, from the table)."""
    return action_names(table=DETERMINATION_WORKFLOW, instance=determination, user=user)


def filed_projects_of(*, user, determination: Determination):
    return (
        FiledProject.objects.for_user(user)
        .filter(determination=determination)
        .select_related("project", "entry")
        .prefetch_related(
            Prefetch("project__budget_years", queryset=BudgetYear.unscoped.order_by("year"))
        )
    )


def filed_project_get(*, user, pk: int) -> FiledProject:
    return (
        FiledProject.objects.for_user(user)
        .select_related("project__jurisdiction", "determination__call", "entry", "application")
        .get(pk=pk)
    )


def budget_years_of(*, user, project):
    return BudgetYear.objects.for_user(user).filter(project=project).order_by("year")


def arrangements(*, user):
    return (
        AnnualArrangement.objects.for_user(user)
        .select_related("province")
        .order_by("-year", "province__path")
    )


def arrangement_get(*, user, pk: int) -> AnnualArrangement:
    return arrangements(user=user).get(pk=pk)


def arrangement_entries(*, user, arrangement, current: bool | None = True):
    qs = ArrangementEntry.objects.for_user(user).filter(arrangement=arrangement)
    if current is not None:
        qs = qs.filter(is_current=current)
    return qs.select_related("jurisdiction", "project", "adjustment").order_by(
        "jurisdiction__path", "position", "id"
    )


def entries_total(entries) -> dict:
    return entries.aggregate(total=Sum("amount"))


def adjustments(*, user, arrangement=None):
    qs = Adjustment.objects.for_user(user)
    if arrangement is not None:
        qs = qs.filter(arrangement=arrangement)
    return qs.select_related(
        "arrangement", "jurisdiction", "entry", "consenting_unit", "requested_by"
    ).order_by("-requested_at")


def adjustment_get(*, user, pk: int) -> Adjustment:
    return adjustments(user=user).get(pk=pk)


# --- public (no login): published items only ----------------------------------------------


def public_arrangements(*, province=None, year=None):
    qs = AnnualArrangement.unscoped.filter(status=ArrangementStatus.PUBLISHED).select_related(
        "province"
    )
    if province is not None:
        qs = qs.filter(province=province)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "province__path")


def public_entries(arrangement):
    return (
        ArrangementEntry.unscoped.filter(arrangement=arrangement, is_current=True)
        .select_related("jurisdiction", "project")
        .order_by("jurisdiction__path", "position", "id")
    )


def public_adjustments(arrangement):
    return (
        Adjustment.unscoped.filter(arrangement=arrangement, status=AdjustmentStatus.PUBLISHED)
        .select_related("jurisdiction", "entry", "consenting_unit")
        .order_by("published_at")
    )
