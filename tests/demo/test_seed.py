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
    assert Procurement.unscoped.count() == 3


def _stage_path(project) -> list[tuple[str, str]]:
    entries = AuditEntry.unscoped.filter(
        object_type="projects.Project", object_id=str(project.pk), action="transition"
    ).order_by("id")
    return [(e.before["stage"], e.after["stage"]) for e in entries]


def test_every_demo_project_got_where_it_is_through_the_stage_table(seeded):
    allowed = {(t.source, t.target) for t in PROJECT_LIFECYCLE.transitions}
    projects = list(Project.unscoped.all())
    assert len(projects) == 5  # two filed from the 唐山 call, three added by adjustments
    for project in projects:
        path = _stage_path(project)
        start = path[0][0] if path else project.stage
        assert start in INITIAL_STAGES, project
        assert all(step in allowed for step in path), (project, path)
        assert [b for b, _a in path[1:]] == [a for _b, a in path[:-1]], (project, path)
        assert (path[-1][1] if path else start) == project.stage, project
