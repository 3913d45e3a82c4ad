"""The data migration that moves missed-deadline findings into the findings engine: each old
DeadlineFinding becomes one Finding about its deadline, with its clause, message, time and
the duty's owner, and a cancelled deadline's finding arrives resolved."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("deadlines", "0001_initial"), ("findings", "0001_initial")]
AFTER = [("findings", "0002_deadline_findings")]


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():
    yield
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_deadline_findings_are_copied_into_the_engine():
    old = _migrate(BEFORE)
    Jurisdiction = old.get_model("jurisdictions", "Jurisdiction")
    Rule = old.get_model("jurisdictions", "DeadlineRule")
    Deadline = old.get_model("deadlines", "Deadline")
    DeadlineFinding = old.get_model("deadlines", "DeadlineFinding")
    ContentType = old.get_model("contenttypes", "ContentType")
    city = Jurisdiction._base_manager.create(
        code="139999", name="迁移市", level="city", path="139999/"
    )
    rule = Rule._base_manager.create(
        jurisdiction=city, code="plan_review", label="方案审核", days=5, unit="working"
    )
    subject_type, _ = ContentType.objects.get_or_create(app_label="jurisdictions", model="x")
    raised = timezone.now() - datetime.timedelta(days=3)
    for status in ("overdue", "cancelled"):
        deadline = Deadline._base_manager.create(
            rule=rule,
            jurisdiction=city,
            subject_type=subject_type,
            subject_id=1,
            subject_label=f"方案 {status}",
            starts_on=datetime.date(2026, 9, 1),
            due_on=datetime.date(2026, 9, 8),
            owner_role="office",
            status=status,
            cancelled_reason="撤销" if status == "cancelled" else "",
        )
        old_finding = DeadlineFinding._base_manager.create(
            deadline=deadline, severity="major", rule_citation="HB §11", message="未按期审核"
        )
        DeadlineFinding._base_manager.filter(pk=old_finding.pk).update(created_at=raised)

    new = _migrate(AFTER)
    Finding = new.get_model("findings", "Finding")
    findings = {f.subject_label: f for f in Finding._base_manager.all()}
    assert set(findings) == {"方案 overdue", "方案 cancelled"}
    kept = findings["方案 overdue"]
    assert (kept.rule_code, kept.citation, kept.message, kept.status) == (
        "deadline_missed",
        "HB §11",
        "未按期审核",
        "open",
    )
    assert kept.raised_at == raised
    assert findings["方案 cancelled"].status == "resolved"
