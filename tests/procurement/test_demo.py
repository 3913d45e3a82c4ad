import pytest

from apps.contracts.models import Payment
from apps.core.demo import demo_seed
from apps.deadlines.models import Deadline, DeadlineStatus
from apps.procurement.models import Procurement, ProcurementStatus
from apps.projects.models import Project, ProjectStage

pytestmark = pytest.mark.django_db


def test_demo_procurement_is_complete_and_idempotent():
    demo_seed()
    demo_seed()
    by_code = {p.project.code: p for p in Procurement.unscoped.select_related("project")}
    assert by_code["HB-SJZ-2027-002"].status == ProcurementStatus.PUBLISHED
    assert by_code["HB-SJZ-2027-002"].requirements.count() == 2
    contracted = by_code["HB-SJZ-2027-001"]
    assert contracted.award.winner.name == "石家庄安培职业培训学校"
    assert Payment.unscoped.filter(agreement__award=contracted.award, kind="advance").count() == 1
    assert Project.unscoped.get(code="HB-SJZ-2027-001").stage == ProjectStage.IMPLEMENTATION
    overdue = Deadline.unscoped.get(
        rule__code="plan_review",
        subject_type__model="award",
        subject_id=by_code["HB-TS-2027-001"].award.pk,
    )
    assert overdue.status == DeadlineStatus.OVERDUE
    assert len(by_code) == 3
