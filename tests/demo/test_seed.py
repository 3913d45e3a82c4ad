"""The whole demo, as `scripts/run.sh` loads it: built through the services, so every project
is in a state the platform can reach (its stage history in the audit log leads from where a
project is made to where it stands), and loading it twice changes nothing."""

import pytest

from apps.audit.models import AuditEntry
from apps.contracts.models import Payment
from apps.deadlines.models import Deadline, DeadlineStatus
from apps.findings.models import Finding
from apps.procurement.models import Procurement, ProcurementStatus
from apps.projects.lifecycle import INITIAL_STAGES, PROJECT_LIFECYCLE
from apps.projects.models import Project, ProjectStage
from demo.projects import demo_project
from demo.seed import demo_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    demo_seed()
    return demo_seed()


def test_demo_procurement_is_complete_and_idempotent(seeded):
    promotion = Procurement.unscoped.get(project=demo_project("sjz_promotion"))
    assert promotion.status == ProcurementStatus.PUBLISHED
    assert promotion.requirements.count() == 2
    contracted = Procurement.unscoped.get(project=demo_project("sjz_training"))
    assert contracted.award.winner.name == "石家庄安培职业培训学校"
    assert Payment.unscoped.filter(agreement__award=contracted.award, kind="advance").count() == 1
    assert demo_project("sjz_training").stage == ProjectStage.IMPLEMENTATION
    ts = Procurement.unscoped.get(project=demo_project("ts_training"))
    overdue = Deadline.unscoped.get(
        rule__code="plan_review", subject_type__model="award", subject_id=ts.award.pk
    )
    assert overdue.status == DeadlineStatus.OVERDUE
    assert Finding.unscoped.filter(rule_code="deadline_missed", subject_id=overdue.pk).exists()
    assert Procurement.unscoped.count() == 4  # with the accepted project's (demo/acceptance.py)


def _stage_path(project) -> list[tuple[str, str]]:
    entries = AuditEntry.unscoped.filter(
        object_type="projects.Project", object_id=str(project.pk), action="transition"
    ).order_by("id")
    return [(e.before["stage"], e.after["stage"]) for e in entries]


def test_every_demo_project_got_where_it_is_through_the_stage_table(seeded):
    allowed = {(t.source, t.target) for t in PROJECT_LIFECYCLE.transitions}
    projects = list(Project.unscoped.all())
    # two filed from the 唐山 call, three added by adjustments, one through acceptance
    assert len(projects) == 6
    for project in projects:
        path = _stage_path(project)
        start = path[0][0] if path else project.stage
        assert start in INITIAL_STAGES, project
        assert all(step in allowed for step in path), (project, path)
        assert [b for b, _a in path[1:]] == [a for _b, a in path[:-1]], (project, path)
        assert (path[-1][1] if path else start) == project.stage, project


def test_demo_offline_class_with_face_checks_and_a_finding(seeded):
    """Issue 14: one offline class, its sessions, roster, face data, check-ins and a finding —
    once, although the seed ran twice."""
    from apps.training.models import (
        AttendanceMethod,
        AttendanceRecord,
        FaceConsent,
        FaceImpactAssessment,
        FaceTemplate,
        PresenceConfirmation,
        Session,
        TrainingClass,
    )
    from demo.implementation import OFFLINE_CLASS

    project = demo_project("sjz_training")
    training_class = TrainingClass.unscoped.get(project=project, name=OFFLINE_CLASS)
    sessions = list(Session.unscoped.filter(training_class=training_class))
    assert len(sessions) == 2
    assert all(s.latitude and s.longitude and "石家庄" in s.venue_address for s in sessions)
    assert training_class.trainees.count() == 5
    assert FaceImpactAssessment.unscoped.filter(project=project).count() == 1
    assert FaceConsent.objects.filter(trainee__training_class=training_class).count() == 2
    assert FaceTemplate.objects.filter(trainee__training_class=training_class).count() == 2
    records = AttendanceRecord.unscoped.filter(session__training_class=training_class)
    face = records.filter(method=AttendanceMethod.FACE)
    assert face.count() == 8  # two trainees, two sessions, in and out
    assert all(r.face_match and r.within_window for r in face)
    assert records.filter(method=AttendanceMethod.CONFIRMED).count() == 12
    confirmations = PresenceConfirmation.unscoped.filter(session__in=sessions)
    assert confirmations.filter(status="approved").count() == 12
    outside = Finding.unscoped.filter(rule_code="TR-OUTSIDE-RADIUS")
    assert outside.count() == 1
    assert outside.get().subject_id == face.get(within_radius=False).pk
    assert not Finding.unscoped.filter(
        rule_code__in=["TR-FACE-MISMATCH", "TR-PHOTO-REUSED", "TR-OUTSIDE-SCHEDULE"]
    ).exists()


def test_demo_online_class_fed_through_the_api_services(seeded):
    from apps.implementation.models import OnlineSupervision
    from apps.online.models import IngestBatch, LearningRecord, OnlineExamResult
    from demo.implementation import ONLINE_CLASS

    project = demo_project("sjz_training")
    assert project.training_classes.filter(name=ONLINE_CLASS).get().trainees.count() == 4
    supervision = OnlineSupervision.unscoped.get(project=project)
    assert supervision.configured_at is not None and supervision.fast_forward_blocked
    assert sorted(IngestBatch.unscoped.filter(project=project).values_list("kind", flat=True)) == [
        "exams",
        "learning",
    ]
    records = LearningRecord.unscoped.filter(project=project)
    assert records.count() == 16
    assert records.get(fast_forwarded=True).counted_seconds == 0
    assert records.filter(not_counted__contains="idle").count() == 1
    assert OnlineExamResult.unscoped.filter(project=project).count() == 4
    entries = AuditEntry.unscoped.filter(object_type="online.LearningRecord", project_id=project.pk)
    assert entries.count() == 1  # one entry for the batch, none for the resend


def test_demo_prestart_package_approved_and_monthly_report(seeded):
    from apps.implementation.models import MonthlyReport, PackageStatus, PrestartPackage
    from apps.implementation.services import prestart_deadline

    project = demo_project("sjz_training")
    package = PrestartPackage.unscoped.get(project=project)
    assert package.status == PackageStatus.APPROVED
    deadline = prestart_deadline(package)
    assert deadline.status == DeadlineStatus.MET and deadline.met_at.date() <= deadline.due_on
    report = MonthlyReport.unscoped.get(project=project, month="2026-11-01")
    assert report.status == "submitted"
    assert report.figures["sessions_held"] == 2 and report.figures["trainees"] == 5


def test_demo_rectification_order_is_open_once(seeded):
    from apps.dashboards.work import needs_action
    from apps.rectification.models import OrderState, RectificationOrder

    project = demo_project("sjz_training")
    order = RectificationOrder.unscoped.get(project=project)  # seeded twice, raised once
    assert order.state == OrderState.ISSUED
    assert order.raised_by.username == "evaluator"
    assert order.implementer.name == "石家庄安培职业培训学校"
    [deadline] = Deadline.unscoped.filter(rule__code="rectification", subject_id=order.pk)
    assert deadline.due_on.isoformat() == "2026-12-15"
    from apps.accounts.models import User

    queues = {q["code"] for q in needs_action(user=User.unscoped.get(username="implementer"))}
    assert "rectification_answers" in queues
