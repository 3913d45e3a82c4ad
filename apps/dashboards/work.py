"""需要我处理 — what waits for the user's action, read from the transition tables (issue 17
item 1): a queue is a table plus the steps of it that count as work; an object is in the user's
queue when the table lets the user take one of those steps on it now (role and level, through
`actions_available`, the same selector the pages use). No rule is restated here: a new table
row for a role puts its objects on that role's home page.

Each queue shows its first few objects and how many there are; lists stay bounded because a
queue reads at most `SCAN` candidate rows in the states its steps leave.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.workflow import TransitionTable, actions_available

SHOWN = 5
SCAN = 200


@dataclass(frozen=True)
class WorkQueue:
    code: str
    label: str
    model: Callable  # returns the model class (imported lazily)
    table: Callable  # returns the TransitionTable
    steps: frozenset[str]
    link: Callable  # object -> url
    related: tuple[str, ...] = ()
    #: rows of a child model the user may see, through its scoped parent (default: the
    #: model's own scoped manager)
    scoped: Callable | None = None
    #: only these states of the table count as work (default: every state the steps leave)
    states: frozenset[str] = frozenset()


def _queues() -> list[WorkQueue]:
    from apps.accounts.models import ComplianceDocument
    from apps.accounts.services import COMPLIANCE_REVIEW
    from apps.applications.models import Application
    from apps.applications.services import APPLICATION_WORKFLOW
    from apps.calls.models import AnnualCall
    from apps.calls.services import CALL_WORKFLOW
    from apps.determination.models import Adjustment, Determination
    from apps.determination.workflow import ADJUSTMENT_WORKFLOW, DETERMINATION_WORKFLOW
    from apps.findings.models import Finding, FindingStatus
    from apps.findings.workflow import FINDING_WORKFLOW
    from apps.procurement.models import Award, ImplementationPlan, Procurement
    from apps.procurement.services import (
        EVALUATION_PROCUREMENT,
        PLAN_REVIEW,
        PROJECT_PROCUREMENT,
    )
    from apps.projects.lifecycle import PROJECT_LIFECYCLE
    from apps.projects.models import Project
    from apps.rectification.models import RectificationOrder
    from apps.rectification.workflow import rectification_workflow
    from apps.review.models import ExpertAssignment, ReviewRound
    from apps.review.workflow import ASSIGNMENT_WORKFLOW, ROUND_WORKFLOW

    def detail(name):
        return lambda obj: reverse(name, args=[obj.pk])

    return [
        WorkQueue(
            "drafts",
            _("Applications to complete and submit"),
            lambda: Application,
            lambda: APPLICATION_WORKFLOW,
            frozenset({"submit"}),
            detail("applications:edit"),
            ("call",),
        ),
        WorkQueue(
            "screening",
            _("Applications awaiting the preliminary review"),
            lambda: Application,
            lambda: APPLICATION_WORKFLOW,
            frozenset({"pass_screening", "fail_screening"}),
            lambda a: reverse("screening:call", args=[a.call_id]),
            ("call__jurisdiction",),
        ),
        WorkQueue(
            "calls",
            _("Calls to publish"),
            lambda: AnnualCall,
            lambda: CALL_WORKFLOW,
            frozenset({"publish"}),
            detail("calls:detail"),
            ("jurisdiction",),
        ),
        WorkQueue(
            "documents",
            _("Documents on file to review"),
            lambda: ComplianceDocument,
            lambda: COMPLIANCE_REVIEW,
            frozenset({"approve"}),
            lambda d: reverse("manage:organisation_detail", args=[d.organisation_id]),
            ("organisation__jurisdiction",),
        ),
        WorkQueue(
            "sheets",
            _("Score sheets to submit"),
            lambda: ExpertAssignment,
            lambda: ASSIGNMENT_WORKFLOW,
            frozenset({"submit"}),
            detail("review:sheet"),
            ("application",),
        ),
        WorkQueue(
            "rounds",
            _("Expert reviews to close"),
            lambda: ReviewRound,
            lambda: ROUND_WORKFLOW,
            frozenset({"close"}),
            lambda r: reverse("review:round", args=[r.call_id]),
            ("call__jurisdiction",),
        ),
        WorkQueue(
            "determinations",
            _("Determinations: meeting, submission, approval, filing"),
            lambda: Determination,
            lambda: DETERMINATION_WORKFLOW,
            frozenset({"record_meeting", "submit", "approve", "revise", "file"}),
            lambda d: reverse("determination:board", args=[d.call_id]),
            ("call__jurisdiction",),
        ),
        WorkQueue(
            "adjustments",
            _("Adjustments awaiting your consent"),
            lambda: Adjustment,
            lambda: ADJUSTMENT_WORKFLOW,
            frozenset({"consent", "publish"}),
            detail("determination:adjustment"),
        ),
        WorkQueue(
            "projects",
            _("Projects to move on"),
            lambda: Project,
            lambda: PROJECT_LIFECYCLE,
            frozenset({"procure", "apply_for_acceptance", "accept", "archive"}),
            detail("projects:detail"),
            ("jurisdiction",),
        ),
        WorkQueue(
            "procurements",
            _("Procurements to publish, award or file"),
            lambda: Procurement,
            lambda: PROJECT_PROCUREMENT,
            frozenset({"publish", "award", "file"}),
            detail("procurement:detail"),
            ("jurisdiction",),
        ),
        WorkQueue(
            "evaluation_procurements",
            _("Evaluation procurements to publish, award or file"),
            lambda: Procurement,
            lambda: EVALUATION_PROCUREMENT,
            frozenset({"publish", "award", "file"}),
            detail("procurement:detail"),
            ("jurisdiction",),
        ),
        WorkQueue(
            "plans",
            _("Implementation plans to review"),
            lambda: ImplementationPlan,
            lambda: PLAN_REVIEW,
            frozenset({"approve"}),
            lambda p: reverse("procurement:detail", args=[p.award.procurement_id]),
            ("award__jurisdiction",),
            scoped=lambda user: ImplementationPlan.objects.filter(
                award__in=Award.objects.for_user(user).values("pk")
            ),
        ),
        WorkQueue(
            "findings",
            _("Findings to answer"),
            lambda: Finding,
            lambda: FINDING_WORKFLOW,
            frozenset({"answer"}),
            detail("findings:detail"),
            ("jurisdiction",),
        ),
        WorkQueue(
            "answers",
            _("Answers to findings to decide"),
            lambda: Finding,
            lambda: FINDING_WORKFLOW,
            frozenset({"resolve", "return"}),
            detail("findings:detail"),
            ("jurisdiction",),
            states=frozenset({FindingStatus.ANSWERED}),
        ),
        WorkQueue(
            "rectification_answers",
            _("Rectification orders to answer"),
            lambda: RectificationOrder,
            rectification_workflow,
            frozenset({"answer"}),
            detail("rectification:detail"),
            ("project",),
        ),
        WorkQueue(
            "rectification_confirm",
            _("Remedies of rectification orders to confirm"),
            lambda: RectificationOrder,
            rectification_workflow,
            frozenset({"confirm", "return"}),
            detail("rectification:detail"),
            ("project",),
        ),
        WorkQueue(
            "rectification_urge",
            _("Rectification orders to urge or close"),
            lambda: RectificationOrder,
            rectification_workflow,
            frozenset({"urge", "close"}),
            detail("rectification:detail"),
            ("project",),
        ),
    ]


def _candidates(queue: WorkQueue, user):
    table: TransitionTable = queue.table()
    states = {
        t.source
        for t in table.transitions
        if t.action in queue.steps and (user.is_superuser or user.role in t.roles)
    }
    if queue.states:
        states &= queue.states
    if not states:
        return None
    model = queue.model()
    visible = queue.scoped(user) if queue.scoped else model.objects.for_user(user)
    rows = visible.filter(**{f"{table.field}__in": states})
    if model.__name__ == "Procurement":
        from apps.procurement.models import ProcurementCategory

        evaluation = queue.code == "evaluation_procurements"
        rows = (
            rows.filter(category=ProcurementCategory.EVALUATION)
            if evaluation
            else rows.exclude(category=ProcurementCategory.EVALUATION)
        )
    if queue.related:
        rows = rows.select_related(*queue.related)
    return table, rows.order_by("pk")[:SCAN]


def needs_action(*, user) -> list[dict]:
    """The user's queues that hold something: label, count, the first items with links."""
    if not user.is_authenticated or user.is_superuser:
        return []
    result = []
    for queue in _queues():
        found = _candidates(queue, user)
        if found is None:
            continue
        table, rows = found
        items = [
            row
            for row in rows
            if any(
                t.action in queue.steps
                for t in actions_available(table=table, instance=row, user=user)
            )
        ]
        if items:
            result.append(
                {
                    "code": queue.code,
                    "label": queue.label,
                    "count": len(items),
                    "more": len(rows) == SCAN,
                    "items": [(str(row), queue.link(row)) for row in items[:SHOWN]],
                }
            )
    return result
