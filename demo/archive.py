"""What the demo's accepted project (demo/acceptance.py: 石家庄's hazardous-chemicals training
project) did while it was implemented, through the services only, so that its record is complete
by the checklists of every stage and the evaluation agency archives it (HB §23) — the demo's one
archived, read-only project:

- the evaluation agency's 监督评估实施方案, approved by the city office (HB §17–18);
- a class with one offline session (2026-10-20, one hour, at the agency's classroom) and its
  roster of four trainees imported from Excel;
- the pre-start package (plan table, the October plan row, courseware, device photo, a manager
  and a teacher with certificates) submitted 10 days before the session and approved (HB §13);
- the trainees' check-in and check-out confirmed by the agency's staff (no face data was
  collected for this class) and approved by the office; their exam results;
- the session's recording — a 1080p 25 fps video of the session's length (a still picture,
  written by ffmpeg at seed time: stream-copied, so a few seconds' work), uploaded through the
  resumable-upload services and probed by ffprobe like any camera's file;
- the spending on the training with its voucher; the monthly reports of August to November
  (HB §14); the evaluation agency's periodic report of the session's month (HB §20).

The services' clocks are fixed to the days told (inside the agreement's service period,
2026-08-01 to 2026-11-20). A part the platform cannot do here (no ffmpeg for the video) is left
out with a warning: the archive step then lists what is missing, as it would for any project.
"""

import datetime
import logging
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.implementation import services as implementation
from apps.implementation.models import MonthlyReport, PackageStatus, ReportStatus, StaffRole
from apps.training import recordings
from apps.training import services as training
from apps.training.models import AttendanceKind, CoordinateSystem, TrainingClass
from demo.implementation import VENUE, _pdf, _photo, _roster, _syllabus_line, _user, at, fixed_clock

logger = logging.getLogger(__name__)

CLASS = "危险化学品企业一线作业人员线下培训班（第1期）"
SESSION = (
    "危险化学品泄漏与火灾事故应急处置",
    "孙立新（注册安全工程师）",
    at(10, 20, 9),
    at(10, 20, 10),
)
# (name, birth date, sequence code (odd: male), mobile, post) — the roster's columns
TRAINEES = [
    ("高建国", datetime.date(1982, 5, 16), 13, "13803120001", "装卸工"),
    ("马晓燕", datetime.date(1989, 8, 2), 24, "13803120002", "罐区操作工"),
    ("郑海涛", datetime.date(1986, 2, 27), 35, "13803120003", "危化品押运员"),
    ("胡丽娟", datetime.date(1992, 10, 9), 46, "13803120004", "仓库保管员"),
]
SCORES = [94, 88, 91, 86]


@contextmanager
def _clocks(when: datetime.datetime):
    """The training, implementation and recording services' server time, fixed."""
    with fixed_clock(when), mock.patch.object(recordings, "clock", lambda: when):
        yield


@contextmanager
def _part(what: str):
    """One part in its own savepoint: a part that cannot be done leaves the rest seeded."""
    try:
        with transaction.atomic():
            yield
    except (ValidationError, RuntimeError, OSError, subprocess.SubprocessError) as error:
        logger.warning("demo record: %s left out: %s", what, error)


# --- supervision plan (HB §17–18) ------------------------------------------------------------


def _supervision_plan(project) -> None:
    from apps.supervision import services as supervision

    def clock(when):
        return mock.patch.object(supervision, "clock", lambda: when)

    evaluator, office = _user("evaluator"), _user("sjz_office")
    with clock(at(8, 4, 10)):
        plan = supervision.plan_save(
            user=evaluator,
            project=project,
            summary="每期线下培训现场勘查或视频抽查；核验平台签到、录像、考试数据；结业后形成评估报告。",
            uploaded_file=_pdf("危化品培训项目监督评估实施方案.pdf"),
        )
    with clock(at(8, 5, 9)):
        supervision.plan_submit(user=evaluator, plan=plan)
    with clock(at(8, 7, 15)):
        supervision.plan_review(user=office, plan=plan, action="approve", note="同意按方案实施")


