"""Demo implementation of 石家庄's training project (issue 14), through the services only:

- the pre-start package (plan table, monthly plan row, materials, device photos, a manager and
  a teacher with certificates) submitted before its deadline (7 days before the first session)
  and approved by the city office;
- an offline class with two sessions at a venue in 石家庄 (coordinates, radius), a roster of
  five trainees imported from Excel, the impact assessment, two trainees' consent and enrolment
  photos (demo/data/faces, from the faces `face_recognition` ships), their face check-ins and
  check-outs — one check-in 1.3 km from the venue, an integrity finding (TR-OUTSIDE-RADIUS) —
  and the three trainees who did not consent checked in by the agency's staff, approved by the
  office (the non-face path);
- an online class on 冀安在线 (named by the agency, supervision parameters set by the platform)
  fed through the online API's services: one batch of learning records and one of exam
  results. Sent again they are answered from the stored batch (idempotent by digest);
- the monthly report of November 2026.

The services take the server's time from their module's `clock()`; the demo fixes it to the
days it tells (November 2026, inside the agreement's service period), so a seed run on any day
writes the same records. Idempotent: a part already seeded is left as it is.
"""

import datetime
import io
import logging
import zoneinfo
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from unittest import mock

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from openpyxl import Workbook

from apps.accounts.models import Organisation, User
from apps.core.validators import make_resident_id
from apps.implementation import services as implementation
from apps.implementation.models import MonthlyReport, PackageStatus, ReportStatus, StaffRole
from apps.online import services as online
from apps.procurement.models import SyllabusLine
from apps.projects.models import ProjectStage
from apps.training import services as training
from apps.training.models import (
    AttendanceKind,
    CoordinateSystem,
    FaceImpactAssessment,
    Trainee,
    TrainingClass,
)
from apps.training.roster import COLUMNS
from demo.projects import demo_project

logger = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
FACES = DATA / "faces"
ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

OFFLINE_CLASS = "建筑施工一线作业人员线下培训班（第1期）"
ONLINE_CLASS = "建筑施工一线作业人员线上培训班（冀安在线 第1期）"
EMPLOYER = "石家庄城建集团有限公司"
# The venue: 石家庄安培职业培训学校's classroom (GCJ-02, as the maps and WeChat give it).
VENUE = ("石家庄市长安区中山东路 508 号 安培职业培训学校 3 楼培训室", 38.043100, 114.525300)
# (name, birth date, sequence code (odd: male), mobile, post, enrolment photo)
OFFLINE_TRAINEES = [
    ("张伟", datetime.date(1985, 3, 12), 31, "13803110001", "架子工", "enrol_1.jpg"),
    ("李强", datetime.date(1979, 7, 5), 53, "13803110002", "电工", "enrol_2.jpg"),
    ("王秀英", datetime.date(1990, 11, 23), 62, "13803110003", "钢筋工", None),
    ("刘洋", datetime.date(1988, 1, 30), 75, "13803110004", "塔吊司机", None),
    ("陈静", datetime.date(1993, 6, 18), 84, "13803110005", "安全员", None),
]
ONLINE_TRAINEES = [
    ("赵磊", datetime.date(1986, 4, 2), 17, "13803110011", "木工"),
    ("孙丽", datetime.date(1991, 9, 14), 28, "13803110012", "砌筑工"),
    ("周军", datetime.date(1983, 12, 8), 39, "13803110013", "混凝土工"),
    ("吴敏", datetime.date(1995, 2, 25), 46, "13803110014", "防水工"),
]


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=ZONE)


# (title, teacher, start, end)
SESSIONS = [
    ("高处坠落与物体打击防护", "赵建平（高级工程师）", at(11, 24, 9), at(11, 24, 10, 30)),
    ("施工用电安全与事故应急处置", "赵建平（高级工程师）", at(11, 25, 14), at(11, 25, 15, 30)),
]
# Face checks of the two enrolled trainees: (trainee, session, kind, time, photo, metres off).
FACE_CHECKS = [
    (0, 0, AttendanceKind.CHECK_IN, at(11, 24, 8, 52), "check_1_a.jpg", 20),
    (0, 0, AttendanceKind.CHECK_OUT, at(11, 24, 10, 33), "check_1_b.jpg", 15),
    (1, 0, AttendanceKind.CHECK_IN, at(11, 24, 8, 55), "check_2_a.jpg", 35),
    (1, 0, AttendanceKind.CHECK_OUT, at(11, 24, 10, 34), "check_2_b.jpg", 25),
    (0, 1, AttendanceKind.CHECK_IN, at(11, 25, 13, 50), "check_1_c.jpg", 10),
    (0, 1, AttendanceKind.CHECK_OUT, at(11, 25, 15, 32), "check_1_d.jpg", 30),
    # Checked in from 1.3 km away (the integrity finding of the demo: TR-OUTSIDE-RADIUS).
    (1, 1, AttendanceKind.CHECK_IN, at(11, 25, 13, 56), "check_2_c.jpg", 1300),
    (1, 1, AttendanceKind.CHECK_OUT, at(11, 25, 15, 35), "check_2_d.jpg", 40),
]
METRES_PER_DEGREE_LATITUDE = 111_320


