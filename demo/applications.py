"""Demo call of 石家庄 for 2027 with submitted applications, one pair of them copied."""

import datetime
import json
import random
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from apps.accounts.models import Organisation, User
from apps.accounts.roles import OrganisationKind as K
from apps.accounts.roles import Role
from apps.applications import services as application_services
from apps.calls.models import AnnualCall
from apps.calls.services import call_create, call_publish
from apps.core.validators import make_unified_social_credit_code
from apps.jurisdictions.models import Jurisdiction, KeyIndustry
from apps.screening.services import screening_run

SHANGHAI = ZoneInfo("Asia/Shanghai")
CALL_BODY = (
    "一、申报范围：本市重点行业领域的工伤预防培训和宣传项目。\n"
    "二、申报条件：根据《工伤保险条例》第十二条规定，工伤保险基金用于工伤预防的宣传、培训等费用。"
    "申报单位应当依法登记、具有独立法人资格、在本市参加工伤保险且近三年无重大违法违规行为。\n"
    "三、申报材料：工伤预防项目申请表、可行性分析报告（项目背景、实施条件、实施对象、绩效目标、实施方案、预算清单）。\n"
    "四、其他事项：申报单位对申报材料的真实性负责。"
)

SUBJECTS = [
    "一线作业人员",
    "班组长",
    "特种作业人员",
    "新入职员工",
    "安全管理人员",
    "农民工",
    "外包队伍",
]
TOPICS = [
    "高处坠落防范",
    "有限空间作业",
    "危险化学品储存",
    "机械伤害防护",
    "触电事故预防",
    "职业病危害识别",
    "应急救援演练",
    "个人防护用品使用",
    "起重吊装安全",
    "粉尘防爆",
]
METHODS = ["VR沉浸式体验", "案例教学", "现场实操", "线上微课", "情景模拟", "知识竞赛", "班前会宣讲"]
PLACES = ["施工现场", "生产车间", "培训教室", "项目部", "仓储区", "社区服务站"]
VERBS = ["组织开展", "系统讲授", "重点演示", "分批实施", "集中培训", "跟踪评估"]


def _sentence(rng: random.Random, serial: int) -> str:
    return (
        f"{rng.choice(VERBS)}{rng.choice(SUBJECTS)}的{rng.choice(TOPICS)}内容，"
        f"在{rng.choice(PLACES)}采用{rng.choice(METHODS)}方式，"
        f"第{serial}阶段计划覆盖{rng.randint(80, 900)}人次，"
        f"预期{rng.choice(TOPICS)}相关隐患减少{rng.randint(10, 45)}%。"
    )


def _texts() -> dict[str, dict[str, str]]:
    path = Path(__file__).resolve().parent / "data" / "demo_application_texts.json"
    return json.loads(path.read_text(encoding="utf-8"))["applicants"]


def _copied(original: dict[str, str], seed: int, share: float = 0.25) -> dict[str, str]:
    """The original with about `share` of its sentences rewritten (SZ P4's 雷同)."""
    rng = random.Random(seed)
    result = {}
    for name, text in original.items():
        sentences = [s + "。" for s in text.split("。") if s]
        result[name] = "".join(_sentence(rng, 99) if rng.random() < share else s for s in sentences)
    return result


APPLICANTS = [
    # key, name, kind, SME industry, employees, revenue (万元), assets (万元), key industry
    (
        "sjz_builder",
        "石家庄城建集团有限公司",
        K.APPLICANT_ENTERPRISE,
        "construction",
        5200,
        "150000",
        "120000",
        "construction",
    ),
    (
        "sjz_chem",
        "石家庄化工股份有限公司",
        K.APPLICANT_ENTERPRISE,
        "industry",
        1600,
        "68000",
        "90000",
        "hazardous_chemicals",
    ),
    (
        "sjz_materials",
        "石家庄恒信新材料有限公司",
        K.APPLICANT_ENTERPRISE,
        "industry",
        420,
        "9000",
        "12000",
        "hazardous_chemicals",
    ),
    (
        "sjz_machinery",
        "石家庄精工机械有限公司",
        K.APPLICANT_ENTERPRISE,
        "industry",
        80,
        "1500",
        "2000",
        "manufacturing",
    ),
    (
        "sjz_assoc",
        "石家庄市建筑业协会",
        K.INDUSTRY_ASSOCIATION,
        "other",
        12,
        None,
        None,
        "construction",
    ),
]


def _applicant_user(key, name, kind, serial) -> User:
    jurisdiction = Jurisdiction.objects.get(code="130100")
    organisation = Organisation.unscoped.filter(name=name).first()
    if organisation is None:
        organisation = Organisation.unscoped.create(
            name=name,
            kind=kind,
            jurisdiction=jurisdiction,
            credit_code=make_unified_social_credit_code(
                division="130100", org_body=f"MB{serial:06d}"
            ),
        )
    username = "applicant" if key == "sjz_builder" else f"applicant_{key.split('_')[1]}"
    user = User.unscoped.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            full_name=f"{name} 申报专员",
            role=Role.APPLICANT,
            organisation=organisation,
        )
        from demo.seed import DEMO_PASSWORD

        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _full_fields(call, industry_code, facts, narrative) -> dict:
    sme_industry, employees, revenue, assets = facts
    return {
        "industry": call.key_industries.get(code=industry_code),
        "service_scope": "石家庄市辖区内重点行业领域企业",
        "target_groups": "一线作业人员及班组长",
        "start_date": datetime.date(2027, 3, 1),
        "end_date": datetime.date(2027, 11, 30),
        "amount_requested": Decimal("400000.00"),
        "enterprise_industry": sme_industry,
        "employees": employees,
        "revenue_wan": Decimal(revenue) if revenue else None,
        "assets_wan": Decimal(assets) if assets else None,
        "legally_registered": True,
        "insured_locally": True,
        "major_violations": False,
        "awareness_rate": Decimal("92"),
        "pass_rate": Decimal("95"),
        "satisfaction_rate": Decimal("90"),
        "people_covered": 3000,
        "commitment_accepted": True,
        "commitment_signatory": "法定代表人",
        "sealed": True,
        "service_industries": [call.key_industries.get(code=industry_code)],
        **narrative,
    }


