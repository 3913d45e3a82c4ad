"""The non-face way in: the agency's staff confirm a trainee's presence with a reason, the
office of the project's level approves or rejects it (PIPL art. 29; 人脸识别技术应用安全管理办法
(2025) art. 10: a non-face alternative must be offered to whoever does not consent)."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.core.levels import Level
from apps.core.workflow import Transition, TransitionTable

from .models import ConfirmationStatus as S

OFFICE = frozenset({Role.OFFICE})

CONFIRMATION_WORKFLOW = TransitionTable(
    field="status",
    transitions=[
        Transition(
            "approve", S.PENDING, S.APPROVED, OFFICE, Level.OWN, clause="HB §14", label=_("Approve")
        ),
        Transition(
            "reject",
            S.PENDING,
            S.REJECTED,
            OFFICE,
            Level.OWN,
            note_required=True,
            clause="HB §14",
            label=_("Reject"),
        ),
    ],
)
