"""Demo procurement, through the services: 石家庄's promotion project published with its
requirements, 石家庄's training project awarded to 石家庄安培 with its plan approved, the
agreement signed and the advance paid, and 唐山's training project awarded with the plan review
overdue. Idempotent: a project that already has a procurement is left as it is.

The 石家庄 dates are fixed in 2026 (the years the calendar data covers); 唐山's award notice
is placed so that its 5 working days have passed, counted with the deadlines calendar.
"""

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Organisation, User
from apps.accounts.roles import OrganisationKind, Role
from apps.contracts import services as contract_services
from apps.core.context import ActorContext, acting_as
from apps.core.validators import make_unified_social_credit_code
from apps.deadlines.calendar import CalendarNotCovered, current_calendar
from apps.deadlines.services import deadline_rule_for, deadlines_mark_overdue
from apps.jurisdictions.models import Jurisdiction
from apps.procurement import services
from apps.procurement.models import Procurement
from apps.projects.models import Project
from demo.projects import demo_project

logger = logging.getLogger(__name__)

DEMO_PASSWORD = "Wipp@2026demo"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
FALLBACK_TS_NOTICE = datetime.date(2026, 11, 9)


def _pdf(name: str) -> ContentFile:
    return ContentFile(PDF + f"% procurement demo {name}\n".encode(), name=name)


def _user(username: str) -> User:
    return User.unscoped.get(username=username)


def _organisation(name: str) -> Organisation:
    return Organisation.unscoped.get(name=name)