def attach_sealed_scan(user: User, application) -> None:
    """The scan of the signed and sealed form, which SZ P2② checks for (a stand-in PDF)."""
    from django.core.files.base import ContentFile

    pdf = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n"
        + f"% demo sealed application form {application.number}\n%%EOF\n".encode()
    )
    application_services.application_attachment_add(
        user=user,
        application=application,
        kind=application_services.SEALED_FORM,
        uploaded_file=ContentFile(pdf, name=f"{application.number}-sealed-form.pdf"),
    )


TABLES = {
    "insurance_years": [
        {
            "year": y,
            "insured_headcount": 5000 + i * 100,
            "injury_incidence_rate": Decimal("2.1"),
            "fund_payment_ratio": Decimal("65.5"),
            "accident_injuries": 12 - i,
            "occupational_diseases": 1,
            "main_causes": "高处坠落、物体打击",
        }
        for i, y in enumerate((2023, 2024, 2025))
    ],
    "team": [
        {
            "is_leader": True,
            "name": "张伟",
            "title_level": "deputy_senior",
            "title_field": "安全工程",
            "degree": "master",
            "degree_field": "安全科学与工程",
            "years_experience": 8,
            "experience_field": "安全生产培训",
        },
        {
            "is_leader": False,
            "name": "李娜",
            "title_level": "intermediate",
            "title_field": "职业卫生",
            "degree": "bachelor",
            "degree_field": "预防医学",
            "years_experience": 5,
            "experience_field": "职业卫生",
        },
    ],
    "past_projects": [
        {
            "name": "2025年建筑施工安全培训",
            "completed_on": datetime.date(2025, 10, 30),
            "client": "石家庄市应急管理局",
        }
    ],
    "stages": [
        {
            "name": "准备阶段",
            "start_date": datetime.date(2027, 3, 1),
            "end_date": datetime.date(2027, 3, 31),
            "goal": "完成课程开发和师资准备",
        },
        {
            "name": "实施阶段",
            "start_date": datetime.date(2027, 4, 1),
            "end_date": datetime.date(2027, 10, 31),
            "goal": "完成3000人次培训",
        },
        {
            "name": "总结阶段",
            "start_date": datetime.date(2027, 11, 1),
            "end_date": datetime.date(2027, 11, 30),
            "goal": "考核评估并提交实施报告",
        },
    ],
    "budget_lines": [
        {
            "item": "师资课酬",
            "unit": "课时",
            "unit_cost": Decimal("800.00"),
            "quantity": Decimal("200"),
            "amount": Decimal("160000.00"),
            "standard": "市级培训课酬标准",
        },
        {
            "item": "教材印制",
            "unit": "册",
            "unit_cost": Decimal("40.00"),
            "quantity": Decimal("3000"),
            "amount": Decimal("120000.00"),
            "standard": "询价",
        },
        {
            "item": "场地及设备",
            "unit": "场",
            "unit_cost": Decimal("2000.00"),
            "quantity": Decimal("60"),
            "amount": Decimal("120000.00"),
            "standard": "市场价",
        },
    ],
}


def demo_call_with_applications(office: User) -> AnnualCall:
    existing = AnnualCall.unscoped.filter(title__startswith="石家庄市2027年度").first()
    if existing is not None:
        return existing
    jurisdiction = office.organisation.jurisdiction
    call = call_create(
        user=office,
        jurisdiction=jurisdiction,
        key_industries=list(
            KeyIndustry.objects.filter(
                province=jurisdiction.root,
                code__in=["construction", "hazardous_chemicals", "manufacturing"],
            )
        ),
        year=2027,
        title="石家庄市2027年度工伤预防项目申报通知",
        body=CALL_BODY,
        allows_training=True,
        allows_promotion=True,
        budget_total=Decimal("3000000.00"),
        max_amount_per_application=Decimal("500000.00"),
        max_applications_per_applicant=1,
        min_awareness_rate=Decimal("85"),
        min_pass_rate=Decimal("90"),
        min_satisfaction_rate=Decimal("85"),
        opens_at=datetime.datetime(2026, 9, 1, 9, 0, tzinfo=SHANGHAI),
        closes_at=datetime.datetime(2026, 12, 31, 17, 0, tzinfo=SHANGHAI),
        rubric_code="hebei-2027",
        similarity_threshold=Decimal("0.50"),
    )
    call_publish(user=office, call=call)
    texts = _texts()
    texts["sjz_materials"] = _copied(texts["sjz_chem"], seed=7)
    for serial, (key, name, kind, sme, employees, revenue, assets, industry) in enumerate(
        APPLICANTS, start=1
    ):
        user = _applicant_user(key, name, kind, serial)
        promotion = kind == K.INDUSTRY_ASSOCIATION
        short_name = name.removesuffix("有限公司").removesuffix("股份")
        application = application_services.application_create(
            user=user,
            call=call,
            project_name=short_name + ("工伤预防宣传项目" if promotion else "工伤预防培训项目"),
            project_type="promotion" if promotion else "training",
        )
        application_services.application_update(
            user=user,
            application=application,
            fields=_full_fields(call, industry, (sme, employees, revenue, assets), texts[key]),
            **TABLES,
        )
        attach_sealed_scan(user, application)
        application_services.application_submit(user=user, application=application)
    screening_run(call=call)
    return call
