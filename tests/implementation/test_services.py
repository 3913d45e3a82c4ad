"""Implementation services (issue 14 items 1, 2, 9, 10): cameras tested against a local server,
the online platform and its parameters, the pre-start package and its deadline (before the
first session, moved with it, late or missed → finding), its review, promotion records against
the procured quantities, monthly reports with their recurring deadline, funds against the
budget lines and the contract."""

import datetime
import http.server
import shutil
import socket
import subprocess
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts.models import OrganisationKind
from apps.accounts.roles import Role
from apps.deadlines.models import Deadline, DeadlineStatus
from apps.deadlines.services import deadlines_mark_overdue
from apps.determination.models import BudgetYear
from apps.findings.models import Finding
from apps.implementation import selectors, services
from apps.implementation.models import (
    CameraTest,
    FundsEntry,
    MonthlyReport,
    PackageStatus,
    PromotionRecord,
    ReportStatus,
    ResolutionSource,
    StaffRole,
)
from apps.projects.models import ParticipantRole
from apps.qualifications.models import Equipment, PlatformProfile
from tests.factories import OrganisationFactory, ParticipantFactory, UserFactory
from tests.implementation.world import agreement_for, pdf, png, session_at
from tests.scoping_world import clear_documents

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
D = datetime.date


def at(monkeypatch, when: datetime.datetime):
    monkeypatch.setattr(services, "clock", lambda: when)


# --- cameras --------------------------------------------------------------------------------


