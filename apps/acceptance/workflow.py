"""Steps of an acceptance application (HB §21–23). The project's own moves are the stage
table's rows (`apply_for_acceptance`, `accept`, `fail_acceptance` in apps/projects/lifecycle.py),
taken by the services together with the rows below."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.core.levels import Level
from apps.core.workflow import Transition, TransitionTable

from .models import AcceptanceStatus as A

ACCEPTANCE_WORKFLOW = TransitionTable(
    field="status",
    transitions=[
        # 第三方评估机构…形成项目评估验收报告，提出项目验收合格或不合格意见
        Transition(
            "report",
            A.APPLIED,
            A.APPLIED,
            {Role.EVALUATOR},
            Level.PARTICIPANT,
            clause="HB §21",
            label=_("Record the evaluation acceptance report"),
        ),
        # 项目验收须有专业审计人员参与，并对项目费用支出合规性提出审核意见
        Transition(
            "audit",
            A.APPLIED,
            A.APPLIED,
            {Role.AUDITOR},
            Level.PARTICIPANT,
            clause="HB §21",
            label=_("Record the audit opinion on the expenses"),
        ),
        # 专业技术性强的项目，应聘请专业对口的专家参与评估验收
        Transition(
            "expert_opinion",
            A.APPLIED,
            A.APPLIED,
            {Role.EXPERT},
            Level.PARTICIPANT,
            clause="HB §21",
            label=_("Give an expert opinion"),
        ),
        # Report and audit opinion both on the platform: the office's turn. Taken by whoever
        # records the second of the two, as part of that step.
        Transition(
            "evaluated_pass",
            A.APPLIED,
            A.EVALUATED,
            {Role.EVALUATOR, Role.AUDITOR},
            Level.PARTICIPANT,
            clause="HB §21, §23",
        ),
        Transition(
            "evaluated_fail",
            A.APPLIED,
            A.EVALUATED_FAILED,
            {Role.EVALUATOR, Role.AUDITOR},
            Level.PARTICIPANT,
            clause="HB §21, §23",
        ),
        # 验收合格的，省、市领导小组办公室应于2个工作日内出具项目验收合格意见
        Transition(
            "accept",
            A.EVALUATED,
            A.ACCEPTED,
            {Role.OFFICE},
            Level.OWN,
            clause="HB §23",
            label=_("Issue the acceptance opinion: 合格"),
        ),
        Transition(
            "fail",
            A.EVALUATED,
            A.FAILED,
            {Role.OFFICE},
            Level.OWN,
            note_required=True,
            clause="HB §23; SZ 7.2①",
            label=_("Issue the acceptance opinion: 不合格 (with the reason)"),
        ),
        Transition(
            "fail",
            A.EVALUATED_FAILED,
            A.FAILED,
            {Role.OFFICE},
            Level.OWN,
            note_required=True,
            clause="HB §23; SZ 7.2①",
            label=_("Issue the acceptance opinion: 不合格 (with the reason)"),
        ),
    ],
)

#: Steps the pages offer as forms (the completion rows are taken inside report/audit).
PAGE_STEPS = ("report", "audit", "expert_opinion", "accept", "fail")