def _ts_hrss() -> User:
    """唐山 has no HRSS account in the core demo: its procurement needs one."""
    user = User.unscoped.filter(username="ts_hrss").first()
    if user is not None:
        return user
    jurisdiction = Jurisdiction.objects.get(code="130200")
    organisation, _created = Organisation.unscoped.get_or_create(
        credit_code=make_unified_social_credit_code(
            authority="1", division="130200", org_body="MA9PR0C1"
        ),
        defaults={
            "name": "唐山市人力资源和社会保障局",
            "kind": OrganisationKind.HRSS_DEPARTMENT,
            "jurisdiction": jurisdiction,
        },
    )
    user = User(
        username="ts_hrss", full_name="唐山人社局 李娜", role=Role.HRSS, organisation=organisation
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _has_procurement(project: Project) -> bool:
    return Procurement.unscoped.filter(project=project).exists()


def _promotion_published() -> None:
    project = demo_project("sjz_promotion")
    if project is None or _has_procurement(project):
        return
    hrss = _user("sjz_hrss")
    procurement = services.procurement_create(
        user=hrss,
        project=project,
        title="石家庄市建筑业工伤预防宣传进工地活动服务采购",
        reference="SJZCG-2026-GS-017",
        method="competitive_consultation",
        category="onsite_promotion",
        budget_amount="260000.00",
    )
    rows = [
        (
            "工地现场宣传活动",
            "40",
            "场",
            "每场不少于 100 名一线作业人员参加，时长不少于 90 分钟",
            "每场提供签到表、现场照片（含时间、地点水印）和视频；场次、人数逐场核对，"
            "达到 40 场且每场不少于 100 人为合格",
            ("高处坠落、物体打击、触电事故案例警示与防护要点", "案例讲解 + 互动问答", 40),
            ("安全帽贴、宣传折页", 8000, "折页 A4 三折 157g 铜版纸彩印；安全帽贴 PVC 防水"),
        ),
        (
            "宣传海报",
            "500",
            "张",
            "对开，157g 铜版纸，彩色印刷，内容经办公室审定",
            "抽查 10% 张贴点位照片，张贴率不低于 95%；样品规格与采购要求一致",
            ("工伤预防知识与工伤保险政策", "海报张贴", 1),
            ("", None, ""),
        ),
    ]
    for name, quantity, unit, spec, criterion, activity, items in rows:
        item = services.requirement_add(
            user=hrss,
            procurement=procurement,
            name=name,
            quantity=quantity,
            unit=unit,
            specification=spec,
            acceptance_criterion=criterion,
        )
        content, form, sessions = activity
        item_name, item_quantity, item_spec = items
        services.promotion_activity_add(
            user=hrss,
            requirement=item,
            content=content,
            form=form,
            sessions=sessions,
            item_name=item_name,
            item_quantity=item_quantity,
            item_specification=item_spec,
        )
    services.procurement_document_add(
        user=hrss,
        procurement=procurement,
        kind="tender_documents",
        uploaded_file=_pdf("sjz-promotion-tender.pdf"),
        title="竞争性磋商文件",
    )
    services.procurement_publish(
        user=hrss,
        procurement=procurement,
        published_on=datetime.date(2026, 11, 16),
        bid_opening_on=datetime.date(2026, 12, 1),
    )


def _training_procurement(*, project, hrss, title, reference, published_on) -> Procurement:
    procurement = services.procurement_create(
        user=hrss,
        project=project,
        title=title,
        reference=reference,
        method="public_tender",
        category="training",
        budget_amount=str(project.budget_amount),
        syllabus_source="city",
        syllabus_reference=f"{project.jurisdiction.name}重点行业一线作业人员工伤预防培训大纲（2027年版）",
    )
    item = services.requirement_add(
        user=hrss,
        procurement=procurement,
        name="一线作业人员工伤预防培训",
        quantity="2000",
        unit="人",
        specification="线上 4 学时 + 线下 4 学时；每班不超过 60 人",
        acceptance_criterion="实名签到签退记录覆盖全部学员且学时达标率不低于 95%；"
        "结业考试合格率不低于 90%；每个线下班次有完整录像",
    )
    services.syllabus_line_add(
        user=hrss,
        requirement=item,
        trainee_type="一线作业人员",
        content="工伤保险政策、岗位危险源辨识、个人防护用品使用、事故应急处置",
        online_hours=Decimal("4"),
        offline_hours=Decimal("4"),
    )
    item = services.requirement_add(
        user=hrss,
        procurement=procurement,
        name="班组长工伤预防管理培训",
        quantity="200",
        unit="人",
        specification="线下 8 学时，含现场隐患排查实操",
        acceptance_criterion="签到签退与录像齐全；实操考核记录逐人在案，合格率不低于 90%",
    )
    services.syllabus_line_add(
        user=hrss,
        requirement=item,
        trainee_type="班组长",
        content="班组安全管理、隐患排查治理、工伤事故报告与处置",
        online_hours=Decimal("0"),
        offline_hours=Decimal("8"),
    )
    services.procurement_document_add(
        user=hrss,
        procurement=procurement,
        kind="tender_documents",
        uploaded_file=_pdf(f"{reference}-tender.pdf"),
        title="招标文件",
    )
    return services.procurement_publish(
        user=hrss, procurement=procurement, published_on=published_on
    )


def _training_contracted() -> None:
    project = demo_project("sjz_training")
    if project is None or _has_procurement(project):
        return
    hrss, office, si_agency = _user("sjz_hrss"), _user("sjz_office"), _user("sjz_si")
    procurement = _training_procurement(
        project=project,
        hrss=hrss,
        title="石家庄市建筑施工企业一线作业人员工伤预防培训服务采购",
        reference="SJZCG-2026-GS-009",
        published_on=datetime.date(2026, 10, 12),
    )
    services.procurement_document_add(
        user=hrss,
        procurement=procurement,
        kind="winning_bid",
        uploaded_file=_pdf("sjz-training-winning-bid.pdf"),
        title="石家庄安培职业培训学校投标文件",
    )
    award = services.procurement_award(
        user=hrss,
        procurement=procurement,
        winner=_organisation("石家庄安培职业培训学校"),
        amount="468000.00",
        notice_date=datetime.date(2026, 11, 2),
        notice_file=_pdf("sjz-training-award-notice.pdf"),
    )
    plan = services.plan_submit(
        user=_user("implementer"),
        award=award,
        uploaded_file=_pdf("sjz-training-plan.pdf"),
        title="石家庄安培职业培训学校 项目实施方案",
        submitted_on=datetime.date(2026, 11, 3),
    )
    services.plan_review(
        user=office, plan=plan, approve=True, reviewed_on=datetime.date(2026, 11, 5)
    )
    agreement = contract_services.agreement_record(
        user=si_agency,
        award=award,
        number="SJZ-GSYF-2027-001",
        amount="468000.00",
        # The service runs from a week after signing (the demo's training starts in November
        # 2026: demo/implementation.py) to the end of the budget year.
        starts_on=datetime.date(2026, 11, 16),
        ends_on=datetime.date(2027, 12, 31),
        signed_on=datetime.date(2026, 11, 10),
        uploaded_file=_pdf("sjz-training-agreement.pdf"),
    )
    contract_services.payment_record(
        user=si_agency,
        agreement=agreement,
        kind="advance",
        amount=contract_services.advance_due(agreement),
        paid_on=datetime.date(2026, 11, 12),
        uploaded_file=_pdf("sjz-training-advance-voucher.pdf"),
        note="首付款 50%",
    )


def _ts_notice_date(today: datetime.date, jurisdiction) -> datetime.date:
    """Ten days ago if its 5 working days are over by today, counted with the calendar; else
    a fixed date of 2026 (covered by the calendar data)."""
    rule = deadline_rule_for(rule_code="plan_review", jurisdiction=jurisdiction)
    candidate = today - datetime.timedelta(days=10)
    try:
        if current_calendar().due_date(rule, candidate) < today:
            return candidate
    except CalendarNotCovered:
        pass
    return FALLBACK_TS_NOTICE


def _plan_review_overdue(today: datetime.date) -> None:
    project = demo_project("ts_training")
    if project is None or _has_procurement(project):
        return
    hrss = _ts_hrss()
    notice = _ts_notice_date(today, project.jurisdiction)
    procurement = _training_procurement(
        project=project,
        hrss=hrss,
        title="唐山市冶金企业班组长工伤预防能力提升培训服务采购",
        reference="TSCG-2026-GS-004",
        published_on=notice - datetime.timedelta(days=21),
    )
    award = services.procurement_award(
        user=hrss,
        procurement=procurement,
        winner=_organisation("冀安在线工伤预防培训平台"),
        amount="505000.00",
        notice_date=notice,
        notice_file=_pdf("ts-training-award-notice.pdf"),
    )
    # The platform submitted its plan the day of the award: the office's review is what is late.
    services.plan_submit(
        user=User.unscoped.filter(organisation=award.winner, role=Role.ONLINE_PLATFORM).first(),
        award=award,
        uploaded_file=_pdf("ts-training-plan.pdf"),
        submitted_on=notice,
    )


def seed_demo_procurement(today: datetime.date | None = None) -> None:
    """Each scenario in its own transaction: one that the data cannot support (e.g. a
    calendar year nobody entered) is left out with a warning, the others stay."""
    today = today or timezone.localdate()
    with acting_as(ActorContext(username="demo-seed", via="system")):
        for scenario in (_promotion_published, _training_contracted):
            try:
                with transaction.atomic():
                    scenario()
            except ValidationError as error:
                logger.warning("demo procurement left out: %s", " ".join(error.messages))
        try:
            with transaction.atomic():
                _plan_review_overdue(today)
        except ValidationError as error:
            logger.warning("demo procurement left out: %s", " ".join(error.messages))
        deadlines_mark_overdue(today=today)
