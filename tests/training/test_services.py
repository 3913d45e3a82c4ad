"""Rules of training attendance (issue 14 items 3–6, 11), on the services."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import translation
from openpyxl import Workbook

from apps.audit.models import AuditEntry
from apps.core.validators import make_resident_id, make_unified_social_credit_code
from apps.findings.models import Finding
from apps.training import geo, selectors, services
from apps.training.models import (
    AttendanceRecord,
    FaceImage,
    FaceImpactAssessment,
    FaceTemplate,
    RosterImport,
    Trainee,
)
from tests.training.world import START, VENUE, at, enrolled, photo, trainee_for

pytestmark = pytest.mark.django_db

H = datetime.timedelta(hours=1)
M = datetime.timedelta(minutes=1)


def rules(record) -> set[str]:
    return {
        f.rule_code
        for f in Finding.unscoped.filter(
            subject_id=record.pk, subject_type__model="attendancerecord"
        )
    }


def by_trainee(world):
    return {
        r["trainee"].pk: r for r in selectors.trainee_progress(training_class=world.training_class)
    }


def preview_of(world, upload):
    return services.roster_preview(
        user=world.agency, training_class=world.training_class, uploaded_file=upload
    )


def wgs_point(north_m: float):
    """A WGS-84 point `north_m` metres north of the venue (which is surveyed in GCJ-02)."""
    lat, lon = geo.gcj02_to_wgs84(float(VENUE[0]), float(VENUE[1]))
    return lat + north_m / 111_194.93, lon


def check(world, trainee, kind="in", *, when, person=0, shot=0, north_m=0.0, content=None):
    lat, lon = wgs_point(north_m)
    return services.attendance_check(
        user=world.agency,
        session=world.session,
        trainee=trainee,
        kind=kind,
        photo=content or photo(person, shot),
        latitude=lat,
        longitude=lon,
        coordinate_system="wgs84",
    )


# --- coordinates ----------------------------------------------------------------------------


def test_gcj02_conversion_matches_the_published_reference_point():
    # Reference values of the open implementations (coordtransform): 116.404, 39.915 in WGS-84
    # is 116.41024449916938, 39.91640428150164 in GCJ-02.
    lat, lon = geo.wgs84_to_gcj02(39.915, 116.404)
    assert lat == pytest.approx(39.91640428150164, abs=1e-12)
    assert lon == pytest.approx(116.41024449916938, abs=1e-12)
    back = geo.gcj02_to_wgs84(lat, lon)
    assert geo.haversine_m(*back, 39.915, 116.404) < 0.01
    # their one-step inverse of 116.404, 39.915 is 116.39775550083061, 39.91359571849836;
    # the iterated inverse is within a metre of it
    inverse = geo.gcj02_to_wgs84(39.915, 116.404)
    assert geo.haversine_m(*inverse, 39.91359571849836, 116.39775550083061) < 1.0
    # the offset is hundreds of metres, and none outside China
    assert 400 < geo.haversine_m(39.915, 116.404, *inverse) < 700
    assert geo.wgs84_to_gcj02(48.8566, 2.3522) == (48.8566, 2.3522)


# --- radius and schedule edges --------------------------------------------------------------


def test_radius_edge_is_measured_after_converting_to_one_system(world, monkeypatch):
    a, _ = world
    inside, outside = trainee_for(a, name="甲"), trainee_for(a, name="乙")
    enrolled(a, inside, photo(0))
    enrolled(a, outside, photo(1))
    at(monkeypatch, START)
    near = check(a, inside, when=START, person=0, shot=1, north_m=199)
    far = check(a, outside, when=START, person=1, shot=1, north_m=201)
    assert near.within_radius and 198.5 < near.distance_m < 199.5
    assert "TR-OUTSIDE-RADIUS" not in rules(near)
    assert not far.within_radius and 200.5 < far.distance_m < 201.5
    assert "TR-OUTSIDE-RADIUS" in rules(far)
    # the venue's own GCJ-02 numbers read as WGS-84 are ~500 m off: outside
    wrong = services.attendance_check(
        user=a.agency,
        session=a.session,
        trainee=inside,
        kind="out",
        photo=photo(0, 2),
        latitude=VENUE[0],
        longitude=VENUE[1],
        coordinate_system="wgs84",
    )
    assert wrong.distance_m > 300 and not wrong.within_radius


def test_no_location_is_outside_the_radius(world, monkeypatch):
    a, _ = world
    trainee = trainee_for(a)
    enrolled(a, trainee, photo(0))
    at(monkeypatch, START)
    record = services.attendance_check(
        user=a.agency, session=a.session, trainee=trainee, kind="in", photo=photo(0, 1)
    )
    assert record.distance_m is None and "TR-OUTSIDE-RADIUS" in rules(record)


def test_schedule_edge_window_and_hours_bounded_by_the_schedule(world, monkeypatch, settings):
    a, _ = world
    settings.WIPP_TRAINING_WINDOW_MINUTES = 30
    settings.WIPP_TRAINING_CLASS_HOUR_MINUTES = 45
    early, too_early = trainee_for(a, name="早"), trainee_for(a, name="太早")
    enrolled(a, early, photo(0))
    enrolled(a, too_early, photo(1))
    at(monkeypatch, START - 30 * M)
    on_edge = check(a, early, when=None, person=0, shot=1)
    at(monkeypatch, START - 31 * M)
    past_edge = check(a, too_early, when=None, person=1, shot=1)
    assert on_edge.within_window and "TR-OUTSIDE-SCHEDULE" not in rules(on_edge)
    assert not past_edge.within_window and "TR-OUTSIDE-SCHEDULE" in rules(past_edge)
    at(monkeypatch, a.session.ends_at + 30 * M)
    out = check(a, early, "out", when=None, person=0, shot=2)
    assert out.within_window
    progress = {
        r["trainee"].pk: r for r in selectors.trainee_progress(training_class=a.training_class)
    }
    # 09:00–12:00 counted although in at 08:30 and out at 12:30: 180 min = 4 class hours of 45
    assert progress[early.pk]["minutes"] == 180
    assert progress[early.pk]["hours"] == Decimal("4.0")
    assert progress[early.pk]["complete"]
    # the flagged check-in does not count while its finding is open
    assert progress[too_early.pk]["minutes"] == 0
    settings.WIPP_TRAINING_CLASS_HOUR_MINUTES = 60
    progress = {
        r["trainee"].pk: r for r in selectors.trainee_progress(training_class=a.training_class)
    }
    assert progress[early.pk]["hours"] == Decimal("3.0") and not progress[early.pk]["complete"]


def test_check_out_after_end_window_is_a_finding(world, monkeypatch):
    a, _ = world
    trainee = trainee_for(a)
    enrolled(a, trainee, photo(0))
    at(monkeypatch, a.session.ends_at + 31 * M)
    record = check(a, trainee, "out", when=None, person=0, shot=1)
    assert "TR-OUTSIDE-SCHEDULE" in rules(record)


# --- face -----------------------------------------------------------------------------------


def test_consent_missing_refuses_enrolment_and_check_in(world, monkeypatch):
    a, _ = world
    trainee = trainee_for(a)
    with pytest.raises(ValidationError) as refused:
        services.face_enrol(user=a.agency, trainee=trainee, content=photo(0))
    assert refused.value.code == "no_consent"
    assert not FaceImage.unscoped.filter(trainee=trainee).exists()
    at(monkeypatch, START)
    with pytest.raises(ValidationError) as refused:
        check(a, trainee, when=START)
    assert refused.value.code == "no_consent"
    assert not AttendanceRecord.unscoped.exists()


def test_enrolment_needs_the_impact_assessment(world):
    a, _ = world
    FaceImpactAssessment.unscoped.filter(project=a.project).delete()
    trainee = trainee_for(a)
    services.face_consent_record(user=a.agency, trainee=trainee)
    with pytest.raises(ValidationError) as refused:
        services.face_enrol(user=a.agency, trainee=trainee, content=photo(0))
    assert refused.value.code == "no_assessment"


def test_template_is_stored_apart_and_encrypted_and_photo_encrypted(world):
    from django.db import connection

    from apps.evidence.services import evidence_storage

    a, _ = world
    trainee = trainee_for(a)
    content = photo(0)
    template = enrolled(a, trainee, content)
    with connection.cursor() as cursor:
        cursor.execute("SELECT vector FROM training_facetemplate WHERE id = %s", [template.pk])
        raw = cursor.fetchone()[0]
    assert "[" not in raw and len(json.loads(template.vector)) == 3
    stored = evidence_storage().open(template.image.storage_name).read()
    assert stored != content and content[:4] not in stored


def test_face_mismatch_is_a_finding_and_does_not_count(world, monkeypatch):
    a, _ = world
    trainee = trainee_for(a)
    enrolled(a, trainee, photo(0))
    at(monkeypatch, START)
    record = check(a, trainee, when=START, person=1)
    assert record.face_match is False and "TR-FACE-MISMATCH" in rules(record)


def test_photo_without_a_face_is_refused_not_recorded(world, monkeypatch):
    from PIL import Image

    a, _ = world
    trainee = trainee_for(a)
    enrolled(a, trainee, photo(0))
    grey = io.BytesIO()
    Image.new("RGB", (32, 32), (128, 128, 128)).save(grey, format="PNG")
    at(monkeypatch, START)
    with pytest.raises(ValidationError) as refused:
        check(a, trainee, when=START, content=grey.getvalue())
    assert refused.value.code == "no_face"
    assert not AttendanceRecord.unscoped.exists()


def test_reused_photo_is_a_finding(world, monkeypatch):
    a, _ = world
    trainee = trainee_for(a)
    enrolled(a, trainee, photo(0))
    at(monkeypatch, START)
    first = check(a, trainee, when=START, person=0, shot=1)
    at(monkeypatch, a.session.ends_at)
    again = check(a, trainee, "out", when=None, person=0, shot=1)  # the same photo again
    assert "TR-PHOTO-REUSED" not in rules(first)
    assert "TR-PHOTO-REUSED" in rules(again)
    finding = Finding.unscoped.get(rule_code="TR-PHOTO-REUSED")
    assert {"what": "face_image", "id": first.photo_id, "kind": "check"} in finding.records
    # and the enrolment photo itself handed in as a live photo
    other = trainee_for(a, name="李四")
    enrolled(a, other, photo(2))
    at(monkeypatch, START)
    cheat = check(a, other, when=START, content=photo(2))
    assert "TR-PHOTO-REUSED" in rules(cheat)


def test_same_trainee_in_two_places_at_once(world, monkeypatch):
    a, b = world
    resident_id = make_resident_id("130102", datetime.date(1988, 3, 3), 11)
    here = trainee_for(a, resident_id=resident_id)
    there = trainee_for(b, resident_id=resident_id)
    enrolled(a, here, photo(0))
    enrolled(b, there, photo(0, 5))
    at(monkeypatch, START + H)
    first = check(a, here, when=None, person=0, shot=1)
    lat, lon = geo.gcj02_to_wgs84(float(VENUE[0]), float(VENUE[1]))
    second = services.attendance_check(
        user=b.agency,
        session=b.session,
        trainee=there,
        kind="in",
        photo=photo(0, 2),
        latitude=lat,
        longitude=lon,
        coordinate_system="wgs84",
    )
    assert "TR-TWO-PLACES" not in rules(first)
    assert "TR-TWO-PLACES" in rules(second)
    finding = Finding.unscoped.get(rule_code="TR-TWO-PLACES")
    assert {"what": "attendance_record", "id": first.pk, "kind": "in"} in finding.records


# --- immutability ---------------------------------------------------------------------------


def test_attendance_records_are_immutable(world, monkeypatch):
    a, _ = world
    trainee = trainee_for(a)
    enrolled(a, trainee, photo(0))
    at(monkeypatch, START)
    record = check(a, trainee, when=START, person=0, shot=1)
    with pytest.raises(ValueError):
        record.save()
    with pytest.raises(ValueError):
        record.delete()
    for attempt in (
        lambda: AttendanceRecord.unscoped.filter(pk=record.pk).update(within_radius=False),
        lambda: AttendanceRecord.unscoped.filter(pk=record.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    assert AttendanceRecord.unscoped.get(pk=record.pk).within_radius


# --- non-face path --------------------------------------------------------------------------


def test_non_face_confirmation_approved_by_the_office_counts(world, monkeypatch):
    a, b = world
    trainee = trainee_for(a, name="拒绝人脸")
    lat, lon = wgs_point(10)
    at(monkeypatch, START - 5 * M)
    in_ = services.confirmation_request(
        user=a.agency,
        session=a.session,
        trainee=trainee,
        kind="in",
        reason="学员不同意人脸识别，已核验身份证原件",
        latitude=lat,
        longitude=lon,
    )
    at(monkeypatch, a.session.ends_at)
    out = services.confirmation_request(
        user=a.agency, session=a.session, trainee=trainee, kind="out", reason="同上"
    )
    assert not AttendanceRecord.unscoped.exists()
    with pytest.raises(PermissionDenied):
        services.confirmation_decide(user=a.agency, confirmation=in_, action="approve")
    with pytest.raises(PermissionDenied):
        services.confirmation_decide(user=b.office, confirmation=in_, action="approve")
    with pytest.raises(ValidationError):
        services.confirmation_decide(user=a.office, confirmation=out, action="reject")
    services.confirmation_decide(user=a.office, confirmation=in_, action="approve")
    services.confirmation_decide(user=a.office, confirmation=out, action="approve")
    records = list(AttendanceRecord.unscoped.order_by("recorded_at"))
    assert [r.method for r in records] == ["confirmed", "confirmed"]
    assert records[0].recorded_at == START - 5 * M  # the staff's time, not the approval's
    assert records[0].photo_id is None and rules(records[0]) == set()
    row = selectors.trainee_progress(training_class=a.training_class)[0]
    assert row["minutes"] == 180 and row["complete"]


def test_confirmation_without_reason_is_refused(world):
    a, _ = world
    trainee = trainee_for(a)
    with pytest.raises(ValidationError):
        services.confirmation_request(
            user=a.agency, session=a.session, trainee=trainee, kind="in", reason="  "
        )


def test_other_agency_cannot_write(world, monkeypatch):
    a, b = world
    trainee = trainee_for(a)
    with pytest.raises(PermissionDenied):
        services.face_consent_record(user=b.agency, trainee=trainee)
    with pytest.raises(PermissionDenied):
        services.training_class_create(user=b.agency, project=a.project, name="x")
    with pytest.raises(PermissionDenied):
        services.training_class_create(user=a.office, project=a.project, name="x")


# --- roster ---------------------------------------------------------------------------------


def workbook(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证", "性别", "出生日期", "手机", "单位", "信用代码", "岗位"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "roster.xlsx"
    return buffer


CODE = make_unified_social_credit_code(org_body="MA0000XY")


def row(name, resident_id, sex="", birth="", phone="13800138000", code=CODE):
    return [name, resident_id, sex, birth, phone, "城建集团", code, "架子工"]


def test_roster_duplicates_in_file_project_and_province_year_are_errors(world):
    a, b = world
    in_project = trainee_for(a, name="已在本项目")
    in_other = trainee_for(b, name="已在他项目")
    fresh = make_resident_id("130102", datetime.date(1995, 6, 1), 101)
    upload = workbook(
        [
            row("新人", fresh),
            row("新人二", fresh),
            row("已在本项目", in_project.resident_id),
            row("已在他项目", in_other.resident_id),
        ]
    )
    preview = services.roster_preview(
        user=a.agency, training_class=a.training_class, uploaded_file=upload
    )
    with translation.override("en"):
        checks = services.roster_import_checks(preview)
        errors = [[str(m) for _f, m in c.errors] for c in checks]
    assert errors[0] == []
    assert "row 2" in errors[1][0]
    assert "already on the project's roster" in errors[2][0]
    assert b.project.code in errors[3][0]
    count = Trainee.unscoped.count()
    with pytest.raises(ValidationError):
        services.roster_confirm(user=a.agency, roster_import=preview)
    assert Trainee.unscoped.count() == count  # all or nothing


def test_roster_row_errors_and_confirm(world, settings):
    a, _ = world
    good = make_resident_id("130102", datetime.date(1990, 2, 3), 13)
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    upload = workbook(
        [
            row("王五", good, "男", "1990-02-03"),
            row("", bad_check, phone="1234", code="91130100XXXXXXXX"),
        ]
    )
    preview = services.roster_preview(
        user=a.agency, training_class=a.training_class, uploaded_file=upload
    )
    checks = services.roster_import_checks(preview)
    assert checks[0].errors == []
    fields = {f for f, _m in checks[1].errors}
    assert fields == {"name", "resident_id", "phone", "employer_credit_code"}
    # a correct file imports every row, ID numbers encrypted, once
    upload = workbook([row("王五", good, "男", "1990-02-03")])
    preview = services.roster_preview(
        user=a.agency, training_class=a.training_class, uploaded_file=upload
    )
    (trainee,) = services.roster_confirm(user=a.agency, roster_import=preview)
    assert trainee.resident_id == good and trainee.sex == "M"
    assert RosterImport.unscoped.get(pk=preview.pk).rows == "[]"
    with pytest.raises(ValidationError):
        services.roster_confirm(user=a.agency, roster_import=preview)


def test_roster_sex_or_birth_date_not_matching_the_id_is_a_finding(world, settings):
    a, _ = world
    resident_id = make_resident_id("130102", datetime.date(1990, 2, 3), 13)  # odd: male
    upload = workbook([row("赵六", resident_id, "女", "1990-03-02")])
    preview = services.roster_preview(
        user=a.agency, training_class=a.training_class, uploaded_file=upload
    )
    (check_,) = services.roster_import_checks(preview)
    assert check_.errors == [] and len(check_.warnings) == 2
    (trainee,) = services.roster_confirm(user=a.agency, roster_import=preview)
    finding = Finding.unscoped.get(rule_code="TR-ROSTER-ID-MISMATCH")
    assert finding.subject_id == trainee.pk and finding.project_id == a.project.pk
    settings.WIPP_TRAINING_ROSTER_MISMATCH_BLOCKS = True
    upload = workbook(
        [row("赵七", make_resident_id("130102", datetime.date(1990, 2, 3), 15), "女")]
    )
    preview = services.roster_preview(
        user=a.agency, training_class=a.training_class, uploaded_file=upload
    )
    assert services.roster_import_checks(preview)[0].errors


def test_roster_that_is_no_workbook_is_refused(world):
    a, _ = world
    upload = io.BytesIO(b"%PDF-1.4 not a workbook")
    upload.name = "roster.xlsx"
    with pytest.raises(ValidationError):
        services.roster_preview(
            user=a.agency, training_class=a.training_class, uploaded_file=upload
        )


# --- hours, exams, retention ----------------------------------------------------------------


def test_hours_below_the_syllabus_is_a_finding_once_the_class_is_over(world, monkeypatch):
    a, _ = world
    short, full = trainee_for(a, name="早退"), trainee_for(a, name="全勤")
    enrolled(a, short, photo(0))
    enrolled(a, full, photo(1))
    at(monkeypatch, START)
    check(a, short, when=None, person=0, shot=1)
    check(a, full, when=None, person=1, shot=1)
    at(monkeypatch, START + H)
    check(a, short, "out", when=None, person=0, shot=2)
    assert services.hours_check(user=a.office, project=a.project) == []  # not over yet
    at(monkeypatch, a.session.ends_at)
    check(a, full, "out", when=None, person=1, shot=2)
    raised = services.hours_check(user=a.office, project=a.project)
    assert [f.subject_id for f in raised] == [short.pk]
    assert "1.3" in raised[0].message and "4.0" in raised[0].message
    summary = selectors.project_summary(project=a.project)
    assert summary["trainees"] == 2 and summary["complete"] == 1


def test_exam_pass_rate_takes_each_trainees_latest_result(world):
    a, _ = world
    one, two = trainee_for(a, name="一"), trainee_for(a, name="二")
    services.exam_result_record(
        user=a.agency, trainee=one, taken_on=datetime.date(2027, 5, 1), score=50, passed=False
    )
    services.exam_result_record(
        user=a.agency, trainee=one, taken_on=datetime.date(2027, 5, 8), score=80, passed=True
    )
    services.exam_result_record(
        user=a.agency, trainee=two, taken_on=datetime.date(2027, 5, 8), score=40, passed=False
    )
    summary = selectors.project_summary(project=a.project)
    assert summary["exams_taken"] == 2 and summary["pass_rate"] == Decimal("50.0")


def test_face_data_deleted_after_retention_with_a_log_entry(world, monkeypatch, settings):
    from django.core.management import call_command

    from apps.evidence.services import evidence_storage

    a, _ = world
    settings.WIPP_TRAINING_FACE_RETENTION_DAYS = 30
    trainee = trainee_for(a)
    template = enrolled(a, trainee, photo(0))
    at(monkeypatch, START)
    record = check(a, trainee, when=START, person=0, shot=1)
    names = [template.image.storage_name, record.photo.storage_name]
    assert services.face_data_purge(now=START + datetime.timedelta(days=29))["photos"] == 0
    monkeypatch.setattr("django.utils.timezone.now", lambda: START + datetime.timedelta(days=31))
    call_command("training_face_data_purge")
    assert all(not evidence_storage().exists(n) for n in names)
    template = FaceTemplate.objects.get(pk=template.pk)
    assert template.vector == "" and template.deleted_at
    assert FaceImage.unscoped.filter(deleted_at__isnull=True).count() == 0
    entry = AuditEntry.unscoped.filter(object_type="training.FaceData").latest("id")
    assert entry.after["photos"] == 2 and entry.after["templates"] == 1
    # the attendance record stays, without its photo
    assert AttendanceRecord.unscoped.get(pk=record.pk).photo.deleted_at


def test_withdrawn_consent_deletes_the_template(world):
    a, _ = world
    trainee = trainee_for(a)
    template = enrolled(a, trainee, photo(0))
    services.face_consent_withdraw(user=a.agency, trainee=trainee)
    template.refresh_from_db()
    assert template.vector == "" and FaceImage.unscoped.get(pk=template.image_id).deleted_at
