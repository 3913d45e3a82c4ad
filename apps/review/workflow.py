"""The transition tables of the expert review (SZ 评审; who scores and the ranking are product
choices, SPEC §3.4): the expert named on a sheet submits it or withdraws for a conflict of
interest; the office of the call's level closes the scoring."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.core.levels import Level
from apps.core.workflow import Transition, TransitionTable

from .models import AssignmentStatus, RoundStatus

EXPERT = frozenset({Role.EXPERT})

ASSIGNMENT_WORKFLOW = TransitionTable(
    field="status",
    transitions=[
        Transition(
            "submit",
            AssignmentStatus.ASSIGNED,
            AssignmentStatus.SUBMITTED,
            EXPERT,
            Level.PERSON,
            clause="SZ 评审",
            label=_("Submit the sheet"),
        ),
        Transition(
            "declare_conflict",
            AssignmentStatus.ASSIGNED,
            AssignmentStatus.CONFLICT,
            EXPERT,
            Level.PERSON,
            note_required=True,
            clause="SZ 评审 (product: conflicts)",
            label=_("Declare a conflict of interest"),
        ),
    ],
)

ROUND_WORKFLOW = TransitionTable(
    field="status",
    transitions=[
        Transition(
            "close",
            RoundStatus.SCORING,
            RoundStatus.CLOSED,
            {Role.OFFICE},
            clause="SZ 评审 (product: ranking)",
            label=_("Close scoring and rank"),
        ),
    ],
)
