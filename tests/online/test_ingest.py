"""The online platforms' bulk push (issue 14 item 7): atomic, idempotent, row-level errors,
throttled, one audit entry per batch, hours counted under the supervision parameters."""

import base64
import datetime
import json
from decimal import Decimal

import pytest
from django.test import Client

from apps.audit.models import AuditEntry
from apps.findings.models import Finding
from apps.online.models import FaceCapture, IngestBatch, LearningRecord, OnlineExamResult
from apps.online.supervision import supervision_parameters
from apps.training.models import ExamResult
from apps.training.selectors import exam_summary, trainee_progress
from tests.online.world import T0, api_key_for, learning_row, platform_user
from tests.training.world import enrolled, photo

pytestmark = pytest.mark.django_db

LEARNING = "/api/v1/online/learning-records/batch/"
CAPTURES = "/api/v1/online/face-captures/batch/"
EXAMS = "/api/v1/online/exam-results/batch/"


def push(key, url, project, rows):
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client.post(
        url,
        data=json.dumps({"project": project.pk, "records": rows}),
        content_type="application/json",
    )


def audit_entries(label="online.LearningRecord"):
    return AuditEntry.unscoped.filter(object_type=label)


def test_batch_is_stored_with_counted_seconds_and_one_audit_entry(online):
    a, b, c = online.trainees
    rows = [
        learning_row(a, 1),  # counts in full: 2400 s
        learning_row(b, 2, captures=3),  # 4 captures needed for 2400 s at one per 600 s
        learning_row(c, 3, fast_forwarded=True),
        learning_row(a, 4, idle_seconds=700),  # 300 s cut-off: 400 s are taken off
        learning_row(b, 5, seconds_watched=3600),  # more than the 45 minutes between start/end
    ]
    rows[4]["captures"] = 6
    before = AuditEntry.unscoped.count()
    response = push(online.key, LEARNING, online.world.project, rows)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] == 5 and body["unchanged"] == 0 and body["rows"] == 5
    counted = dict(LearningRecord.unscoped.values_list("platform_record_id", "counted_seconds"))
    assert counted == {"L-1": 2400, "L-2": 0, "L-3": 0, "L-4": 2000, "L-5": 2700}
    reasons = {r["platform_record_id"]: r["reasons"] for r in body["not_fully_counted"]}
    assert reasons == {
        "L-2": ["captures_missing"],
        "L-3": ["fast_forwarded"],
        "L-4": ["idle"],
        "L-5": ["longer_than_wall_time"],
    }
    assert body["counted_seconds"] == 2400 + 2000 + 2700
    # One entry for the batch (no entry per row, none for the batch row itself).
    assert AuditEntry.unscoped.count() == before + 1
    entry = audit_entries().get()
    assert entry.after["rows"] == 5 and entry.after["digest"] == IngestBatch.unscoped.get().digest
    assert entry.project_id == online.world.project.pk
    assert entry.actor_username == online.platform.username


def test_same_batch_again_changes_nothing_and_answers_the_same(online):
    rows = [learning_row(t, n) for n, t in enumerate(online.trainees)]
    first = push(online.key, LEARNING, online.world.project, rows)
    entries = AuditEntry.unscoped.count()
    again = push(online.key, LEARNING, online.world.project, rows)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == first.json()
    assert LearningRecord.unscoped.count() == 3
    assert IngestBatch.unscoped.count() == 1
    assert AuditEntry.unscoped.count() == entries


def test_known_rows_in_a_new_batch_are_skipped(online):
    a, b, _c = online.trainees
    push(online.key, LEARNING, online.world.project, [learning_row(a, 1)])
    response = push(
        online.key, LEARNING, online.world.project, [learning_row(a, 1), learning_row(b, 2)]
    )
    assert response.status_code == 201
    assert response.json()["created"] == 1 and response.json()["unchanged"] == 1
    assert LearningRecord.unscoped.count() == 2


