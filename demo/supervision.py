"""Demo supervision of 石家庄's training project by 河北正衡评估咨询有限公司 (HB §17–20), through
the services only:

- a second evaluator of the agency (`evaluator2`, 正衡评估 林悦) with the evaluator's account form
  and commitment letter on file (HB §18), approved by the province office;
- the agency's 监督评估实施方案 submitted on 2026-11-20 and approved by the city office on
  2026-11-23, within its 5 working days;
- the regular on-site inspection of the first offline session (2026-11-24), confirmed by both
  evaluators on their own accounts, with a photo watermarked by the server (time, place,
  coordinates, inspector, project, verification code) and the finding it found (the trainee
  checked in 1.3 km from the venue was not in the classroom);
- a questionnaire of the trainees (awareness and satisfaction) and the periodic report for
  2026-11-01 to 2026-11-25 with the platform's figures, submitted on 2026-11-26.

The supervision services' clock is fixed to the days told, so a seed run on any day writes the
same records. Idempotent: a project that already has its plan is left as it is.
"""

import datetime
import io
import logging
import zoneinfo
from unittest import mock

from django.core.files.base import ContentFile
from django.db import transaction

from apps.accounts.models import ComplianceDocument, User
from apps.accounts.roles import Role
from apps.projects.models import ProjectStage
from apps.supervision import services as supervision
from apps.supervision.models import SupervisionPlan
from demo.projects import demo_project

logger = logging.getLogger(__name__)
ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
# The classroom of the first offline session (demo/implementation.py's venue, GCJ-02).
PLACE = "石家庄市长安区中山东路 508 号 安培职业培训学校 3 楼培训室"
LATITUDE, LONGITUDE = "38.043100", "114.525300"


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=ZONE)


def _pdf(name: str) -> ContentFile:
    return ContentFile(PDF + f"% supervision demo {name}\n".encode(), name=name)


def _photo() -> ContentFile:
    """A drawn picture of the classroom (no real person): rows of desks and a screen."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1280, 960), (214, 222, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle([(340, 60), (940, 380)], fill=(245, 245, 245), outline=(60, 60, 60), width=6)
    for row in range(4):
        for col in range(5):
            x, y = 120 + col * 220, 470 + row * 110
            draw.rectangle([(x, y), (x + 160, y + 50)], fill=(150, 110, 70))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88)
    return ContentFile(out.getvalue(), name="onsite_2026-11-24.jpg")


def _user(username: str) -> User:
    return User.unscoped.get(username=username)


def _second_evaluator() -> User:
    from apps.accounts.services import compliance_document_review, compliance_document_submit
    from demo.seed import DEMO_PASSWORD

    first = _user("evaluator")
    user = User.unscoped.filter(username="evaluator2").first()
    if user is None:
        user = User(
            username="evaluator2",
            full_name="正衡评估 林悦",
            role=Role.EVALUATOR,
            organisation=first.organisation,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    for kind in ("evaluator_account", "evaluator_commitment"):
        if ComplianceDocument.unscoped.filter(person=user, kind=kind).exists():
            continue
        document = compliance_document_submit(
            submitted_by=user,
            organisation=user.organisation,
            kind=kind,
            uploaded_file=_pdf(f"{kind}_evaluator2.pdf"),
            signed_on=datetime.date(2026, 10, 9),
            person=user,
        )
        compliance_document_review(
            reviewer=_user("prov_office"), document=document, action="approve"
        )
    # read again: the scope computed while the documents were pending is not kept
    return User.unscoped.get(pk=user.pk)


def _clock(when):
    return mock.patch.object(supervision, "clock", lambda: when)


def seed_demo_supervision() -> None:
    project = demo_project("sjz_training")
    if project is None or project.stage != ProjectStage.IMPLEMENTATION:
        logger.warning(
            "demo supervision left out: 石家庄's training project is not in implementation"
        )
        return
    if SupervisionPlan.unscoped.filter(project=project).exists():
        return
    with transaction.atomic():
        first, second = _user("evaluator"), _second_evaluator()
        with _clock(at(11, 19, 16)):
            plan = supervision.plan_save(
                user=first,
                project=project,
                summary=(
                    "依据招采资料、服务协议和实施方案：每期线下培训至少一次现场勘查"
                    "（2 名评估人员），每期一次学员问卷，结业后电话随访 10% 学员，"
                    "每月核验平台签到、录像和考试数据。"
                ),
                uploaded_file=_pdf("supervision_plan.pdf"),
            )
        with _clock(at(11, 20, 9)):
            supervision.plan_submit(user=first, plan=plan)
        with _clock(at(11, 23, 15)):
            supervision.plan_review(
                user=_user("sjz_office"), plan=plan, action="approve", note="同意按方案实施"
            )
        with _clock(at(11, 24, 9, 20)):
            inspection = supervision.inspection_record(
                user=first,
                project=project,
                kind="onsite",
                held_on=datetime.date(2026, 11, 24),
                place=PLACE,
                latitude=LATITUDE,
                longitude=LONGITUDE,
                summary=(
                    "第1课“高处坠落与物体打击防护”现场勘查：教室实到 4 人，签到 5 人；"
                    "授课教师与实施方案一致，课件与大纲一致，现场秩序良好。"
                ),
            )
        with _clock(at(11, 24, 9, 22)):
            supervision.inspection_presence_confirm(
                user=second, inspection=inspection, latitude=LATITUDE, longitude=LONGITUDE
            )
        with _clock(at(11, 24, 9, 25)):
            media = supervision.media_add(
                user=second,
                inspection=inspection,
                uploaded_file=_photo(),
                latitude=LATITUDE,
                longitude=LONGITUDE,
            )
        with _clock(at(11, 24, 11)):
            supervision.inspection_finding_raise(
                user=first,
                inspection=inspection,
                message=(
                    "第1课签到 5 人、教室实到 4 人：第2课签到位置距场地 1.3 公里的学员"
                    "第1课亦未见到本人，请实施机构核实签到情况并说明。"
                ),
                severity="major",
                media=[media],
            )
        with _clock(at(11, 25, 16)):
            supervision.inspection_record(
                user=first,
                project=project,
                kind="questionnaire",
                held_on=datetime.date(2026, 11, 25),
                place=PLACE,
                summary="第1期学员结课问卷（工伤预防知识知晓度、培训满意度）",
                respondents=5,
                aware=4,
                satisfied=5,
            )
        with _clock(at(11, 26, 10)):
            supervision.report_submit(
                user=first,
                project=project,
                period_start=datetime.date(2026, 11, 1),
                period_end=datetime.date(2026, 11, 25),
                sections={
                    "materials": "课件与采购大纲一致，案例贴近建筑施工一线，实用性较强。",
                    "teachers": "授课教师为高级工程师，资质证书在平台备案，授课效果良好。",
                    "process": "两次课安排合理；1 名学员签到位置异常，已提出问题。",
                    "effect": "结业考试合格率见平台数据；问卷满意度 100%。",
                },
                conclusion="本期培训基本符合服务协议和实施方案要求，签到异常待实施机构说明。",
            )