class _Server:
    """A TCP server on 127.0.0.1 that accepts and closes (a camera's RTSP port)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()

    def close(self):
        self.sock.close()


def _camera_equipment(w, lines=1080):
    return Equipment.unscoped.create(
        organisation=w.agency.organisation,
        kind="network_camera",
        device_model="DS-2DE",
        serial_number=f"SN{lines}",
        internet_connected=True,
        resolution_lines=lines,
        audio_capture=True,
        rotation_degrees=355,
        storage_gb=128,
    )


def test_camera_reachable_by_tcp_takes_the_resolution_from_the_register(world, settings):
    a, _ = world
    settings.WIPP_IMPLEMENTATION_CAMERA_TIMEOUT_SECONDS = 1
    server = _Server()
    try:
        camera = services.camera_add(
            user=a.agency,
            project=a.project,
            name="教室前",
            stream_url=f"rtsp://127.0.0.1:{server.port}/stream1",
            equipment=_camera_equipment(a),
        )
        test = services.camera_test(user=a.agency, camera=camera)
    finally:
        server.close()
    assert server.accepted >= 1
    assert test.reachable and "127.0.0.1" in test.detail
    # The server speaks no RTSP, so ffprobe reads nothing: the register says 1080 lines.
    assert (test.width, test.height, test.resolution_source) == (1920, 1080, "register")
    assert test.meets_hd and test.tested_at is not None


def test_camera_not_reachable_is_recorded_with_time(world, settings):
    a, _ = world
    settings.WIPP_IMPLEMENTATION_CAMERA_TIMEOUT_SECONDS = 1
    # Bound but not listening: connecting is refused, and no one else gets the port meanwhile.
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    try:
        camera = services.camera_add(
            user=a.agency,
            project=a.project,
            name="后",
            stream_url=f"rtsp://127.0.0.1:{closed.getsockname()[1]}/x",
        )
        test = services.camera_test(user=a.agency, camera=camera)
    finally:
        closed.close()
    assert not test.reachable
    assert (test.height, test.resolution_source) == (None, ResolutionSource.UNKNOWN)
    assert CameraTest.objects.filter(camera=camera).count() == 1


@pytest.mark.skipif(not shutil.which("ffmpeg"), reason="ffmpeg is not installed")
def test_camera_over_http_resolution_read_from_the_stream(world, settings, tmp_path):
    a, _ = world
    settings.WIPP_IMPLEMENTATION_CAMERA_TIMEOUT_SECONDS = 2
    video = tmp_path / "live.ts"
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=1280x720:rate=5",
            "-t", "1", "-c:v", "mpeg2video", str(video),
        ],
        check=True,
    )  # fmt: skip

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        camera = services.camera_add(
            user=a.agency,
            project=a.project,
            name="HTTP",
            stream_url=f"http://127.0.0.1:{httpd.server_address[1]}/live.ts",
            equipment=_camera_equipment(a),
        )
        test = services.camera_test(user=a.agency, camera=camera)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert test.reachable and "200" in test.detail
    assert (test.width, test.height, test.resolution_source) == (1280, 720, "stream")
    assert test.meets_hd is False


def test_camera_refuses_bad_urls_other_agencies_equipment_and_other_agencies(world):
    a, b = world
    with pytest.raises(ValidationError):
        services.camera_add(user=a.agency, project=a.project, name="x", stream_url="file:///etc")
    with pytest.raises(ValidationError):
        services.camera_add(
            user=a.agency,
            project=a.project,
            name="x",
            stream_url="rtsp://10.0.0.1/s",
            equipment=_camera_equipment(b),
        )
    with pytest.raises(PermissionDenied):
        services.camera_add(user=b.agency, project=a.project, name="x", stream_url="rtsp://h/s")


# --- online platform ------------------------------------------------------------------------


def _platform(w, *, contract=True):
    user = UserFactory(
        role=Role.ONLINE_PLATFORM,
        organisation=OrganisationFactory(
            kind=OrganisationKind.ONLINE_TRAINING_PLATFORM, jurisdiction=w.city.parent
        ),
    )
    clear_documents(user)
    PlatformProfile.unscoped.create(
        organisation=user.organisation,
        has_online_learning=True,
        has_system_administration=True,
        has_government_supervision=True,
        has_security_operations=True,
        province_contract_number="冀人社协〔2026〕8号" if contract else "",
        province_contract_date=D(2026, 3, 1) if contract else None,
        integrated=True,
    )
    return user


def test_agency_names_a_contracted_platform_which_sets_its_parameters(world):
    a, _ = world
    uncontracted = _platform(a, contract=False)
    with pytest.raises(ValidationError):
        services.platform_name(user=a.agency, project=a.project, platform=uncontracted.organisation)
    platform = _platform(a)
    supervision = services.platform_name(
        user=a.agency, project=a.project, platform=platform.organisation
    )
    assert selectors.supervision_parameters(project=a.project) is None
    # Not yet a participant (the office names it, HB §12): refused.
    with pytest.raises(PermissionDenied):
        services.supervision_configure(
            user=platform,
            supervision=supervision,
            face_capture_interval_minutes=10,
            fast_forward_blocked=True,
            idle_cutoff_minutes=5,
        )
    ParticipantFactory(
        project=a.project,
        role=ParticipantRole.ONLINE_PLATFORM,
        organisation=platform.organisation,
    )
    with pytest.raises(PermissionDenied):
        services.supervision_configure(
            user=uncontracted,
            supervision=supervision,
            face_capture_interval_minutes=10,
            fast_forward_blocked=True,
            idle_cutoff_minutes=5,
        )
    with pytest.raises(ValidationError):
        services.supervision_configure(
            user=platform,
            supervision=supervision,
            face_capture_interval_minutes=0,
            fast_forward_blocked=True,
            idle_cutoff_minutes=5,
        )
    services.supervision_configure(
        user=platform,
        supervision=supervision,
        face_capture_interval_minutes=10,
        fast_forward_blocked=True,
        idle_cutoff_minutes=5,
    )
    parameters = selectors.supervision_parameters(project=a.project)
    assert (
        parameters.capture_interval_seconds,
        parameters.fast_forward_blocked,
        parameters.idle_cutoff_seconds,
    ) == (600, True, 300)
    with pytest.raises(ValidationError):
        services.platform_name(user=a.agency, project=a.promo, platform=platform.organisation)


# --- pre-start package ----------------------------------------------------------------------


def _complete_training_package(w):
    package = services.package_for(w.project)
    for item in ("plan_table", "materials", "device_photos"):
        upload = png() if item == "device_photos" else pdf()
        services.package_file_add(
            user=w.agency, package=package, item_code=item, uploaded_file=upload, title=item
        )
    services.training_line_add(
        user=w.agency,
        package=package,
        month=D(2027, 5, 1),
        trainee_type="一线作业人员",
        post="电工",
        headcount=50,
        content="安全生产法规",
        online_hours=Decimal("2"),
        offline_hours=Decimal("4"),
        period="5月10日9:00-12:00",
        place="培训中心",
    )
    for role in (StaffRole.MANAGER, StaffRole.TEACHER):
        services.staff_add(
            user=w.agency,
            package=package,
            role=role,
            name="张三",
            position="讲师",
            qualification="注册安全工程师",
            certificate_file=pdf(),
        )
    return package


def _prestart_deadlines(package):
    return Deadline.unscoped.filter(
        rule__code="pre_start_upload", subject_id=package.pk, project=package.project
    ).order_by("pk")


def test_first_session_opens_the_deadline_seven_days_before_and_moving_it_moves_it(world):
    a, _ = world
    session = session_at(a, datetime.datetime(2027, 5, 10, 1, 0, tzinfo=UTC))
    package = services.package_for(a.project)
    (deadline,) = _prestart_deadlines(package)
    assert (deadline.starts_on, deadline.due_on) == (D(2027, 5, 10), D(2027, 5, 3))
    assert (deadline.owner_role, deadline.owner_organisation) == (
        Role.IMPLEMENTER,
        a.agency.organisation,
    )
    # A later session changes nothing; an earlier one moves the deadline.
    session_at(a, datetime.datetime(2027, 6, 1, 1, 0, tzinfo=UTC), session.training_class)
    assert _prestart_deadlines(package).count() == 1
    session_at(a, datetime.datetime(2027, 5, 1, 1, 0, tzinfo=UTC), session.training_class)
    old, new = _prestart_deadlines(package)
    assert old.status == DeadlineStatus.CANCELLED and "2027-05-01" in old.cancelled_reason
    assert (new.status, new.due_on) == (DeadlineStatus.OPEN, D(2027, 4, 24))
    package.refresh_from_db()
    assert package.starts_on == D(2027, 5, 1)


def test_submit_needs_the_checklist_then_meets_the_deadline_and_the_office_reviews(
    world, monkeypatch, en
):
    a, b = world
    session_at(a, datetime.datetime(2027, 5, 10, 1, 0, tzinfo=UTC))
    package = services.package_for(a.project)
    at(monkeypatch, datetime.datetime(2027, 4, 20, 2, 0, tzinfo=UTC))
    with pytest.raises(ValidationError) as refused:
        services.package_act(user=a.agency, package=package, action="submit")
    assert "Teachers" in str(refused.value) and "Monthly training plans" in str(refused.value)
    _complete_training_package(a)
    with pytest.raises(PermissionDenied):
        services.package_act(user=b.agency, package=package, action="submit")
    services.package_act(user=a.agency, package=package, action="submit")
    package.refresh_from_db()
    assert package.status == PackageStatus.SUBMITTED
    (deadline,) = _prestart_deadlines(package)
    assert (deadline.status, deadline.late) == (DeadlineStatus.MET, False)
    # Frozen while under review.
    with pytest.raises(ValidationError):
        services.package_file_add(
            user=a.agency, package=package, item_code="other", uploaded_file=pdf(), title="x"
        )
    for user in (b.office, a.member, a.agency):
        with pytest.raises((PermissionDenied, ValidationError)):
            services.package_act(user=user, package=package, action="approve")
    with pytest.raises(ValidationError):
        services.package_act(user=a.office, package=package, action="return", note="  ")
    services.package_act(user=a.office, package=package, action="return", note="教材不全")
    package.refresh_from_db()
    assert (package.status, package.review_note) == (PackageStatus.RETURNED, "教材不全")
    services.package_file_add(
        user=a.agency, package=package, item_code="materials", uploaded_file=pdf(), title="补充"
    )
    services.package_act(user=a.agency, package=package, action="submit")
    services.package_act(user=a.office, package=package, action="approve")
    package.refresh_from_db()
    assert package.status == PackageStatus.APPROVED
    assert not Finding.unscoped.filter(project=a.project, rule_code="deadline_missed").exists()


def test_package_submitted_late_raises_the_missed_deadline_finding(world, monkeypatch):
    a, _ = world
    session_at(a, datetime.datetime(2027, 5, 10, 1, 0, tzinfo=UTC))
    package = _complete_training_package(a)
    at(monkeypatch, datetime.datetime(2027, 5, 6, 2, 0, tzinfo=UTC))
    services.package_act(user=a.agency, package=package, action="submit")
    (deadline,) = _prestart_deadlines(package)
    assert (deadline.status, deadline.late) == (DeadlineStatus.MET, True)
    finding = Finding.unscoped.get(rule_code="deadline_missed", subject_id=deadline.pk)
    assert finding.project == a.project and finding.citation == "HB §13"
    assert finding.owner_organisation == a.agency.organisation


def test_package_missing_is_found_by_the_sweep(world):
    a, _ = world
    session_at(a, datetime.datetime(2027, 5, 10, 1, 0, tzinfo=UTC))
    package = services.package_for(a.project)
    assert deadlines_mark_overdue(today=D(2027, 5, 3)) == []
    (finding,) = deadlines_mark_overdue(today=D(2027, 5, 4))
    assert finding.subject == _prestart_deadlines(package).get()
    assert finding.project == a.project


def test_promotion_package_deadline_counts_from_the_plan_start(world, monkeypatch):
    a, _ = world
    package = services.package_for(a.promo)
    assert package.checklist_code == "implementation_prestart_promotion"
    services.promotion_line_add(
        user=a.agency,
        package=package,
        requirement=a.placement.requirement,
        what="公益广告",
        starts_on=D(2027, 6, 1),
        ends_on=D(2027, 6, 30),
        time_slot="19:00-20:00",
        duration="30秒",
        frequency="每天3次",
        audience="全市职工",
    )
    (deadline,) = _prestart_deadlines(package)
    assert deadline.due_on == D(2027, 5, 25)
    with pytest.raises(ValidationError):
        services.training_line_add(
            user=a.agency,
            package=package,
            month=D(2027, 6, 1),
            trainee_type="x",
            post="x",
            headcount=1,
            content="x",
            online_hours=Decimal(1),
            offline_hours=Decimal(0),
            period="x",
            place="x",
        )
    for item in ("plan_table", "samples"):
        services.package_file_add(
            user=a.agency, package=package, item_code=item, uploaded_file=pdf(), title=item
        )
    at(monkeypatch, datetime.datetime(2027, 5, 20, 2, 0, tzinfo=UTC))
    services.package_act(user=a.agency, package=package, action="submit")
    deadline.refresh_from_db()
    assert (deadline.status, deadline.late) == (DeadlineStatus.MET, False)


# --- promotion records ----------------------------------------------------------------------


def _record(w, **fields):
    values = {
        "kind": "distribution",
        "activity": w.activity,
        "what": "宣传手册",
        "place": "长安区广场",
        "occurred_on": D(2027, 6, 5),
        "quantity": 200,
        "audience": "建筑工人",
    }
    values.update(fields)
    return services.promotion_record_add(
        user=w.agency, project=w.promo, proofs=[("photo", png())], **values
    )


def test_promotion_records_total_against_the_procured_quantities(world):
    a, b = world
    _record(a)
    _record(a, kind="session", quantity=1, what="咨询活动")
    _record(
        a,
        kind="broadcast",
        activity=None,
        placement=a.placement,
        what="公益广告",
        place="河北电视台",
        channel="河北电视台新闻频道",
        time_slot="19:00-20:00",
        duration_seconds=30,
        quantity=60,
    )
    totals = selectors.promotion_totals(a.promo)
    lines = {line.label.split(" · ")[0]: line for t in totals for line in t.lines}
    assert (lines["咨询活动"].delivered, lines["咨询活动"].shortfall) == (1, 1)
    assert (lines["宣传手册"].delivered, lines["宣传手册"].shortfall) == (200, 300)
    assert (lines["河北电视台"].delivered, lines["河北电视台"].shortfall) == (60, 30)
    assert all(t.short for t in totals)

    with pytest.raises(ValidationError):  # a broadcast needs channel, slot, duration
        _record(a, kind="broadcast", activity=None, placement=a.placement, channel="")
    with pytest.raises(ValidationError):  # another project's procured activity
        _record(a, activity=b.activity)
    with pytest.raises(ValidationError):  # no photo
        services.promotion_record_add(
            user=a.agency,
            project=a.promo,
            proofs=[("feedback", pdf())],
            kind="distribution",
            what="x",
            place="x",
            occurred_on=D(2027, 6, 5),
            quantity=1,
            audience="x",
        )
    with pytest.raises(PermissionDenied):
        services.promotion_record_add(
            user=b.agency,
            project=a.promo,
            proofs=[("photo", png())],
            kind="distribution",
            what="x",
            place="x",
            occurred_on=D(2027, 6, 5),
            quantity=1,
            audience="x",
        )
    assert PromotionRecord.unscoped.filter(project=a.promo).count() == 3


# --- monthly reports and funds --------------------------------------------------------------


def test_agreement_opens_one_monthly_deadline_per_month_and_the_sweep_finds_a_missed_one(
    world, monkeypatch
):
    a, _ = world
    agreement_for(a, a.promo, starts_on=D(2027, 1, 15), ends_on=D(2027, 3, 20))
    reports = list(MonthlyReport.unscoped.filter(project=a.promo).order_by("month"))
    assert [r.month for r in reports] == [D(2027, 1, 1), D(2027, 2, 1), D(2027, 3, 1)]
    deadlines = Deadline.unscoped.filter(rule__code="monthly_progress", project=a.promo)
    assert sorted(d.due_on for d in deadlines) == [D(2027, 2, 15), D(2027, 3, 10), D(2027, 4, 12)]
    assert services.monthly_deadlines_ensure(a.promo) == []

    # 10 Feb 2027 is in the (fixture's) Spring Festival: due on the next working day, 15 Feb.
    (finding,) = deadlines_mark_overdue(today=D(2027, 2, 16))
    assert finding.subject.subject == reports[0]
    assert finding.owner_organisation == a.agency.organisation

    _record(a, occurred_on=D(2027, 2, 5))
    at(monkeypatch, datetime.datetime(2027, 3, 2, 2, 0, tzinfo=UTC))
    services.funds_entry_add(
        user=a.agency,
        project=a.promo,
        direction="received",
        entry_date=D(2027, 2, 3),
        item="首付款",
        amount=Decimal("150000.00"),
        voucher_file=pdf(),
    )
    with pytest.raises(ValidationError):
        services.monthly_report_submit(user=a.agency, report=reports[1], progress="  ")
    services.monthly_report_submit(user=a.agency, report=reports[1], progress="发放手册200份")
    reports[1].refresh_from_db()
    assert reports[1].status == ReportStatus.SUBMITTED
    assert reports[1].figures["promotion"] == {"distribution": 200}
    assert reports[1].figures["received"] == "150000.00"
    met = Deadline.unscoped.get(rule__code="monthly_progress", subject_id=reports[1].pk)
    assert (met.status, met.late) == (DeadlineStatus.MET, False)
    with pytest.raises(ValidationError):  # a month not yet begun
        at(monkeypatch, datetime.datetime(2027, 2, 20, 2, 0, tzinfo=UTC))
        services.monthly_report_submit(user=a.agency, report=reports[2], progress="x")


def test_spending_within_and_beyond_the_budget_line_and_the_contract(world, monkeypatch):
    a, b = world
    agreement_for(
        a, a.promo, starts_on=D(2027, 1, 1), ends_on=D(2027, 12, 31), amount=Decimal(1000)
    )
    BudgetYear.unscoped.create(project=a.promo, year=2027, days=365, amount=Decimal("800.00"))
    at(monkeypatch, datetime.datetime(2027, 6, 1, 2, 0, tzinfo=UTC))

    def spend(amount, **extra):
        return services.funds_entry_add(
            user=a.agency,
            project=a.promo,
            direction="spent",
            entry_date=D(2027, 5, 1),
            item="印刷费",
            amount=Decimal(amount),
            voucher_file=extra.pop("voucher_file", pdf()),
            **extra,
        )

    spend("300.10")
    spend("499.90")
    assert not Finding.unscoped.filter(project=a.promo).exists()
    spend("0.01")
    over = Finding.unscoped.get(rule_code="IMPL-SPEND-OVER-BUDGET", project=a.promo)
    assert "800.01" in over.message and over.key == "2027"
    assert not Finding.unscoped.filter(rule_code="IMPL-SPEND-OVER-CONTRACT").exists()
    spend("200.00")
    assert Finding.unscoped.filter(rule_code="IMPL-SPEND-OVER-CONTRACT", project=a.promo).exists()
    summary = selectors.funds_summary(a.promo)
    assert summary.spent == Decimal("1000.01") and summary.over_contract
    assert [(y.year, y.budget, y.spent, y.over) for y in summary.years] == [
        (2027, Decimal("800.00"), Decimal("1000.01"), True)
    ]
    count = FundsEntry.unscoped.count()
    with pytest.raises(ValidationError):
        spend("5", voucher_file=None)
    with pytest.raises(ValidationError):
        spend("-1")
    with pytest.raises(PermissionDenied):
        services.funds_entry_add(
            user=b.agency,
            project=a.promo,
            direction="spent",
            entry_date=D(2027, 5, 1),
            item="x",
            amount=Decimal(1),
            voucher_file=pdf(),
        )
    assert FundsEntry.unscoped.count() == count
