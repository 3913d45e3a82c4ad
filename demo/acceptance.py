"""The demo's project through acceptance and the balance payment (HB §21–23), through the
services only: a 石家庄 training project added to the 2027 arrangement by an adjustment (HB §7),
procured, awarded, its plan approved, its agreement signed and the advance paid (HB §9–11); the
agency applies for acceptance, the evaluation agency reports 合格, the auditor finds the
expenses compliant, an expert gives an opinion, the office issues the 合格 opinion, and the
social-insurance agency pays the balance — the ledger closes at the contract amount.

Before the application, what the agency, the evaluation agency and the office did while the
project was implemented (demo/archive.py: supervision plan, pre-start package, class and
roster, confirmed attendance, exam results, the session's recording, spending, monthly and
periodic reports). The evaluation agency then archives the project (HB §23): its record is
complete by the checklists of every stage, and read-only from then on — the demo's archived
project. Should a part be left out (no ffmpeg), the archive step is refused with the list of
what is missing, which the archive page shows. The demo's project under implementation
(`sjz_training`) is left where it is for the supervision demo."""

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from apps.acceptance import services as acceptance
from apps.accounts.models import Organisation, User
from apps.contracts import services as contracts
from apps.core.context import ActorContext, acting_as
from apps.determination import services as determination
from apps.determination.models import AnnualArrangement, ArrangementStatus
from apps.procurement import services as procurement_services
from apps.projects.models import Project
from apps.projects.services import project_participant_add
from demo.archive import seed_demo_record

logger = logging.getLogger(__name__)

NAME = "石家庄市危险化学品企业一线作业人员工伤预防培训"
APPLICANT = "石家庄城建集团有限公司"
AMOUNT = "300000.00"
WINNER = "石家庄安培职业培训学校"


def _user(username: str) -> User:
    return User.unscoped.get(username=username)


def _pdf(name: str) -> ContentFile:
    return ContentFile(b"%PDF-1.4\n% WIPP demo\n" + name.encode() + b"\n%%EOF\n", name=name)


def demo_accepted_project() -> Project | None:
    return Project.unscoped.filter(
        name=NAME, jurisdiction=_user("sjz_office").organisation.jurisdiction
    ).first()


def _added(arrangement) -> Project:
    office = _user("sjz_office")
    adjustment = determination.adjustment_request(
        user=office,
        arrangement=arrangement,
        kind="add",
        ground="special",
        subject=f"增加项目：{NAME}",
        after_text=f"增加《{NAME}》，金额 {AMOUNT} 元",
        reason="危险化学品企业事故多发，省应急管理厅要求加强一线作业人员培训",
        consenting_unit=_user("prov_member").organisation,
        new_project_name=NAME,
        new_applicant=Organisation.unscoped.get(name=APPLICANT),
        new_project_type="training",
        new_amount=Decimal(AMOUNT),
        new_start_date=datetime.date(arrangement.year, 1, 1),
        new_end_date=datetime.date(arrangement.year, 12, 31),
    )
    determination.adjustment_decide_consent(
        user=_user("prov_member"), adjustment=adjustment, consent=True, note="同意"
    )
    determination.adjustment_publish(user=office, adjustment=adjustment)
    adjustment.refresh_from_db()
    project = adjustment.project
    for role, username in (("expert", "expert"), ("auditor", "auditor")):
        project_participant_add(user=office, project=project, role=role, person=_user(username))
    project_participant_add(
        user=office,
        project=project,
        role="evaluation_agency",
        organisation=Organisation.unscoped.get(name="河北正衡评估咨询有限公司"),
    )
    return project


