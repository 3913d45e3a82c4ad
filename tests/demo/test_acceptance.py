"""The demo's project through acceptance and the balance payment (demo/acceptance.py), as
`scripts/run.sh` loads it: accepted (合格), the balance paid, the ledger closed at the contract
amount; its record complete by every stage's checklist (demo/archive.py) and archived by the
evaluation agency, read-only; a second run changes nothing."""

import pytest

from apps.acceptance.models import AcceptanceApplication, AcceptanceStatus
from apps.acceptance.services import agreement_of
from apps.archive.completeness import project_completeness
from apps.contracts.models import Payment
from apps.deadlines.models import DeadlineStatus
from apps.projects.models import ProjectStage
from demo.acceptance import demo_accepted_project, seed_demo_acceptance
from demo.seed import demo_seed

pytestmark = pytest.mark.django_db


def test_demo_project_accepted_balance_paid_ledger_closed():
    demo_seed()
    project = demo_accepted_project()
    assert project.stage == ProjectStage.ARCHIVED
    application = AcceptanceApplication.unscoped.get(project=project)
    assert application.status == AcceptanceStatus.ACCEPTED
    assert application.evaluation_report.verdict == "pass"
    assert application.audit_opinion.compliant
    assert application.expert_opinions.count() == 1
    agreement = agreement_of(project)
    assert agreement.paid_total == agreement.amount
    kinds = sorted(Payment.unscoped.filter(agreement=agreement).values_list("kind", flat=True))
    assert kinds == ["advance", "balance"]
    from apps.acceptance.services import balance_deadline, opinion_deadline

    assert opinion_deadline(application).status == DeadlineStatus.MET
    assert balance_deadline(application).status == DeadlineStatus.MET
    # Archived on its own merits: every required item of every stage is on the platform.
    check = project_completeness(project)
    assert check.complete, check.missing_text()
    from apps.audit.models import AuditEntry

    archived = AuditEntry.unscoped.filter(
        object_type="projects.Project", object_id=str(project.pk), action="transition"
    ).latest("id")
    assert archived.after == {"stage": "archived"} and "资料齐全" in archived.message
    # Read-only: a change of one of its rows is refused.
    from django.core.exceptions import ValidationError

    application.summary = "改写"
    with pytest.raises(ValidationError) as refused:
        application.save()
    assert refused.value.error_list[0].code == "archived"
    # Loading again changes nothing.
    assert seed_demo_acceptance() == project
    assert AcceptanceApplication.unscoped.filter(project=project).count() == 1
