"""A complete, valid application built through the services, for tests to vary."""

import datetime
from decimal import Decimal

from apps.accounts.roles import Role
from apps.applications import services
from tests.factories import OrganisationFactory, UserFactory

NARRATIVE = {
    "background": "本企业近三年发生工伤事故三十二起，以高处坠落和物体打击为主。",
    "main_hazards": "脚手架搭设、塔吊作业、临时用电。",
    "necessity": "一线作业人员流动性大，安全意识薄弱，亟需系统培训。",
    "feasibility": "企业具备培训场地、师资和线上学习平台。",
    "risks": "工期紧张导致参训率不足，采取分批错峰培训应对。",
    "conditions_hardware": "VR安全体验馆一座，多媒体教室三间。",
    "conditions_software": "线上学习平台一套，支持刷脸考勤。",
    "conditions_technical": "拥有注册安全工程师十二名。",
    "conditions_personnel": "专职培训人员八名。",
    "methods": "案例教学结合VR体验和现场实操。",
    "management": "设立安全培训中心作为专职部门。",
    "qualitative_targets": "提升作业人员风险辨识能力。",
    "plan_content": "开展高处坠落、起重吊装等专题培训。",
    "technical_specs": "按照国家建筑施工安全培训大纲执行。",
    "activities": "每月组织两期集中培训和一次应急演练。",
    "expected_outputs": "培训三千人次，项目结束后十个工作日内提交书面实施报告。",
    "quality_assurance": "成立项目领导小组，建立质量考核制度。",
    "budget_basis": "参照本市培训经费支出标准测算。",
}


def valid_fields(call) -> dict:
    return {
        "industry": call.key_industries.first(),
        "service_scope": "本市建筑施工企业",
        "target_groups": "一线作业人员",
        "start_date": datetime.date(call.year, 3, 1),
        "end_date": datetime.date(call.year, 11, 30),
        "amount_requested": Decimal("400000.00"),
        "enterprise_industry": "construction",
        "employees": 5000,
        "revenue_wan": Decimal("150000"),
        "assets_wan": Decimal("120000"),
        "legally_registered": True,
        "insured_locally": True,
        "major_violations": False,
        "awareness_rate": Decimal("92"),
        "pass_rate": Decimal("95"),
        "satisfaction_rate": Decimal("90"),
        "people_covered": 3000,
        "commitment_accepted": True,
        "commitment_signatory": "王总",
        "sealed": True,
        "service_industries": [call.key_industries.first()],
        **NARRATIVE,
    }


def valid_tables(call) -> dict:
    y = call.year
    return {
        "insurance_years": [
            {
                "year": y - 3 + i,
                "insured_headcount": 5000,
                "injury_incidence_rate": Decimal("2.1"),
                "fund_payment_ratio": Decimal("60"),
                "accident_injuries": 10,
                "occupational_diseases": 1,
                "main_causes": "高处坠落",
            }
            for i in range(3)
        ],
        "team": [
            {
                "is_leader": True,
                "name": "张伟",
                "title_level": "deputy_senior",
                "title_field": "安全工程",
                "degree": "master",
                "degree_field": "安全工程",
                "years_experience": 8,
                "experience_field": "安全培训",
            },
        ],
        "past_projects": [],
        "stages": [
            {
                "name": "实施阶段",
                "start_date": datetime.date(y, 3, 1),
                "end_date": datetime.date(y, 11, 30),
                "goal": "完成培训",
            },
        ],
        "budget_lines": [
            {
                "item": "师资课酬",
                "unit": "课时",
                "unit_cost": Decimal("800.00"),
                "quantity": Decimal("250"),
                "amount": Decimal("200000.00"),
                "standard": "标准",
            },
            {
                "item": "教材",
                "unit": "册",
                "unit_cost": Decimal("50.00"),
                "quantity": Decimal("4000"),
                "amount": Decimal("200000.00"),
                "standard": "询价",
            },
        ],
    }


def applicant_user(call, **org_kwargs):
    organisation = OrganisationFactory(jurisdiction=call.jurisdiction, **org_kwargs)
    return UserFactory(role=Role.APPLICANT, organisation=organisation)


def scan_pdf(label: str):
    """A small PDF, distinct per label (the evidence store keeps each content once)."""
    from django.core.files.base import ContentFile

    body = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n"
    return ContentFile(body + f"% {label}\n%%EOF\n".encode(), name="sealed-form.pdf")


def attach_sealed_scan(application, user):
    return services.application_attachment_add(
        user=user,
        application=application,
        kind=services.SEALED_FORM,
        uploaded_file=scan_pdf(application.number),
    )


def draft_application(
    call, user=None, *, fields=None, tables=None, narrative=None, sealed_scan=True
):
    user = user or applicant_user(call)
    application = services.application_create(
        user=user, call=call, project_name="建筑施工一线人员工伤预防培训", project_type="training"
    )
    data = valid_fields(call)
    data.update(narrative or {})
    data.update(fields or {})
    table_data = valid_tables(call)
    table_data.update(tables or {})
    services.application_update(user=user, application=application, fields=data, **table_data)
    if sealed_scan:
        attach_sealed_scan(application, user)
    return application, user


def submitted_application(call, user=None, **kwargs):
    application, user = draft_application(call, user, **kwargs)
    services.application_submit(user=user, application=application)
    application.refresh_from_db()
    return application, user