@contextmanager
def fixed_clock(when: datetime.datetime):
    """The training and implementation services' server time, fixed to the demo's moment."""
    with (
        mock.patch.object(training, "clock", lambda: when),
        mock.patch.object(implementation, "clock", lambda: when),
    ):
        yield


@contextmanager
def _face_step(what: str):
    """A step that runs the face model, in its own savepoint: a model that cannot read the demo
    photos (another verifier configured, model files missing) leaves that step out with a
    warning instead of failing the demo; the rest of the class is seeded."""
    try:
        with transaction.atomic():
            yield
    except (ValidationError, RuntimeError) as error:
        logger.warning("demo face step left out (%s): %s", what, error)


def _user(username: str) -> User:
    return User.unscoped.get(username=username)


def _pdf(name: str) -> ContentFile:
    return ContentFile(PDF + f"% implementation demo {name}\n".encode(), name=name)


def _photo(name: str) -> ContentFile:
    """A small generated JPEG standing in for a photo of the installed devices."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (70, 90, 110))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 60, 280, 200), outline=(230, 230, 230), width=4)
    draw.ellipse((140, 110, 180, 150), fill=(20, 20, 20))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name=name)


def _resident_id(birth: datetime.date, seq: int) -> str:
    return make_resident_id("130102", birth, seq)  # 石家庄市长安区


def _roster(user, training_class, people) -> list[Trainee]:
    """The roster as the agency uploads it: an Excel file, previewed, then confirmed."""
    employer = Organisation.unscoped.get(name=EMPLOYER)
    book = Workbook()
    sheet = book.active
    sheet.append([header for _key, header, _required in COLUMNS])
    for name, birth, seq, phone, post, *_rest in people:
        sex = "男" if seq % 2 else "女"
        resident_id = _resident_id(birth, seq)
        sheet.append(
            [name, resident_id, sex, birth.isoformat(), phone, EMPLOYER, employer.credit_code, post]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    preview = training.roster_preview(
        user=user,
        training_class=training_class,
        uploaded_file=ContentFile(buffer.getvalue(), name="学员名单.xlsx"),
    )
    return training.roster_confirm(user=user, roster_import=preview)


def _syllabus_line(project):
    return (
        SyllabusLine.objects.filter(
            requirement__procurement__project=project, trainee_type="一线作业人员"
        )
        .order_by("pk")
        .first()
    )


# --- offline class --------------------------------------------------------------------------


def _offline_class(project) -> None:
    if TrainingClass.unscoped.filter(project=project, name=OFFLINE_CLASS).exists():
        return
    agency, office = _user("implementer"), _user("sjz_office")
    with fixed_clock(at(11, 12, 10)):
        training_class = training.training_class_create(
            user=agency, project=project, name=OFFLINE_CLASS, syllabus_line=_syllabus_line(project)
        )
        address, latitude, longitude = VENUE
        sessions = [
            training.session_create(
                user=agency,
                training_class=training_class,
                title=title,
                teacher=teacher,
                starts_at=starts,
                ends_at=ends,
                venue_address=address,
                latitude=Decimal(f"{latitude:.6f}"),
                longitude=Decimal(f"{longitude:.6f}"),
                coordinate_system=CoordinateSystem.GCJ02,
                radius_m=200,
            )
            for title, teacher, starts, ends in SESSIONS
        ]
        trainees = _roster(agency, training_class, OFFLINE_TRAINEES)
        if not FaceImpactAssessment.unscoped.filter(project=project).exists():
            training.face_impact_assessment_save(
                user=agency,
                project=project,
                purpose="线下培训签到签退时核验参训人员身份（人脸比对），防止代签、冒名顶替。",
                necessity="仅在签到签退时比对一次；不同意的学员由工作人员现场确认，经办公室审核。",
                risks="人脸信息泄露或被滥用；误识别导致学时不被认可。",
                measures="单独同意；模板与身份信息分开加密存储；访问留痕；项目结束后按期删除。",
                alternative="工作人员现场确认并说明理由，由市工伤预防办公室审核。",
                assessed_on=datetime.date(2026, 11, 12),
            )
    by_name = {t.name: t for t in trainees}
    # Consent in person at the first session's registration, then the enrolment photo.
    for name, *_rest, photo in OFFLINE_TRAINEES:
        if photo is None:
            continue
        trainee = by_name[name]
        training.face_consent_record(user=agency, trainee=trainee)
        with _face_step(f"enrolment of {name}"):
            training.face_enrol(user=agency, trainee=trainee, content=(FACES / photo).read_bytes())
    for person, session, kind, when, photo, metres in FACE_CHECKS:
        trainee = by_name[OFFLINE_TRAINEES[person][0]]
        with fixed_clock(when), _face_step(f"{kind} of {trainee.name}"):
            training.attendance_check(
                user=agency,
                session=sessions[session],
                trainee=trainee,
                kind=kind,
                photo=(FACES / photo).read_bytes(),
                latitude=VENUE[1] + metres / METRES_PER_DEGREE_LATITUDE,
                longitude=VENUE[2],
                coordinate_system=CoordinateSystem.GCJ02,
                accuracy_m=15,
            )
    # The trainees who did not consent: the agency's staff confirm them, the office approves.
    for session in sessions:
        for kind, minutes in ((AttendanceKind.CHECK_IN, -6), (AttendanceKind.CHECK_OUT, 2)):
            base = session.starts_at if kind == AttendanceKind.CHECK_IN else session.ends_at
            for offset, (name, *_rest, photo) in enumerate(OFFLINE_TRAINEES):
                if photo is not None:
                    continue
                with fixed_clock(base + datetime.timedelta(minutes=minutes + offset)):
                    confirmation = training.confirmation_request(
                        user=agency,
                        session=session,
                        trainee=by_name[name],
                        kind=kind,
                        reason="学员未同意人脸识别，由机构工作人员现场核对身份证件后确认。",
                        latitude=VENUE[1],
                        longitude=VENUE[2],
                        coordinate_system=CoordinateSystem.GCJ02,
                    )
                training.confirmation_decide(
                    user=office, confirmation=confirmation, action="approve", note="核对无误"
                )


# --- online class ---------------------------------------------------------------------------


def _online_setup(project) -> None:
    agency, platform_user = _user("implementer"), _user("online_platform")
    platform = platform_user.organisation
    with fixed_clock(at(11, 12, 11)):
        supervision = implementation.platform_name(user=agency, project=project, platform=platform)
        if supervision.configured_at is None:
            implementation.supervision_configure(
                user=platform_user,
                supervision=supervision,
                face_capture_interval_minutes=10,
                fast_forward_blocked=True,
                idle_cutoff_minutes=5,
            )
        if not TrainingClass.unscoped.filter(project=project, name=ONLINE_CLASS).exists():
            training_class = training.training_class_create(
                user=agency,
                project=project,
                name=ONLINE_CLASS,
                syllabus_line=_syllabus_line(project),
            )
            _roster(agency, training_class, ONLINE_TRAINEES)


def learning_rows() -> list[dict]:
    """Four lessons per online trainee, 45 minutes each, with a face capture every 10 minutes;
    one fast-forwarded lesson (not counted) and one with 15 idle minutes (10 taken off)."""
    rows = []
    lessons = ["工伤保险政策解读", "岗位危险源辨识", "个人防护用品正确使用", "事故应急处置"]
    for person, (_name, birth, seq, *_rest) in enumerate(ONLINE_TRAINEES):
        for lesson_number, lesson in enumerate(lessons):
            start = at(11, 18 + lesson_number // 2, 19 + (lesson_number % 2), person * 3)
            end = start + datetime.timedelta(minutes=45)
            forwarded = person == 2 and lesson_number == 3
            idle = 900 if person == 3 and lesson_number == 1 else 60
            rows.append(
                {
                    "platform_record_id": f"JAZX-LR-202611-{person + 1:02d}{lesson_number + 1:02d}",
                    "resident_id": _resident_id(birth, seq),
                    "course": "建筑施工一线作业人员工伤预防（线上 4 学时）",
                    "lesson": f"第{lesson_number + 1}讲 {lesson}",
                    "started_at": start.isoformat(),
                    "ended_at": end.isoformat(),
                    "seconds_watched": 2700,
                    "captures": 5,
                    "fast_forwarded": forwarded,
                    "idle_seconds": idle,
                }
            )
    return rows


def exam_rows() -> list[dict]:
    scores = [92, 86, 78, 55]
    return [
        {
            "platform_record_id": f"JAZX-EX-202611-{person + 1:02d}",
            "resident_id": _resident_id(birth, seq),
            "taken_on": "2026-11-21",
            "score": score,
            "passed": score >= 60,
        }
        for person, ((_name, birth, seq, *_rest), score) in enumerate(
            zip(ONLINE_TRAINEES, scores, strict=True)
        )
    ]


def _online_batches(project) -> None:
    """Pushed as the platform's API does; a batch sent again is answered from the stored one."""
    platform_user = _user("online_platform")
    online.learning_records_ingest(user=platform_user, project=project, rows=learning_rows())
    online.exam_results_ingest(user=platform_user, project=project, rows=exam_rows())