def _contracted(project):
    """Procurement, award, approved plan, agreement and advance (HB §9–11)."""
    from demo.procurement import _training_procurement

    hrss, office, si = _user("sjz_hrss"), _user("sjz_office"), _user("sjz_si")
    procurement = _training_procurement(
        project=project,
        hrss=hrss,
        title=f"{NAME}服务采购",
        reference="SJZCG-2026-GS-004",
        published_on=datetime.date(2026, 7, 1),
    )
    procurement_services.procurement_document_add(
        user=hrss,
        procurement=procurement,
        kind="winning_bid",
        uploaded_file=_pdf("sjz-hazchem-winning-bid.pdf"),
        title=f"{WINNER}投标文件",
    )
    award = procurement_services.procurement_award(
        user=hrss,
        procurement=procurement,
        winner=Organisation.unscoped.get(name=WINNER),
        amount=AMOUNT,
        notice_date=datetime.date(2026, 7, 20),
        notice_file=_pdf("sjz-hazchem-award-notice.pdf"),
    )
    plan = procurement_services.plan_submit(
        user=_user("implementer"),
        award=award,
        uploaded_file=_pdf("sjz-hazchem-plan.pdf"),
        title=f"{WINNER} 项目实施方案",
        submitted_on=datetime.date(2026, 7, 21),
    )
    procurement_services.plan_review(
        user=office, plan=plan, approve=True, reviewed_on=datetime.date(2026, 7, 23)
    )
    agreement = contracts.agreement_record(
        user=si,
        award=award,
        number="SJZ-GSYF-2027-002",
        amount=AMOUNT,
        starts_on=datetime.date(2026, 8, 1),
        ends_on=datetime.date(2026, 11, 20),
        signed_on=datetime.date(2026, 7, 27),
        uploaded_file=_pdf("sjz-hazchem-agreement.pdf"),
    )
    contracts.payment_record(
        user=si,
        agreement=agreement,
        kind="advance",
        amount=contracts.advance_due(agreement),
        paid_on=datetime.date(2026, 7, 30),
        uploaded_file=_pdf("sjz-hazchem-advance-voucher.pdf"),
        note="首付款 50%",
    )
    return agreement


def _accepted_and_paid(project, agreement) -> None:
    """HB §21–23: application, evaluation report, audit opinion, an expert's opinion, the
    office's 合格 opinion, the balance."""
    application = acceptance.acceptance_apply(
        user=_user("implementer"),
        project=project,
        finished_on=datetime.date(2026, 11, 20),
        summary="完成危险化学品企业一线作业人员培训 2000 人、班组长 200 人，"
        "签到签退与录像齐全，结业考试合格率 96%",
        form_file=_pdf("sjz-hazchem-acceptance-application.pdf"),
    )
    acceptance.expert_opinion_record(
        user=_user("expert"),
        application=application,
        opinion="课程内容针对危险化学品岗位风险，实操考核记录完整，同意验收",
    )
    acceptance.evaluation_report_record(
        user=_user("evaluator"),
        application=application,
        verdict="pass",
        summary="培训人数、学时与考核合格率均达到采购需求的验收标准",
        uploaded_file=_pdf("sjz-hazchem-evaluation-report.pdf"),
    )
    acceptance.audit_opinion_record(
        user=_user("auditor"),
        application=application,
        compliant=True,
        opinion="费用支出与服务协议及预算一致，票据齐全",
        uploaded_file=_pdf("sjz-hazchem-audit-opinion.pdf"),
    )
    application.refresh_from_db()
    acceptance.acceptance_decide(
        user=_user("sjz_office"),
        application=application,
        action="accept",
        note="经研究，项目验收评估合格",
    )
    agreement.refresh_from_db()
    contracts.payment_record(
        user=_user("sjz_si"),
        agreement=agreement,
        kind="balance",
        amount=agreement.amount - agreement.paid_total,
        paid_on=acceptance.today(),
        uploaded_file=_pdf("sjz-hazchem-balance-voucher.pdf"),
        note="尾款",
    )


def _try_archive(project) -> None:
    from apps.archive.services import project_archive

    try:
        with transaction.atomic():
            project_archive(
                user=_user("evaluator"), project=project, note="资料齐全，归档（HB §23）"
            )
    except ValidationError as error:
        logger.warning("demo archive not possible: %s", " ".join(error.messages))


def seed_demo_acceptance() -> Project | None:
    """Once: a second run finds the project and changes nothing."""
    if demo_accepted_project() is not None:
        return demo_accepted_project()
    arrangement = AnnualArrangement.unscoped.filter(
        province__code="130000", year=2027, status=ArrangementStatus.PUBLISHED
    ).first()
    if arrangement is None:
        return None
    with acting_as(ActorContext(username="demo-seed", via="system")):
        try:
            with transaction.atomic():
                project = _added(arrangement)
                agreement = _contracted(project)
                seed_demo_record(project)
                _accepted_and_paid(project, agreement)
        except ValidationError as error:
            logger.warning("demo acceptance left out: %s", " ".join(error.messages))
            return None
        _try_archive(project)
    return project
