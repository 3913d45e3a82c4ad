"""Pages of implementation: every form submitted from the rendered page; who reads (offices,
member units and HRSS of the region, the evaluation agency), who writes (the agency; the office
decides; the named platform sets its parameters); other city or other agency: 404 on reads,
403/404 on writes, nothing changed."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.findings.models import Finding
from apps.implementation import services
from apps.implementation.models import (
    Camera,
    CameraTest,
    FundsEntry,
    MonthlyReport,
    OnlineSupervision,
    PackageFile,
    PackageStatus,
    PrestartPackage,
    PromotionPlanLine,
    PromotionRecord,
    StaffMember,
    TrainingPlanLine,
)
from apps.projects.models import ParticipantRole
from tests.factories import ParticipantFactory, UserFactory
from tests.implementation.test_services import _platform
from tests.implementation.world import agreement_for, pdf, png, session_at
from tests.rendered_forms import form_submit

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
D = datetime.date


def login(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def at(monkeypatch, when):
    monkeypatch.setattr(services, "clock", lambda: when)


def test_project_page_links_to_implementation_and_the_package(client, world):
    a, _ = world
    page = login(client, a.office).get(reverse("projects:detail", args=[a.project.pk]))
    assert reverse("implementation:project", args=[a.project.pk]).encode() in page.content
    assert reverse("implementation:package", args=[a.project.pk]).encode() in page.content


def test_agency_registers_and_tests_a_camera_names_a_platform_which_configures(
    client, world, settings
):
    a, _ = world
    settings.WIPP_IMPLEMENTATION_CAMERA_TIMEOUT_SECONDS = 0.5
    login(client, a.agency)
    page = client.get(reverse("implementation:camera_create", args=[a.project.pk]))
    response = form_submit(
        client,
        page,
        "form[data-testid=camera-form]",
        data={"name": "教室前", "stream_url": "rtsp://127.0.0.1:9/stream1"},
    )
    assert response.status_code == 302
    camera = Camera.unscoped.get(project=a.project)
    page = client.get(reverse("implementation:project", args=[a.project.pk]))
    response = form_submit(client, page, f"form[data-testid=camera-test-{camera.pk}]")
    assert response.status_code == 302
    assert CameraTest.objects.get(camera=camera).tested_at is not None
    assert (
        b"not reachable"
        in client.get(reverse("implementation:project", args=[a.project.pk])).content
        or CameraTest.objects.get(camera=camera).reachable
    )

    platform = _platform(a)
    page = client.get(reverse("implementation:platform", args=[a.project.pk]))
    form_submit(
        client,
        page,
        "form[data-testid=platform-form]",
        data={"platform": str(platform.organisation_id)},
    )
    supervision = OnlineSupervision.unscoped.get(project=a.project)
    assert supervision.platform == platform.organisation

    ParticipantFactory(
        project=a.project, role=ParticipantRole.ONLINE_PLATFORM, organisation=platform.organisation
    )
    login(client, platform)
    page = client.get(reverse("implementation:project", args=[a.project.pk]))
    assert b'data-testid="supervision-link"' in page.content
    assert b'data-testid="package-link"' not in page.content
    page = client.get(reverse("implementation:supervision", args=[a.project.pk]))
    form_submit(
        client,
        page,
        "form[data-testid=supervision-form]",
        data={
            "face_capture_interval_minutes": "15",
            "fast_forward_blocked": "on",
            "idle_cutoff_minutes": "5",
        },
    )
    supervision.refresh_from_db()
    assert (
        supervision.face_capture_interval_minutes,
        supervision.fast_forward_blocked,
        supervision.idle_cutoff_minutes,
    ) == (15, True, 5)
    # The platform reads set-up only.
    assert client.get(reverse("implementation:package", args=[a.project.pk])).status_code == 403


def test_package_assembled_submitted_returned_and_approved_from_the_pages(
    client, world, monkeypatch
):
    a, _ = world
    session_at(a, datetime.datetime(2027, 5, 10, 1, 0, tzinfo=UTC))
    at(monkeypatch, datetime.datetime(2027, 4, 20, 2, 0, tzinfo=UTC))
    login(client, a.agency)
    url = reverse("implementation:package", args=[a.project.pk])
    for item, upload in (("plan_table", pdf()), ("materials", pdf()), ("device_photos", png())):
        page = client.get(reverse("implementation:package_file_add", args=[a.project.pk]))
        response = form_submit(
            client,
            page,
            "form[data-testid=package-file-form]",
            data={"item_code": item, "title": item, "file": upload},
        )
        assert response.status_code == 302, response.content[:3000]
    assert PackageFile.objects.count() == 3
    page = client.get(reverse("implementation:training_line_add", args=[a.project.pk]))
    form_submit(
        client,
        page,
        "form[data-testid=training-line-form]",
        data={
            "month": "2027-05",
            "trainee_type": "一线作业人员",
            "post": "电工",
            "headcount": "50",
            "content": "安全生产法规",
            "online_hours": "2",
            "offline_hours": "4",
            "period": "5月10日",
            "place": "培训中心",
        },
    )
    assert TrainingPlanLine.objects.get().month == D(2027, 5, 1)
    for role in ("manager", "teacher"):
        page = client.get(reverse("implementation:staff_add", args=[a.project.pk]))
        form_submit(
            client,
            page,
            "form[data-testid=staff-form]",
            data={
                "role": role,
                "name": "李四",
                "position": "讲师",
                "qualification": "高级工程师",
                "certificate_file": pdf(),
            },
        )
    assert StaffMember.objects.count() == 2
    page = client.get(url)
    assert b"package-approve" not in page.content
    form_submit(client, page, "form[data-testid=package-submit]")
    package = PrestartPackage.unscoped.get(project=a.project)
    assert package.status == PackageStatus.SUBMITTED

    login(client, a.office)
    page = client.get(url)
    assert b'data-testid="file-add-link"' not in page.content
    form_submit(client, page, "form[data-testid=package-return]", data={"note": "师资证书不清晰"})
    package.refresh_from_db()
    assert (package.status, package.review_note) == (PackageStatus.RETURNED, "师资证书不清晰")

    login(client, a.agency)
    form_submit(client, client.get(url), "form[data-testid=package-submit]")
    login(client, a.office)
    form_submit(client, client.get(url), "form[data-testid=package-approve]")
    package.refresh_from_db()
    assert package.status == PackageStatus.APPROVED
    assert client.get(url).status_code == 200


def test_promotion_plan_records_reports_and_funds_from_the_pages(client, world, monkeypatch):
    a, _ = world
    agreement_for(a, a.promo, starts_on=D(2027, 5, 1), ends_on=D(2027, 7, 31))
    at(monkeypatch, datetime.datetime(2027, 6, 20, 2, 0, tzinfo=UTC))
    login(client, a.agency)
    page = client.get(reverse("implementation:promotion_line_add", args=[a.promo.pk]))
    form_submit(
        client,
        page,
        "form[data-testid=promotion-line-form]",
        data={
            "requirement": str(a.activity.requirement_id),
            "what": "宣传手册",
            "starts_on": "2027-06-01",
            "ends_on": "2027-06-30",
            "frequency": "2场",
            "audience": "建筑工人",
        },
    )
    assert PromotionPlanLine.objects.filter(package__project=a.promo).count() == 1

    page = client.get(reverse("implementation:promotion_record_add", args=[a.promo.pk]))
    response = form_submit(
        client,
        page,
        "form[data-testid=promotion-record-form]",
        data={
            "kind": "broadcast",
            "placement": str(a.placement.pk),
            "what": "公益广告",
            "place": "河北电视台",
            "occurred_on": "2027-06-05",
            "quantity": "3",
            "audience": "全市观众",
            "channel": "新闻频道",
            "time_slot": "19:00-20:00",
            "duration_seconds": "30",
            "photo": png(),
        },
    )
    record = PromotionRecord.unscoped.get(project=a.promo)
    assert response.url == reverse("implementation:promotion_record", args=[record.pk])
    assert record.proofs.get().kind == "broadcast_proof"
    page = client.get(reverse("implementation:promotion", args=[a.promo.pk]))
    assert b'data-testid="shortfall"' in page.content

    report = MonthlyReport.unscoped.get(project=a.promo, month=D(2027, 6, 1))
    page = client.get(reverse("implementation:report", args=[report.pk]))
    form_submit(client, page, "form[data-testid=report-form]", data={"progress": "播出3次"})
    report.refresh_from_db()
    assert report.status == "submitted" and report.figures["promotion"] == {"broadcast": 3}

    page = client.get(reverse("implementation:funds_add", args=[a.promo.pk]))
    form_submit(
        client,
        page,
        "form[data-testid=funds-form]",
        data={
            "direction": "spent",
            "entry_date": "2027-06-03",
            "item": "播出费",
            "amount": "1234.56",
            "voucher_file": pdf(),
        },
    )
    entry = FundsEntry.unscoped.get(project=a.promo)
    assert entry.amount == Decimal("1234.56")
    # No budget line for 2027: the spending is recorded and found.
    assert Finding.unscoped.filter(rule_code="IMPL-SPEND-OVER-BUDGET", project=a.promo).exists()
    page = client.get(reverse("implementation:funds", args=[a.promo.pk]))
    assert "1234.56" in page.content.decode()


def _read_pages(a, report, record):
    return [
        reverse("implementation:project", args=[a.project.pk]),
        reverse("implementation:package", args=[a.project.pk]),
        reverse("implementation:promotion", args=[a.promo.pk]),
        reverse("implementation:promotion_record", args=[record.pk]),
        reverse("implementation:reports", args=[a.promo.pk]),
        reverse("implementation:report", args=[report.pk]),
        reverse("implementation:funds", args=[a.promo.pk]),
    ]


def _write_posts(a, camera, package):
    return [
        reverse("implementation:camera_create", args=[a.project.pk]),
        reverse("implementation:camera_test", args=[camera.pk]),
        reverse("implementation:platform", args=[a.project.pk]),
        reverse("implementation:package_file_add", args=[a.project.pk]),
        reverse("implementation:training_line_add", args=[a.project.pk]),
        reverse("implementation:staff_add", args=[a.project.pk]),
        reverse("implementation:package_decide", args=[package.pk]),
        reverse("implementation:promotion_record_add", args=[a.promo.pk]),
        reverse("implementation:funds_add", args=[a.promo.pk]),
    ]


@pytest.fixture
def filled(world, monkeypatch):
    a, _ = world
    agreement_for(a, a.promo, starts_on=D(2027, 5, 1), ends_on=D(2027, 6, 30))
    camera = services.camera_add(
        user=a.agency, project=a.project, name="前", stream_url="rtsp://127.0.0.1:9/s"
    )
    package = services.package_for(a.project)
    record = services.promotion_record_add(
        user=a.agency,
        project=a.promo,
        proofs=[("photo", png())],
        kind="distribution",
        activity=a.activity,
        what="手册",
        place="广场",
        occurred_on=D(2027, 5, 5),
        quantity=10,
        audience="工人",
    )
    report = MonthlyReport.unscoped.filter(project=a.promo).first()
    return camera, package, record, report


def _counts():
    return (
        Camera.unscoped.count(),
        CameraTest.objects.count(),
        PackageFile.objects.count(),
        PromotionRecord.unscoped.count(),
        FundsEntry.unscoped.count(),
        MonthlyReport.unscoped.filter(status="submitted").count(),
        PrestartPackage.unscoped.filter(status="draft").count(),
    )


def test_readers_of_the_region_read_and_do_not_write(client, world, filled):
    a, _ = world
    camera, package, record, report = filled
    before = _counts()
    for user in (a.office, a.member, a.hrss, a.evaluator):
        login(client, user)
        for url in _read_pages(a, report, record):
            assert client.get(url).status_code == 200, (user.role, url)
        for url in _write_posts(a, camera, package):
            status = client.post(url, {"action": "submit", "name": "x"}).status_code
            assert status == 403, (user.role, url, status)
        assert (
            client.post(
                reverse("implementation:report", args=[report.pk]), {"progress": "x"}
            ).status_code
            == 403
        )
    assert _counts() == before


def test_other_city_and_other_agency_get_404_and_change_nothing(client, world, filled):
    a, b = world
    camera, package, record, report = filled
    before = _counts()
    for user in (b.office, b.agency, b.evaluator, b.member):
        login(client, user)
        for url in _read_pages(a, report, record):
            assert client.get(url).status_code == 404, (user.role, url)
        for url in _write_posts(a, camera, package):
            status = client.post(url, {"action": "approve", "name": "x"}).status_code
            assert status in (403, 404), (user.role, url, status)
        assert (
            client.post(
                reverse("implementation:report", args=[report.pk]), {"progress": "x"}
            ).status_code
            == 404
        )
    assert _counts() == before


def test_applicant_and_unrelated_roles_are_refused(client, world, filled):
    a, _ = world
    _camera, _package, record, report = filled
    applicant = UserFactory(role="applicant", organisation=a.project.applicant)
    login(client, applicant)
    for url in _read_pages(a, report, record):
        assert client.get(url).status_code in (403, 404), url


def test_lists_paginate(client, world, filled):
    a, _ = world
    for n in range(51):
        PromotionRecord.unscoped.create(
            project=a.promo,
            organisation=a.agency.organisation,
            kind="distribution",
            what=f"手册{n}",
            place="广场",
            occurred_on=D(2027, 5, 6),
            quantity=1,
            audience="工人",
            recorded_by=a.agency,
        )
    login(client, a.office)
    url = reverse("implementation:promotion", args=[a.promo.pk])
    assert "1 / 2" in client.get(url).content.decode()
    assert client.get(url, {"page": 2}).status_code == 200
    found = client.get(url, {"q": "手册17"}).content.decode()
    assert ">手册17<" in found and ">手册18<" not in found
    by_what = client.get(url, {"sort": "-what", "per_page": 100}).content.decode()
    assert by_what.index(">手册9<") < by_what.index(">手册10<")
