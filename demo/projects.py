"""The demo's running projects beyond the reviewed 唐山 call: added to the province's published
2027 arrangement by adjustments (HB §7 — requested by the city office, consented to by the
province member unit, published), so each starts where the platform puts an added project
(stage: in the annual arrangement) and moves on only through procurement's services."""

import datetime
from decimal import Decimal

from apps.accounts.models import Organisation, User
from apps.determination import services as determination
from apps.determination.models import AnnualArrangement, ArrangementStatus
from apps.projects.models import Project
from apps.projects.services import project_participant_add

# key: (requesting office, project name, applicant, type, amount, reason)
ADDED = {
    "sjz_training": (
        "sjz_office",
        "石家庄市建筑施工企业一线作业人员工伤预防培训",
        "石家庄城建集团有限公司",
        "training",
        "480000.00",
        "省安委会部署建筑施工安全专项整治，需增加一线作业人员培训项目",
    ),
    "sjz_promotion": (
        "sjz_office",
        "石家庄市建筑业工伤预防宣传进工地活动",
        "石家庄市建筑业协会",
        "promotion",
        "260000.00",
        "配合建筑施工安全专项整治开展进工地宣传",
    ),
    "ts_training": (
        "ts_office",
        "唐山市冶金企业班组长工伤预防能力提升培训",
        "唐山钢铁集团有限责任公司",
        "training",
        "520000.00",
        "冶金企业煤气中毒事故多发，省应急管理厅要求加强班组长培训",
    ),
}


def _user(username: str) -> User:
    return User.unscoped.get(username=username)


def demo_project(key: str) -> Project | None:
    office, name, *_rest = ADDED[key]
    return Project.unscoped.filter(
        name=name, jurisdiction=_user(office).organisation.jurisdiction
    ).first()


def _add(key: str, arrangement: AnnualArrangement) -> Project:
    office_name, name, applicant, project_type, amount, reason = ADDED[key]
    office = _user(office_name)
    adjustment = determination.adjustment_request(
        user=office,
        arrangement=arrangement,
        kind="add",
        ground="special",
        subject=f"增加项目：{name}",
        after_text=f"增加《{name}》，金额 {amount} 元",
        reason=reason,
        consenting_unit=_user("prov_member").organisation,
        new_project_name=name,
        new_applicant=Organisation.unscoped.get(name=applicant),
        new_project_type=project_type,
        new_amount=Decimal(amount),
        new_start_date=datetime.date(arrangement.year, 1, 1),
        new_end_date=datetime.date(arrangement.year, 12, 31),
    )
    determination.adjustment_decide_consent(
        user=_user("prov_member"), adjustment=adjustment, consent=True, note="同意"
    )
    determination.adjustment_publish(user=office, adjustment=adjustment)
    adjustment.refresh_from_db()
    return adjustment.project


def seed_demo_projects() -> dict[str, Project]:
    arrangement = AnnualArrangement.unscoped.filter(
        province__code="130000", year=2027, status=ArrangementStatus.PUBLISHED
    ).first()
    if arrangement is None:
        return {}
    projects = {key: demo_project(key) or _add(key, arrangement) for key in ADDED}
    # The experts and the auditor of the training's acceptance (HB §21), the online platform the
    # agency chose (HB §12) and the evaluation agency of its lot (HB §17), named by the office.
    office = _user("sjz_office")
    training = projects["sjz_training"]
    for role, username in (("expert", "expert"), ("auditor", "auditor")):
        project_participant_add(user=office, project=training, role=role, person=_user(username))
    for role, organisation in (
        ("online_platform", "冀安在线工伤预防培训平台"),
        ("evaluation_agency", "河北正衡评估咨询有限公司"),
    ):
        project_participant_add(
            user=office,
            project=training,
            role=role,
            organisation=Organisation.unscoped.get(name=organisation),
        )
    return projects