def _supervision_report(project) -> None:
    from apps.supervision import services as supervision
    from apps.supervision.selectors import sections_for

    texts = {
        "materials": "课件针对危险化学品装卸、储存、押运岗位，案例来自本市近年事故。",
        "teachers": "授课教师为注册安全工程师，资格证书在平台备案。",
        "process": "线下课按计划举行，签到签退经办公室审核，课程全程录像。",
        "effect": "结业考试 4 人全部合格，平均 89.75 分。",
    }
    sections = {
        code: texts.get(code, "符合服务协议和实施方案要求。")
        for code, _label in sections_for(project)
    }
    with mock.patch.object(supervision, "clock", lambda: at(11, 2, 10)):
        supervision.report_submit(
            user=_user("evaluator"),
            project=project,
            period_start=datetime.date(2026, 10, 1),
            period_end=datetime.date(2026, 10, 31),
            sections=sections,
            conclusion="本期培训符合服务协议和实施方案要求。",
        )


# --- class, package, attendance, exams ------------------------------------------------------


def _class(project):
    agency = _user("implementer")
    with _clocks(at(10, 8, 10)):
        training_class = training.training_class_create(
            user=agency, project=project, name=CLASS, syllabus_line=_syllabus_line(project)
        )
        title, teacher, starts, ends = SESSION
        address, latitude, longitude = VENUE
        session = training.session_create(
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
        trainees = _roster(agency, training_class, TRAINEES)
    return session, trainees


def _package(project) -> None:
    package = implementation.package_for(project)
    if package is None or package.status == PackageStatus.APPROVED:
        return
    agency, office = _user("implementer"), _user("sjz_office")
    with _clocks(at(10, 9, 15)):
        for item, file in (
            ("plan_table", _pdf("危化品一线作业人员培训实施计划表.pdf")),
            ("materials", _pdf("危险化学品岗位工伤预防培训课件.pdf")),
            ("device_photos", _photo("危化品培训教室摄像机实景.jpg")),
        ):
            implementation.package_file_add(
                user=agency, package=package, item_code=item, uploaded_file=file, title=file.name
            )
        implementation.training_line_add(
            user=agency,
            package=package,
            month=datetime.date(2026, 10, 1),
            trainee_type="一线作业人员",
            post="装卸工、罐区操作工、押运员、仓库保管员",
            headcount=4,
            content="危险化学品泄漏、火灾事故应急处置，个人防护，工伤保险政策",
            online_hours=Decimal("0"),
            offline_hours=Decimal("1"),
            period="2026年10月20日",
            place=VENUE[0],
        )
        for role, name, position, qualification in (
            (StaffRole.MANAGER, "何静", "项目负责人", "安全工程师（注册）"),
            (StaffRole.TEACHER, "孙立新", "线下授课教师", "注册安全工程师（危险化学品安全）"),
        ):
            implementation.staff_add(
                user=agency,
                package=package,
                role=role,
                name=name,
                position=position,
                qualification=qualification,
                certificate_file=_pdf(f"{name}资格证书-危化品.pdf"),
            )
    with _clocks(at(10, 10, 10)):  # 10 days before the session (due: 7)
        implementation.package_act(user=agency, package=package, action="submit")
    with _clocks(at(10, 12, 15)):
        implementation.package_act(
            user=office, package=package, action="approve", note="资料齐全，同意按计划实施"
        )


def _attendance(session, trainees) -> None:
    """Confirmed by the agency's staff (no face data for this class), approved by the office."""
    agency, office = _user("implementer"), _user("sjz_office")
    for kind, base, minutes in (
        (AttendanceKind.CHECK_IN, session.starts_at, -8),
        (AttendanceKind.CHECK_OUT, session.ends_at, 1),
    ):
        for offset, trainee in enumerate(trainees):
            with _clocks(base + datetime.timedelta(minutes=minutes + offset)):
                confirmation = training.confirmation_request(
                    user=agency,
                    session=session,
                    trainee=trainee,
                    kind=kind,
                    reason="本期未采集人脸信息，由机构工作人员现场核对身份证件后确认。",
                    latitude=VENUE[1],
                    longitude=VENUE[2],
                    coordinate_system=CoordinateSystem.GCJ02,
                )
            training.confirmation_decide(
                user=office, confirmation=confirmation, action="approve", note="核对无误"
            )


def _exams(trainees) -> None:
    agency = _user("implementer")
    with _clocks(at(10, 20, 10, 30)):
        for trainee, score in zip(trainees, SCORES, strict=True):
            training.exam_result_record(
                user=agency,
                trainee=trainee,
                taken_on=datetime.date(2026, 10, 20),
                score=score,
                passed=score >= 60,
            )


# --- the session's recording ----------------------------------------------------------------


def _video(path: Path, *, starts: datetime.datetime, seconds: int) -> None:
    """A 1080p 25 fps H.264 video of `seconds`, a still picture, with the camera's start time
    in its creation_time: ten seconds encoded, then looped by stream copy (no re-encoding)."""
    if shutil.which("ffmpeg") is None:
        raise RuntimeError("ffmpeg is not installed (Debian package ffmpeg)")
    clip = path.with_suffix(".clip.mp4")
    encode = [
        "ffmpeg", "-v", "error", "-y", "-f", "lavfi",
        "-i", "color=c=0x2f4f6f:s=1920x1080:r=25", "-t", "10",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage",
        "-pix_fmt", "yuv420p", str(clip),
    ]  # fmt: skip
    subprocess.run(encode, check=True, timeout=120)
    stamp = starts.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    loop = [
        "ffmpeg", "-v", "error", "-y", "-stream_loop", str(seconds // 10 - 1), "-i", str(clip),
        "-c", "copy", "-t", str(seconds), "-metadata", f"creation_time={stamp}", str(path),
    ]  # fmt: skip
    subprocess.run(loop, check=True, timeout=120)
    clip.unlink(missing_ok=True)


def _recording(session) -> None:
    agency = _user("implementer")
    seconds = int((session.ends_at - session.starts_at).total_seconds())
    with tempfile.TemporaryDirectory(prefix="wipp-demo-") as directory:
        path = Path(directory) / "recording.mp4"
        _video(path, starts=session.starts_at, seconds=seconds)
        with _clocks(session.ends_at + datetime.timedelta(hours=1)):
            upload = recordings.upload_create(
                user=agency,
                session=session,
                length=path.stat().st_size,
                filename="危化品培训第1课-教室摄像机.mp4",
            )
            with open(path, "rb") as stream:
                recordings.upload_append(user=agency, upload=upload, offset=0, stream=stream)
    if upload.recording is None:
        raise RuntimeError(f"the recording was not stored: {upload.error}")


# --- money and monthly reports --------------------------------------------------------------


def _spending(project) -> None:
    with _clocks(at(10, 22, 16)):
        implementation.funds_entry_add(
            user=_user("implementer"),
            project=project,
            direction="spent",
            entry_date=datetime.date(2026, 10, 22),
            item="讲师课酬、教材印刷及场地",
            amount=Decimal("36800.00"),
            voucher_file=_pdf("危化品培训费用凭证-202610.pdf"),
            note="第1期线下培训",
        )


REPORTS = {
    datetime.date(2026, 8, 1): (at(9, 2, 10), "签订服务协议，收到首付款；编制实施计划与课件。"),
    datetime.date(2026, 9, 1): (at(10, 8, 10), "完成课件与师资准备，确定第1期培训时间和场地。"),
    datetime.date(2026, 10, 1): (
        at(11, 3, 10),
        "报备实施前资料并获批准；10月20日举办第1期线下培训，4人参训，签到签退经审核，"
        "全程录像，结业考试全部合格。",
    ),
    datetime.date(2026, 11, 1): (at(11, 20, 17), "整理培训档案，提出验收申请。"),
}


def _monthly_reports(project) -> None:
    implementation.monthly_deadlines_ensure(project)
    for month, (when, progress) in REPORTS.items():
        report = MonthlyReport.unscoped.filter(project=project, month=month).first()
        if report is None or report.status != ReportStatus.DUE:
            continue
        with _clocks(when):
            implementation.monthly_report_submit(
                user=_user("implementer"), report=report, progress=progress
            )


def seed_demo_record(project) -> None:
    """Called while the project is being implemented, before the agency applies for acceptance;
    a project that already has its class is left as it is."""
    if TrainingClass.unscoped.filter(project=project, name=CLASS).exists():
        return
    project.refresh_from_db()  # the agreement and the advance started its implementation
    with _part("the supervision plan"):
        _supervision_plan(project)
    with transaction.atomic():
        session, trainees = _class(project)
        _package(project)
        _attendance(session, trainees)
        _exams(trainees)
    with _part("the session's recording"):
        _recording(session)
    with _part("the spending"):
        _spending(project)
    with _part("the monthly reports"):
        _monthly_reports(project)
    with _part("the periodic evaluation report"):
        _supervision_report(project)
