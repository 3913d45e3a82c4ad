"""Steps of a rectification order (HB §20; SZ 7.2②) as rows: state → action → next state,
who (role) at which level, the clause.

Rows without roles are the platform's own steps (the daily sweep: `escalate` when the day passes
unremedied, `record_unremedied` when the urged day passes too); no user is offered them.

Who confirms a remedy is a product choice (SPEC §11: "closing an order only after the
evaluator confirms the fix"): `WIPP_RECTIFICATION_CONFIRMER = "evaluator"` (default: the
project's evaluation agency) or `"raiser"` (the organisation that raised the order).
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.core.levels import Level
from apps.core.workflow import Transition, TransitionTable

from .models import OrderState as S

PLATFORM = frozenset()
AGENCY = frozenset({Role.IMPLEMENTER})
RAISERS = frozenset({Role.MEMBER_UNIT, Role.EVALUATOR})
OFFICE = frozenset({Role.OFFICE})

CONFIRMERS = ("evaluator", "raiser")

#: Steps the pages offer (the platform's own steps are never offered).
PAGE_STEPS = ("answer", "confirm", "return", "close", "urge")


def confirmer() -> str:
    value = getattr(settings, "WIPP_RECTIFICATION_CONFIRMER", "evaluator")
    return value if value in CONFIRMERS else "evaluator"


def _confirm_rows(action, target, *, label, note_required=False) -> list[Transition]:
    if confirmer() == "raiser":
        # The organisation that raised the order (a member unit or the evaluation agency).
        return [
            Transition(
                action,
                S.ANSWERED,
                target,
                RAISERS,
                Level.ORGANISATION,
                note_required=note_required,
                clause="HB §20",
                label=label,
            )
        ]
    # An evaluator of the project's evaluation agency (product choice, SPEC §11).
    return [
        Transition(
            action,
            S.ANSWERED,
            target,
            frozenset({Role.EVALUATOR}),
            Level.PARTICIPANT,
            note_required=note_required,
            clause="HB §20",
            label=label,
        )
    ]


def rectification_workflow() -> TransitionTable:
    answer = [
        # 由领导小组办公室督促项目实施机构整改 — the agency answers with its remedy, also late.
        Transition(
            "answer",
            source,
            S.ANSWERED,
            AGENCY,
            Level.PARTICIPANT,
            clause="HB §20",
            label=_("Answer with the remedy and its evidence"),
        )
        for source in (S.ISSUED, S.RETURNED, S.ESCALATED, S.URGED, S.UNREMEDIED)
    ]
    close = [
        Transition(
            "close",
            S.CONFIRMED,
            S.CLOSED,
            OFFICE,
            Level.OWN,
            clause="HB §20",
            label=_("Close the order"),
        ),
        Transition(
            "close",
            S.CONFIRMED,
            S.CLOSED,
            RAISERS,
            Level.ORGANISATION,
            clause="HB §20",
            label=_("Close the order"),
        ),
    ]
    platform = [
        # The day passed without a remedy: the office of the project's level takes it up.
        Transition("escalate", source, S.ESCALATED, PLATFORM, clause="HB §20")
        for source in (S.ISSUED, S.RETURNED)
    ] + [
        # 经督促仍逾期不改正 — the urged day passed too: the SZ 7.2② event.
        Transition("record_unremedied", source, S.UNREMEDIED, PLATFORM, clause="SZ 7.2②")
        for source in (S.URGED, S.RETURNED)
    ]
    return TransitionTable(
        field="state",
        transitions=[
            *answer,
            *_confirm_rows("confirm", S.CONFIRMED, label=_("Confirm the remedy")),
            *_confirm_rows(
                "return",
                S.RETURNED,
                label=_("Return: not remedied (with the reason)"),
                note_required=True,
            ),
            *close,
            Transition(
                "urge",
                S.ESCALATED,
                S.URGED,
                OFFICE,
                Level.OWN,
                note_required=True,
                clause="HB §20",
                label=_("Urge the agency (督促) with a new day"),
            ),
            *platform,
        ],
    )