def test_a_changed_record_under_a_known_id_is_refused(online):
    a = online.trainees[0]
    push(online.key, LEARNING, online.world.project, [learning_row(a, 1)])
    response = push(
        online.key, LEARNING, online.world.project, [learning_row(a, 1, seconds_watched=100)]
    )
    assert response.status_code == 400
    assert "platform_record_id" in response.json()["errors"][0]["errors"]
    assert LearningRecord.unscoped.get().seconds_watched == 2400


def test_bad_rows_refuse_the_whole_batch_with_row_level_errors(online):
    a, b, c = online.trainees
    rows = [
        learning_row(a, 1),
        learning_row(b, 2, started_at="yesterday", seconds_watched=-5),
        learning_row(c, 3, resident_id="110101199001011237"),  # not on the roster
        learning_row(a, 4, platform_record_id="L-1"),  # twice in the batch
        learning_row(b, 5, ended_at=(T0 - datetime.timedelta(days=1)).isoformat()),
        learning_row(c, 6, fast_forwarded="no", started_at="2027-05-10T09:00:00"),
    ]
    entries = AuditEntry.unscoped.count()
    response = push(online.key, LEARNING, online.world.project, rows)
    assert response.status_code == 400
    errors = {e["row"]: e["errors"] for e in response.json()["errors"]}
    assert set(errors) == {1, 2, 3, 4, 5}
    assert set(errors[1]) == {"started_at", "seconds_watched"}
    assert set(errors[2]) == {"resident_id"}
    assert set(errors[3]) == {"platform_record_id"}
    assert set(errors[4]) == {"ended_at"}
    assert set(errors[5]) == {"fast_forwarded", "started_at"}  # a time without its offset
    assert LearningRecord.unscoped.count() == 0
    assert IngestBatch.unscoped.count() == 0
    assert AuditEntry.unscoped.count() == entries


def test_batch_size_is_limited(online, settings):
    settings.WIPP_ONLINE_BATCH_MAX_ROWS = 2
    rows = [learning_row(t, n) for n, t in enumerate(online.trainees)]
    response = push(online.key, LEARNING, online.world.project, rows)
    assert response.status_code == 400
    assert push(online.key, LEARNING, online.world.project, []).status_code == 400


def test_only_the_projects_platform_pushes(online):
    row = [learning_row(online.trainees[0], 1)]
    # another platform, not taking part in the project
    from tests.factories import OrganisationFactory, UserFactory

    stranger = UserFactory(
        role="online_platform",
        organisation=OrganisationFactory(kind="online_platform", jurisdiction=online.world.city),
    )
    _client, stranger_key = api_key_for(stranger)
    assert push(stranger_key, LEARNING, online.world.project, row).status_code == 404
    # the implementing agency takes part but is not the platform
    _client, agency_key = api_key_for(online.world.agency)
    assert push(agency_key, LEARNING, online.world.project, row).status_code == 403
    # the platform on a project of another city
    assert push(online.key, LEARNING, online.other.project, row).status_code == 404
    # no key, a wrong key
    assert Client().post(LEARNING, {}, content_type="application/json").status_code in (401, 403)
    assert push("nope.nope", LEARNING, online.world.project, row).status_code == 401
    assert LearningRecord.unscoped.count() == 0


def test_pushes_are_throttled_per_client(online, settings):
    settings.WIPP_ONLINE_THROTTLE_RATE = "2/min"
    row = [learning_row(online.trainees[0], 1)]
    assert push(online.key, LEARNING, online.world.project, row).status_code == 201
    assert push(online.key, LEARNING, online.world.project, row).status_code == 200
    assert push(online.key, LEARNING, online.world.project, row).status_code == 429
    # another client of the same platform has its own budget
    second = platform_user(online.world)
    _client, key = api_key_for(second)
    assert push(key, LEARNING, online.world.project, row).status_code == 201


