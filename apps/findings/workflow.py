"""The finding's table: the organisation that must act answers; the office of the finding's
own level resolves it, returns the answer, or dismisses it with a reason."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.core.levels import Level
from apps.core.workflow import Transition, TransitionTable

from .models import FindingStatus as F

EVERY_ROLE = frozenset(Role.values)
OFFICE = frozenset({Role.OFFICE})

FINDING_WORKFLOW = TransitionTable(
    field="status",
    transitions=[
        Transition(
            "answer",
            F.OPEN,
            F.ANSWERED,
            EVERY_ROLE,
            Level.ORGANISATION,
            note_required=True,
            label=_("Answer"),
        ),
        Transition("resolve", F.ANSWERED, F.RESOLVED, OFFICE, label=_("Resolve")),
        Transition("resolve", F.OPEN, F.RESOLVED, OFFICE, note_required=True, label=_("Resolve")),
        Transition(
            "return", F.ANSWERED, F.OPEN, OFFICE, note_required=True, label=_("Return the answer")
        ),
        Transition("dismiss", F.OPEN, F.DISMISSED, OFFICE, note_required=True, label=_("Dismiss")),
        Transition(
            "dismiss", F.ANSWERED, F.DISMISSED, OFFICE, note_required=True, label=_("Dismiss")
        ),
    ],
)
