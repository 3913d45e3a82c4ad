"""Pages of training: every form submitted from the rendered page; who reads and who writes."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.roles import Role
from apps.audit.models import AuditEntry
from apps.core.validators import make_resident_id
from apps.findings.models import Finding
from apps.training.models import (
    AttendanceRecord,
    ExamResult,
    FaceConsent,
    FaceImpactAssessment,
    FaceTemplate,
    PresenceConfirmation,
    Session,
    Trainee,
    TrainingClass,
)
from tests.factories import UserFactory
from tests.rendered_forms import form_submit
from tests.training.test_services import row, workbook
from tests.training.world import START, VENUE, at, enrolled, photo, trainee_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def en(settings):
    settings.LANGUAGE_CODE = "en"


def login(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def upload(content, name="photo.jpg", kind="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=kind)


def test_project_page_links_to_training(client, world):
    a, _ = world
    page = login(client, a.office).get(reverse("projects:detail", args=[a.project.pk]))
    assert reverse("training:project", args=[a.project.pk]).encode() in page.content


def test_agency_sets_up_class_session_and_roster_from_the_pages(client, world, en):
    a, _ = world
    login(client, a.agency)
    page = client.get(reverse("training:class_create", args=[a.project.pk]))
    response = form_submit(
        client,
        page,
        "form[data-testid=class-form]",
        data={"name": "管理人员班", "syllabus_line": str(a.training_class.syllabus_line_id)},
    )
    new_class = TrainingClass.unscoped.get(name="管理人员班")
    assert response.url == reverse("training:class", args=[new_class.pk])

    page = client.get(reverse("training:session_create", args=[new_class.pk]))
    response = form_submit(
        client,
        page,
        "form[data-testid=session-form]",
        data={
            "title": "第1课",
            "teacher": "李老师",
            "starts_at": "2027-06-01T09:00",
            "ends_at": "2027-06-01T12:00",
            "venue_address": "石家庄市桥西区",
            "latitude": "38.0423",
            "longitude": "114.5143",
        },
    )
    session = Session.unscoped.get(training_class=new_class)
    assert response.status_code == 302 and session.radius_m == 300
    assert session.coordinate_system == "gcj02"

    template = client.get(reverse("training:roster_template", args=[new_class.pk]))
    assert load_workbook(io.BytesIO(template.content)).active["A1"].value.startswith("姓名")

    bad = make_resident_id("130102", datetime.date(1991, 1, 1), 21)
    bad = bad[:17] + ("0" if bad[17] != "0" else "1")
    good = make_resident_id("130102", datetime.date(1991, 1, 1), 23)
    page = client.get(reverse("training:roster_upload", args=[new_class.pk]))
    file = workbook([row("好人", good), row("坏号", bad)]).getvalue()
    response = form_submit(
        client,
        page,
        "form[data-testid=roster-form]",
        data={"file": upload(file, "roster.xlsx", "application/octet-stream")},
    )
    preview = client.get(response.url)
    assert b'data-testid="roster-errors"' in preview.content
    assert b'data-testid="roster-confirm-form"' not in preview.content
    assert b"check digit" in preview.content
    assert not Trainee.unscoped.filter(training_class=new_class).exists()

    page = client.get(reverse("training:roster_upload", args=[new_class.pk]))
    file = workbook(
        [
            row("好人", good, "男"),
            row("二号", make_resident_id("130102", datetime.date(1992, 2, 2), 24)),
        ]
    ).getvalue()
    response = form_submit(
        client,
        page,
        "form[data-testid=roster-form]",
        data={"file": upload(file, "roster.xlsx", "application/octet-stream")},
    )
    preview = client.get(response.url)
    response = form_submit(client, preview, "form[data-testid=roster-confirm-form]")
    assert response.url == reverse("training:class", args=[new_class.pk])
    assert Trainee.unscoped.filter(training_class=new_class).count() == 2
    page = client.get(response.url)
    assert b"1301**********" in page.content and good.encode() not in page.content


def test_assessment_consent_enrol_exam_reveal_from_the_pages(client, world, en):
    a, _ = world
    FaceImpactAssessment.unscoped.filter(project=a.project).delete()
    trainee = trainee_for(a)
    login(client, a.agency)
    page = client.get(reverse("training:assessment", args=[a.project.pk]))
    form_submit(
        client,
        page,
        "form[data-testid=assessment-form]",
        data={
            "purpose": "签到核验",
            "necessity": "防代签",
            "risks": "泄露",
            "measures": "加密",
            "alternative": "人工确认",
            "assessed_on": "2027-04-01",
        },
    )
    assert FaceImpactAssessment.unscoped.filter(project=a.project).exists()

    url = reverse("training:trainee", args=[trainee.pk])
    page = client.get(url)
    assert b'data-testid="enrol-form"' not in page.content  # no consent yet
    form_submit(client, page, "form[data-testid=consent-form]", data={"confirmed": "on"})
    assert FaceConsent.objects.get(trainee=trainee).active

    page = client.get(url)
    form_submit(client, page, "form[data-testid=enrol-form]", data={"photo": upload(photo(0))})
    assert FaceTemplate.objects.get(trainee=trainee).vector

    page = client.get(url)
    form_submit(
        client,
        page,
        "form[data-testid=exam-form]",
        data={"taken_on": "2027-05-20", "score": "88", "passed": "on"},
    )
    assert ExamResult.unscoped.get(trainee=trainee).passed

    page = client.get(url)
    assert trainee.resident_id.encode() not in page.content
    before = AuditEntry.unscoped.filter(action="pii_access").count()
    shown = form_submit(client, page, "form[data-testid=reveal-form]")
    assert trainee.resident_id.encode() in shown.content
    assert AuditEntry.unscoped.filter(action="pii_access").count() == before + 1

    page = client.get(url)
    form_submit(client, page, "form[data-testid=withdraw-form]")
    assert not FaceTemplate.objects.get(trainee=trainee).vector


def test_enrol_without_consent_is_refused_on_the_page(client, world, en):
    a, _ = world
    trainee = trainee_for(a)
    login(client, a.agency)
    response = client.post(
        reverse("training:trainee_enrol", args=[trainee.pk]),
        {"photo": upload(photo(0))},
        follow=True,
    )
    assert response.status_code == 200 and b"has not consented" in response.content
    assert not FaceTemplate.objects.filter(trainee=trainee).exists()


def test_check_in_page_records_with_location(client, world, monkeypatch, en):
    a, _ = world
    trainee = trainee_for(a)
    enrolled(a, trainee, photo(0))
    at(monkeypatch, START)
    login(client, a.agency)
    page = client.get(reverse("training:checkin", args=[a.session.pk]))
    assert b'capture="user"' in page.content and b"checkin.js" in page.content
    response = form_submit(
        client,
        page,
        "form[data-testid=checkin-form]",
        data={
            "trainee": str(trainee.pk),
            "kind": "in",
            "photo": upload(photo(0, 1)),
            "latitude": str(VENUE[0]),
            "longitude": str(VENUE[1]),
            "coordinate_system": "gcj02",
        },
    )
    record = AttendanceRecord.unscoped.get()
    assert b'data-testid="checkin-result"' in response.content
    assert record.recorded_at == START and record.within_radius and record.face_match
    assert record.distance_m < 1


def test_non_face_confirmation_from_the_pages(client, world, monkeypatch, en):
    a, _ = world
    trainee = trainee_for(a)
    at(monkeypatch, START)
    login(client, a.agency)
    url = reverse("training:session", args=[a.session.pk])
    page = client.get(url)
    form_submit(
        client,
        page,
        "form[data-testid=confirmation-form]",
        data={"trainee": str(trainee.pk), "kind": "in", "reason": "不同意人脸识别"},
    )
    confirmation = PresenceConfirmation.unscoped.get()
    assert b"decide-form" not in client.get(url).content  # not the agency's step
    login(client, a.office)
    page = client.get(url)
    form_submit(
        client,
        page,
        f"form[data-testid=decide-form-{confirmation.pk}]",
        button="button[value=reject]",
    )
    confirmation.refresh_from_db()
    assert confirmation.status == "pending"  # a rejection needs its reason
    page = client.get(url)
    form_submit(
        client,
        page,
        f"form[data-testid=decide-form-{confirmation.pk}]",
        button="button[value=approve]",
    )
    confirmation.refresh_from_db()
    assert confirmation.status == "approved"
    assert AttendanceRecord.unscoped.get().method == "confirmed"


def test_hours_check_from_the_page_and_export_package(client, world, monkeypatch, en):
    a, _ = world
    trainee = trainee_for(a)
    enrolled(a, trainee, photo(0))
    at(monkeypatch, START)
    from tests.training.test_services import check

    check(a, trainee, when=None, person=0, shot=1)
    at(monkeypatch, a.session.ends_at + datetime.timedelta(hours=1))
    login(client, a.office)
    page = client.get(reverse("training:project", args=[a.project.pk]))
    form_submit(client, page, "form[data-testid=hours-check-form]")
    assert Finding.unscoped.filter(rule_code="TR-HOURS-BELOW", subject_id=trainee.pk).exists()

    before = AuditEntry.unscoped.filter(action="pii_access").count()
    response = client.get(reverse("training:export", args=[a.project.pk]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert "attendance.xlsx" in names and any(n.startswith("photos/") for n in names)
    sheet = load_workbook(io.BytesIO(archive.read("attendance.xlsx"))).active
    assert sheet.cell(row=2, column=7).value == trainee.name
    assert AuditEntry.unscoped.filter(action="pii_access").count() == before + 1


# --- scoping --------------------------------------------------------------------------------


def pages(a, trainee):
    return [
        reverse("training:project", args=[a.project.pk]),
        reverse("training:class", args=[a.training_class.pk]),
        reverse("training:session", args=[a.session.pk]),
        reverse("training:trainee", args=[trainee.pk]),
        reverse("training:export", args=[a.project.pk]),
    ]


def test_other_city_office_and_other_agency_get_404(client, world):
    a, b = world
    trainee = trainee_for(a)
    for user in (b.office, b.agency):
        login(client, user)
        for url in pages(a, trainee):
            assert client.get(url).status_code == 404, (user.role, url)
        assert client.get(reverse("training:checkin", args=[a.session.pk])).status_code == 404
        response = client.post(
            reverse("training:trainee_consent", args=[trainee.pk]), {"confirmed": "on"}
        )
        assert response.status_code == 404
        response = client.post(reverse("training:class_create", args=[a.project.pk]), {"name": "x"})
        assert response.status_code == 404
    assert not FaceConsent.objects.exists()


def test_readers_read_but_do_not_write(client, world, monkeypatch):
    a, _ = world
    trainee = trainee_for(a)
    for user in (a.office, a.evaluator):
        login(client, user)
        for url in pages(a, trainee):
            assert client.get(url).status_code == 200, (user.role, url)
        assert client.get(reverse("training:checkin", args=[a.session.pk])).status_code == 403
        response = client.post(
            reverse("training:trainee_consent", args=[trainee.pk]), {"confirmed": "on"}
        )
        assert response.status_code == 403
        assert (
            client.post(
                reverse("training:class_create", args=[a.project.pk]), {"name": "x"}
            ).status_code
            == 403
        )
    applicant = UserFactory(role=Role.APPLICANT, organisation=a.project.applicant)
    login(client, applicant)
    assert client.get(pages(a, trainee)[0]).status_code == 403
    assert not FaceConsent.objects.exists()
