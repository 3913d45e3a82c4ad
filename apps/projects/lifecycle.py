"""The project's lifecycle (HB §3–23): its stages and the one table of moves between them.

A project is made when its application is filed (HB §6, `project_create`), or added to a
published arrangement by an adjustment (HB §7); before that the application carries the first
stages (application, preliminary review, expert review — `apps.applications`,
`apps.screening`, `apps.review`). From then on every change of `Project.stage` is a row of
`PROJECT_LIFECYCLE`, applied by `apps.projects.services.project_stage_advance` — the only
writer of the stage. Each row states who moves the project (role and level) and the clause.
"""

from apps.accounts.roles import Role
from apps.core.levels import Level
from apps.core.workflow import Transition, TransitionTable

from .models import ProjectStage

S = ProjectStage

#: The stages a project can be made in: filed by the office (HB §6), or added to a published
#: arrangement by an adjustment (HB §7).
INITIAL_STAGES = (S.DETERMINATION, S.ARRANGED)

#: Stages carried by the application before a project exists (shown on the lifecycle bar).
APPLICATION_STAGES = (S.APPLICATION, S.SCREENING, S.EXPERT_REVIEW)

PROJECT_LIFECYCLE = TransitionTable(
    field="stage",
    transitions=[
        # 省研究确定年度全省工伤预防项目安排，由省领导小组办公室上传
        Transition(
            "arrange", S.DETERMINATION, S.ARRANGED, {Role.OFFICE}, Level.PROVINCE, clause="HB §6"
        ),
        # 省、市社会保险行政部门按照政府采购有关规定组织项目采购
        Transition("procure", S.ARRANGED, S.PROCUREMENT, {Role.HRSS}, clause="HB §9"),
        Transition("award", S.PROCUREMENT, S.CONTRACT, {Role.HRSS}, clause="HB §9–11"),
        # 同级社会保险经办机构签订服务协议，并在15日内拨付50%预付款
        Transition("start", S.CONTRACT, S.IMPLEMENTATION, {Role.SI_AGENCY}, clause="HB §11"),
        # 项目实施完成后，实施机构提出验收申请
        Transition(
            "apply_for_acceptance",
            S.IMPLEMENTATION,
            S.ACCEPTANCE,
            {Role.IMPLEMENTER},
            Level.PARTICIPANT,
            clause="HB §21",
        ),
        # 验收合格的，领导小组办公室出具验收意见
        Transition("accept", S.ACCEPTANCE, S.PAYMENT, {Role.OFFICE}, clause="HB §23"),
        Transition(
            "fail_acceptance",
            S.ACCEPTANCE,
            S.IMPLEMENTATION,
            {Role.OFFICE},
            note_required=True,
            clause="HB §23",
        ),
        # 第三方评估机构对项目资料进行清点、收集，确保项目归档资料齐全
        Transition(
            "archive", S.PAYMENT, S.ARCHIVED, {Role.EVALUATOR}, Level.PARTICIPANT, clause="HB §23"
        ),
    ],
)

#: The order of the stages, for the lifecycle bar and for "has the project reached …".
STAGE_ORDER = list(S.values)


def stage_reached(project, stage: str) -> bool:
    return STAGE_ORDER.index(project.stage) >= STAGE_ORDER.index(stage)
