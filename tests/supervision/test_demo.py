"""The demo's supervision of 石家庄's training project (demo/supervision.py): an approved plan,
a confirmed on-site inspection with a watermarked photo and its finding, a questionnaire and a
periodic report — once, although the seed ran twice."""

import pytest

from apps.findings.models import Finding
from apps.supervision import services
from apps.supervision.models import (
    Inspection,
    InspectionMedia,
    PeriodicReport,
    PlanStatus,
    SupervisionPlan,
)
from demo.projects import demo_project
from demo.seed import demo_seed

pytestmark = pytest.mark.django_db


def test_demo_supervision_is_complete_and_idempotent():
    demo_seed()
    demo_seed()
    project = demo_project("sjz_training")
    plan = SupervisionPlan.unscoped.get(project=project)
    assert plan.status == PlanStatus.APPROVED
    deadline = services.plan_deadline(plan)
    assert (deadline.status, deadline.late) == ("met", False)
    onsite = Inspection.unscoped.get(project=project, kind="onsite")
    assert onsite.status == "confirmed" and onsite.presences.count() == 2
    media = InspectionMedia.objects.get(inspection=onsite)
    assert media.watermarked_id and services.media_verify(media)
    assert media.watermark["time"] == "2026-11-24 09:25:00"
    finding = Finding.unscoped.get(rule_code=services.FINDING_RULE)
    assert finding.subject == onsite and list(finding.evidence.all()) == [media.watermarked]
    questionnaire = Inspection.unscoped.get(project=project, kind="questionnaire")
    assert str(questionnaire.awareness_rate) == "80.00"
    report = PeriodicReport.unscoped.get(project=project)
    assert report.figures["training"]["sessions"] == 2
    assert report.figures["supervision"]["satisfaction_rate"] == "100.00"