def test_supervision_parameters_come_from_settings_by_default(online, settings):
    settings.WIPP_ONLINE_CAPTURE_INTERVAL_SECONDS = 1200
    settings.WIPP_ONLINE_FAST_FORWARD_BLOCKED = False
    settings.WIPP_ONLINE_IDLE_CUTOFF_SECONDS = 60
    params = supervision_parameters(project=online.world.project)
    assert (params.capture_interval_seconds, params.fast_forward_blocked) == (1200, False)
    a, b, _c = online.trainees
    rows = [
        learning_row(a, 1, captures=2, fast_forwarded=True),  # 2 captures suffice at 1200 s
        learning_row(b, 2, idle_seconds=100),
    ]
    assert push(online.key, LEARNING, online.world.project, rows).status_code == 201
    counted = dict(LearningRecord.unscoped.values_list("platform_record_id", "counted_seconds"))
    assert counted == {"L-1": 2400, "L-2": 2360}


def test_online_hours_join_the_completion(online):
    line = online.world.training_class.syllabus_line
    line.online_hours, line.offline_hours = Decimal("2"), Decimal("0")
    line.save()
    a, b, _c = online.trainees
    # 45-minute class hours: a studies 3 × 40 min = 2.6 h, b 40 min = 0.8 h
    rows = [learning_row(a, n) for n in range(3)] + [learning_row(b, 9, platform_record_id="B-1")]
    assert push(online.key, LEARNING, online.world.project, rows).status_code == 201
    progress = {
        r["trainee"].pk: r for r in trainee_progress(training_class=online.world.training_class)
    }
    assert progress[a.pk]["online_hours"] == Decimal("2.6")
    assert progress[a.pk]["complete"] is True
    assert progress[b.pk]["online_hours"] == Decimal("0.8")
    assert progress[b.pk]["complete"] is False


def capture_row(trainee, n, **extra):
    row = {
        "platform_record_id": f"C-{n}",
        "resident_id": trainee.resident_id,
        "captured_at": (T0 + datetime.timedelta(minutes=n)).isoformat(),
    }
    row.update(extra)
    return row


def test_captures_with_the_platforms_verdict_and_a_mismatch_finding(online):
    a, b, _c = online.trainees
    push(online.key, LEARNING, online.world.project, [learning_row(a, 1)])
    rows = [
        capture_row(a, 1, matched=True, match_score=0.93, learning_record_id="L-1"),
        capture_row(b, 2, matched=False, match_score=0.2),
    ]
    response = push(online.key, CAPTURES, online.world.project, rows)
    assert response.status_code == 201, response.content
    assert response.json()["matched"] == 1
    assert (
        FaceCapture.unscoped.get(platform_record_id="C-1").learning_record.platform_record_id
        == "L-1"
    )
    finding = Finding.unscoped.get(rule_code="OL-FACE-MISMATCH")
    assert finding.subject_id == FaceCapture.unscoped.get(platform_record_id="C-2").pk
    assert audit_entries("online.FaceCapture").count() == 1


def test_a_mismatched_capture_stops_its_learning_record_counting(online):
    a, b, _c = online.trainees
    push(online.key, LEARNING, online.world.project, [learning_row(a, 1), learning_row(b, 2)])
    inside_b = T0 + datetime.timedelta(hours=2, minutes=20)
    rows = [
        capture_row(a, 1, matched=False, learning_record_id="L-1"),
        {**capture_row(b, 2, matched=False), "captured_at": inside_b.isoformat()},
    ]
    response = push(online.key, CAPTURES, online.world.project, rows)
    assert response.status_code == 201, response.content
    assert sorted(response.json()["learning_records_not_counted"]) == ["L-1", "L-2"]
    records = LearningRecord.unscoped.order_by("platform_record_id")
    assert [(r.counted_seconds, r.not_counted) for r in records] == [(0, "face_mismatch")] * 2
    assert audit_entries().latest("pk").after["reason"] == "face_mismatch"


