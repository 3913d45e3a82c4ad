"""Steps of supervision (HB §18, §20): the plan's review, the evaluators' confirmations of an
inspection and the review of a periodic report. What a user may do next comes from these rows
(`apps.core.workflow.actions_available`)."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.core.levels import Level
from apps.core.workflow import Transition, TransitionTable

from .models import InspectionStatus as I
from .models import PlanStatus as P
from .models import ReportStatus as R

PLAN_WORKFLOW = TransitionTable(
    field="status",
    transitions=[
        # 第三方评估机构…制定详细的《监督评估实施方案》，经领导小组办公室审核后上传至管理平台
        Transition(
            "submit",
            P.DRAFT,
            P.SUBMITTED,
            {Role.EVALUATOR},
            Level.ORGANISATION,
            starts_deadline="supervision_plan_review",
            clause="HB §18",
            label=_("Submit the plan to the office"),
        ),
        Transition(
            "submit",
            P.RETURNED,
            P.SUBMITTED,
            {Role.EVALUATOR},
            Level.ORGANISATION,
            starts_deadline="supervision_plan_review",
            clause="HB §18",
            label=_("Submit the revised plan to the office"),
        ),
        Transition(
            "approve",
            P.SUBMITTED,
            P.APPROVED,
            {Role.OFFICE},
            Level.OWN,
            clause="HB §18",
            label=_("Approve the plan"),
        ),
        Transition(
            "return",
            P.SUBMITTED,
            P.RETURNED,
            {Role.OFFICE},
            Level.OWN,
            note_required=True,
            clause="HB §18",
            label=_("Return the plan for revision (with the reason)"),
        ),
    ],
)

INSPECTION_WORKFLOW = TransitionTable(
    field="status",
    transitions=[
        # 现场勘查至少2名评估人员参加 — each evaluator confirms on his or her own account.
        Transition(
            "confirm_presence",
            I.RECORDED,
            I.RECORDED,
            {Role.EVALUATOR},
            Level.PARTICIPANT,
            clause="HB §18",
            label=_("Confirm that I took part"),
        ),
        # Enough distinct evaluators: taken by the confirmation that completes the count.
        Transition(
            "complete",
            I.RECORDED,
            I.CONFIRMED,
            {Role.EVALUATOR},
            Level.PARTICIPANT,
            clause="HB §18",
        ),
    ],
)

REPORT_WORKFLOW = TransitionTable(
    field="status",
    transitions=[
        # 第三方评估机构应定期出具并上传监督评估报告 — read and acknowledged by the office.
        Transition(
            "review",
            R.SUBMITTED,
            R.REVIEWED,
            {Role.OFFICE},
            Level.OWN,
            clause="HB §20",
            label=_("Mark the report as reviewed"),
        ),
        Transition(
            "return",
            R.SUBMITTED,
            R.RETURNED,
            {Role.OFFICE},
            Level.OWN,
            note_required=True,
            clause="HB §20",
            label=_("Return the report (with the reason)"),
        ),
    ],
)

#: Steps the pages offer (`complete` is taken inside a confirmation).
INSPECTION_PAGE_STEPS = ("confirm_presence",)
