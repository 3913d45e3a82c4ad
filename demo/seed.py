"""Demo data: the Hebei province with its cities, Shenzhen, one account per role, and the
lifecycle from the call to implementation — every step through the platform's services.

Idempotent: running it again changes nothing. Used by the README's run command only.
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from apps.accounts.models import ComplianceDocument, Organisation, User
from apps.accounts.roles import OrganisationKind as K
from apps.accounts.roles import Role
from apps.core.context import ActorContext, acting_as
from apps.core.validators import make_unified_social_credit_code
from apps.jurisdictions.models import AnnualSetting, Jurisdiction, KeyIndustry
from apps.operations.reference import reference_data_load

DEMO_PASSWORD = "Wipp@2026demo"

# (key, name, kind, jurisdiction code)
ORGANISATIONS = [
    ("prov_office", "河北省工伤预防工作领导小组办公室", K.GOVERNMENT_OFFICE, "130000"),
    ("prov_member", "河北省应急管理厅", K.MEMBER_UNIT, "130000"),
    ("prov_hrss", "河北省人力资源和社会保障厅", K.HRSS_DEPARTMENT, "130000"),
    ("prov_si", "河北省社会保险事业服务中心", K.SOCIAL_INSURANCE_AGENCY, "130000"),
    ("sjz_office", "石家庄市工伤预防工作领导小组办公室", K.GOVERNMENT_OFFICE, "130100"),
    ("sjz_member", "石家庄市应急管理局", K.MEMBER_UNIT, "130100"),
    ("sjz_hrss", "石家庄市人力资源和社会保障局", K.HRSS_DEPARTMENT, "130100"),
    ("sjz_si", "石家庄市社会保险事业服务中心", K.SOCIAL_INSURANCE_AGENCY, "130100"),
    ("ts_office", "唐山市工伤预防工作领导小组办公室", K.GOVERNMENT_OFFICE, "130200"),
    ("ts_member", "唐山市应急管理局", K.MEMBER_UNIT, "130200"),
    ("ts_hrss", "唐山市人力资源和社会保障局", K.HRSS_DEPARTMENT, "130200"),
    ("bd_office", "保定市工伤预防工作领导小组办公室", K.GOVERNMENT_OFFICE, "130600"),
    ("sz_office", "深圳市工伤预防工作领导小组办公室", K.GOVERNMENT_OFFICE, "440300"),
    ("sjz_builder", "石家庄城建集团有限公司", K.APPLICANT_ENTERPRISE, "130100"),
    ("sjz_assoc", "石家庄市建筑业协会", K.INDUSTRY_ASSOCIATION, "130100"),
    ("ts_steel", "唐山钢铁集团有限责任公司", K.APPLICANT_ENTERPRISE, "130200"),
    ("bd_auto", "保定汽车零部件制造有限公司", K.APPLICANT_ENTERPRISE, "130600"),
    ("sz_logistics", "深圳市物流快递行业协会", K.INDUSTRY_ASSOCIATION, "440300"),
    ("sjz_trainer", "石家庄安培职业培训学校", K.OFFLINE_TRAINING_INSTITUTION, "130100"),
    ("ts_trainer", "唐山安泰安全技术服务有限公司", K.IMPLEMENTING_AGENCY, "130200"),
    ("online", "冀安在线工伤预防培训平台", K.ONLINE_TRAINING_PLATFORM, "130000"),
    ("evaluator", "河北正衡评估咨询有限公司", K.EVALUATION_AGENCY, "130000"),
    ("experts", "河北省工伤预防专家库", K.EXPERT_POOL, "130000"),
    ("audit_firm", "河北诚信会计师事务所", K.AUDIT_FIRM, "130000"),
]

# (username, full name, role, organisation key, second factor)
USERS = [
    ("prov_office", "省办公室 张明", Role.OFFICE, "prov_office"),
    ("prov_admin", "省用户管理员 李静", Role.USER_ADMIN, "prov_office"),
    ("prov_member", "省应急管理厅 赵刚", Role.MEMBER_UNIT, "prov_member"),
    ("prov_hrss", "省人社厅 孙丽", Role.HRSS, "prov_hrss"),
    ("prov_si", "省社保中心 周强", Role.SI_AGENCY, "prov_si"),
    ("sjz_office", "石家庄办公室 王芳", Role.OFFICE, "sjz_office"),
    ("sjz_admin", "石家庄用户管理员 刘洋", Role.USER_ADMIN, "sjz_office"),
    ("sjz_member", "石家庄应急管理局 陈晨", Role.MEMBER_UNIT, "sjz_member"),
    ("sjz_hrss", "石家庄人社局 杨帆", Role.HRSS, "sjz_hrss"),
    ("sjz_si", "石家庄社保中心 吴磊", Role.SI_AGENCY, "sjz_si"),
    ("ts_office", "唐山办公室 郑涛", Role.OFFICE, "ts_office"),
    ("ts_member", "唐山应急管理局 高远", Role.MEMBER_UNIT, "ts_member"),
    ("ts_hrss", "唐山人社局 李娜", Role.HRSS, "ts_hrss"),
    ("sz_office", "深圳办公室 黄敏", Role.OFFICE, "sz_office"),
    ("applicant", "城建集团 马超", Role.APPLICANT, "sjz_builder"),
    ("implementer", "安培培训学校 何静", Role.IMPLEMENTER, "sjz_trainer"),
    ("online_platform", "冀安在线 罗斌", Role.ONLINE_PLATFORM, "online"),
    ("evaluator", "正衡评估 许诺", Role.EVALUATOR, "evaluator"),
    ("expert", "专家 王建国", Role.EXPERT, "experts"),
    ("auditor", "审计师 李审", Role.AUDITOR, "audit_firm"),
]

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _organisations() -> dict[str, Organisation]:
    result = {}
    for serial, (key, name, kind, code) in enumerate(ORGANISATIONS, start=1):
        government = kind in {
            K.GOVERNMENT_OFFICE,
            K.MEMBER_UNIT,
            K.HRSS_DEPARTMENT,
            K.SOCIAL_INSURANCE_AGENCY,
        }
        credit_code = make_unified_social_credit_code(
            authority="1" if government else "9", division=code, org_body=f"MA{serial:06d}"
        )
        result[key], _ = Organisation.unscoped.get_or_create(
            credit_code=credit_code,
            defaults={
                "name": name,
                "kind": kind,
                "jurisdiction": Jurisdiction.objects.get(code=code),
            },
        )
    return result


def _users(organisations) -> dict[str, User]:
    result = {}
    for username, full_name, role, org_key in USERS:
        user = User.unscoped.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                role=role,
                organisation=organisations[org_key],
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        result[username] = user
    return result


# (organisation key, document, filed by, reviewed by the office of the organisation's level)
DOCUMENTS = [
    ("sjz_trainer", "confidentiality", "implementer", "sjz_office"),
    ("sjz_trainer", "implementer_account", "implementer", "sjz_office"),
    ("online", "confidentiality", "online_platform", "prov_office"),
    ("evaluator", "confidentiality", "evaluator", "prov_office"),
    ("evaluator", "evaluator_account", "evaluator", "prov_office"),
    ("evaluator", "evaluator_commitment", "evaluator", "prov_office"),
    ("experts", "confidentiality", "expert", "prov_office"),
]


def _file_documents(organisations, users) -> None:
    """The external organisations file their documents and their office approves them
    (HB §12, §18, §25), so their users see project data."""
    from apps.accounts.services import compliance_document_review, compliance_document_submit

    for org_key, kind, filer, office in DOCUMENTS:
        organisation = organisations[org_key]
        if ComplianceDocument.unscoped.filter(organisation=organisation, kind=kind).exists():
            continue
        document = compliance_document_submit(
            submitted_by=users[filer],
            organisation=organisation,
            kind=kind,
            uploaded_file=ContentFile(MINIMAL_PDF + kind.encode(), name=f"{kind}.pdf"),
            signed_on=datetime.date(2026, 10, 8),
            person=users[filer] if kind.startswith("evaluator") else None,
        )
        compliance_document_review(reviewer=users[office], document=document, action="approve")


def _annual_settings() -> None:
    budgets = {
        "130000": "12000000.00",
        "130100": "3000000.00",
        "130200": "2500000.00",
        "130600": "1800000.00",
        "440300": "8000000.00",
    }
    for code, total in budgets.items():
        jurisdiction = Jurisdiction.objects.get(code=code)
        setting, created = AnnualSetting.objects.get_or_create(
            jurisdiction=jurisdiction,
            year=2027,
            defaults={
                "budget_total": Decimal(total),
                "rubric_code": "shenzhen-2027" if code == "440300" else "",
            },
        )
        if created:
            setting.key_industries.set(KeyIndustry.objects.filter(province=jurisdiction.root))


@transaction.atomic
def demo_seed() -> dict[str, User]:
    with acting_as(ActorContext(username="demo-seed", via="system")):
        # The reference data of a production install (manage.py load_reference_data).
        reference_data_load()
        _annual_settings()
        organisations = _organisations()
        users = _users(organisations)
        _file_documents(organisations, users)
        from demo.applications import demo_call_with_applications

        demo_call_with_applications(users["sjz_office"])
        from demo.review import demo_review

        demo_review()
        from demo.determination import seed_demo_determination

        seed_demo_determination()
        from demo.projects import seed_demo_projects

        seed_demo_projects()
        from demo.qualifications import seed_demo_qualifications

        seed_demo_qualifications()
        from demo.procurement import seed_demo_procurement

        seed_demo_procurement()
        from demo.implementation import seed_demo_implementation

        seed_demo_implementation()
        from demo.supervision import seed_demo_supervision

        seed_demo_supervision()
        from demo.acceptance import seed_demo_acceptance

        seed_demo_acceptance()
        from demo.rectification import seed_demo_rectification

        seed_demo_rectification()
    return users