def test_a_record_arriving_after_a_mismatched_capture_counts_nothing(online):
    a, _b, _c = online.trainees
    inside = T0 + datetime.timedelta(hours=1, minutes=10)
    capture = {**capture_row(a, 1, matched=False), "captured_at": inside.isoformat()}
    push(online.key, CAPTURES, online.world.project, [capture])
    response = push(
        online.key, LEARNING, online.world.project, [learning_row(a, 1), learning_row(a, 3)]
    )
    assert response.status_code == 201, response.content
    counted = dict(LearningRecord.unscoped.values_list("platform_record_id", "counted_seconds"))
    assert counted == {"L-1": 0, "L-3": 2400}
    reasons = {r["platform_record_id"]: r["reasons"] for r in response.json()["not_fully_counted"]}
    assert reasons == {"L-1": ["face_mismatch"]}


def test_captures_verified_here_through_the_training_verifier(online):
    a, b, c = online.trainees
    enrolled(online.world, a, photo(0))
    enrolled(online.world, b, photo(1))
    rows = [
        capture_row(a, 1, image=base64.b64encode(photo(0, shot=1)).decode()),
        capture_row(b, 2, image=base64.b64encode(photo(2, shot=1)).decode()),  # someone else
    ]
    response = push(online.key, CAPTURES, online.world.project, rows)
    assert response.status_code == 201, response.content
    first, second = FaceCapture.unscoped.order_by("platform_record_id")
    assert first.verified_here and first.matched and first.photo_id
    assert second.verified_here and not second.matched
    assert Finding.unscoped.filter(rule_code="OL-FACE-MISMATCH").count() == 1
    # c has no consent and no template: a photo without a verdict is refused
    bad = push(
        online.key,
        CAPTURES,
        online.world.project,
        [capture_row(c, 3, image=base64.b64encode(photo(3)).decode())],
    )
    assert bad.status_code == 400 and "image" in bad.json()["errors"][0]["errors"]
    missing = push(online.key, CAPTURES, online.world.project, [capture_row(c, 4)])
    assert missing.status_code == 400 and "matched" in missing.json()["errors"][0]["errors"]


def test_exam_results_count_in_the_pass_rate(online):
    a, b, c = online.trainees
    rows = [
        {
            "platform_record_id": "E-1",
            "resident_id": a.resident_id,
            "taken_on": "2027-05-20",
            "score": 92,
            "passed": True,
        },
        {
            "platform_record_id": "E-2",
            "resident_id": b.resident_id,
            "taken_on": "2027-05-20",
            "score": "55.5",
            "passed": False,
        },
    ]
    response = push(online.key, EXAMS, online.world.project, rows)
    assert response.status_code == 201, response.content
    assert OnlineExamResult.unscoped.count() == 2
    summary = exam_summary([a, b, c])
    assert summary["taken"] == 2 and summary["pass_rate"] == Decimal("50.0")
    assert push(online.key, EXAMS, online.world.project, rows).status_code == 200
    assert ExamResult.unscoped.count() == 2
    bad = push(
        online.key,
        EXAMS,
        online.world.project,
        [{**rows[0], "platform_record_id": "E-3", "score": 101, "taken_on": "soon"}],
    )
    assert bad.status_code == 400
    assert set(bad.json()["errors"][0]["errors"]) == {"score", "taken_on"}


def test_supervisors_read_learning_records(online):
    push(online.key, LEARNING, online.world.project, [learning_row(online.trainees[0], 1)])
    office = Client()
    office.force_login(online.world.office)
    listed = office.get("/api/v1/online/learning-records/", {"project": online.world.project.pk})
    assert listed.status_code == 200 and len(listed.json()["results"]) == 1
    assert "resident_id" not in listed.json()["results"][0]
    other_office = Client()
    other_office.force_login(online.other.office)
    assert other_office.get("/api/v1/online/learning-records/").json()["results"] == []