# --- pre-start package and monthly report ---------------------------------------------------


def _prestart_package(project) -> None:
    package = implementation.package_for(project)
    if package is None or package.status == PackageStatus.APPROVED:
        return
    agency, office = _user("implementer"), _user("sjz_office")
    with fixed_clock(at(11, 13, 15)):
        for item, file in (
            ("plan_table", _pdf("工伤预防培训项目实施计划表.pdf")),
            ("materials", _pdf("一线作业人员工伤预防培训课件.pdf")),
            ("device_photos", _photo("培训室网络摄像机与投影仪实景.jpg")),
        ):
            implementation.package_file_add(
                user=agency, package=package, item_code=item, uploaded_file=file, title=file.name
            )
        implementation.training_line_add(
            user=agency,
            package=package,
            month=datetime.date(2026, 11, 1),
            trainee_type="一线作业人员",
            post="架子工、电工、钢筋工、塔吊司机、安全员等",
            headcount=60,
            content="工伤保险政策、岗位危险源辨识、个人防护用品使用、事故应急处置",
            online_hours=Decimal("4"),
            offline_hours=Decimal("4"),
            period="2026年11月18日—11月25日",
            place=VENUE[0],
        )
        for role, name, position, qualification in (
            (StaffRole.MANAGER, "何静", "项目负责人", "安全工程师（注册）"),
            (StaffRole.TEACHER, "赵建平", "线下授课教师", "高级工程师、注册安全工程师"),
        ):
            implementation.staff_add(
                user=agency,
                package=package,
                role=role,
                name=name,
                position=position,
                qualification=qualification,
                certificate_file=_pdf(f"{name}资格证书.pdf"),
            )
    with fixed_clock(at(11, 16, 10)):  # 8 days before the first session (due: 7)
        implementation.package_act(user=agency, package=package, action="submit")
    with fixed_clock(at(11, 17, 15)):
        implementation.package_act(
            user=office, package=package, action="approve", note="资料齐全，同意按计划实施"
        )


def _monthly_report(project) -> None:
    implementation.monthly_deadlines_ensure(project)
    report = MonthlyReport.unscoped.filter(
        project=project, month=datetime.date(2026, 11, 1)
    ).first()
    if report is None or report.status != ReportStatus.DUE:
        return
    with fixed_clock(at(11, 30, 17)):
        implementation.monthly_report_submit(
            user=_user("implementer"),
            report=report,
            progress=(
                "11月完成实施前资料报备；线下第1期培训班2次课（11月24日、25日）、线上第1期"
                "培训班4讲及结业考试。1名学员签到位置超出范围，已说明情况待办公室核处。"
            ),
        )


def seed_demo_implementation() -> None:
    project = demo_project("sjz_training")
    if project is None or project.stage != ProjectStage.IMPLEMENTATION:
        logger.warning(
            "demo implementation left out: 石家庄's training project is not in implementation"
        )
        return
    with transaction.atomic():
        _offline_class(project)
        _online_setup(project)
        _online_batches(project)
        _prestart_package(project)
        _monthly_report(project)
