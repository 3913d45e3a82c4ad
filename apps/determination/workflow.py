"""The transition tables of determination, arrangement and adjustment — each step names the one
role that may take it and at which level (本级 unless stated)."""

from apps.accounts.roles import Role
from apps.core.levels import Level
from apps.core.workflow import Transition, TransitionTable

from .models import (
    AdjustmentStatus,
    ArrangementStatus,
    BudgetExceptionStatus,
    DeterminationStatus,
)

D = DeterminationStatus
DETERMINATION_WORKFLOW = TransitionTable(
    field="status",
    transitions=[
        # 提请同级领导小组成员单位联席会议审查 (HB §6)
        Transition("record_meeting", D.PROPOSED, D.MEETING_HELD, {Role.OFFICE}, clause="HB §6"),
        # 报请同级人力资源社会保障部门审核确定
        Transition("submit", D.MEETING_HELD, D.SUBMITTED, {Role.OFFICE}),
        Transition("approve", D.SUBMITTED, D.APPROVED, {Role.HRSS}),
        Transition("return", D.SUBMITTED, D.RETURNED, {Role.HRSS}, note_required=True),
        Transition("revise", D.RETURNED, D.PROPOSED, {Role.OFFICE}),
        # 上传至管理平台备案
        Transition("file", D.APPROVED, D.FILED, {Role.OFFICE}),
    ],
)

ARRANGEMENT_WORKFLOW = TransitionTable(
    field="status",
    transitions=[
        Transition("publish", ArrangementStatus.DRAFT, ArrangementStatus.PUBLISHED, {Role.OFFICE}),
    ],
)

A = AdjustmentStatus
ADJUSTMENT_WORKFLOW = TransitionTable(
    field="status",
    transitions=[
        # 须经省领导小组相关成员单位同意 (HB §7)
        Transition(
            "consent",
            A.REQUESTED,
            A.CONSENTED,
            {Role.MEMBER_UNIT},
            Level.ORGANISATION,
            clause="HB §7",
        ),
        Transition(
            "refuse",
            A.REQUESTED,
            A.REFUSED,
            {Role.MEMBER_UNIT},
            Level.ORGANISATION,
            note_required=True,
            clause="HB §7",
        ),
        # 由领导小组办公室上传至管理平台并向社会公布
        Transition("publish", A.CONSENTED, A.PUBLISHED, {Role.OFFICE}),
    ],
)

B = BudgetExceptionStatus
BUDGET_EXCEPTION_WORKFLOW = TransitionTable(
    field="status",
    transitions=[
        # 原则上不得调整及跨年结转 (HB §8): an exception only with the approval of the HRSS
        # department of the same level (SPEC §3.7, product).
        Transition("approve", B.REQUESTED, B.APPROVED, {Role.HRSS}, clause="HB §8"),
        Transition(
            "refuse", B.REQUESTED, B.REFUSED, {Role.HRSS}, note_required=True, clause="HB §8"
        ),
    ],
)
