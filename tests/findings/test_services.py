"""The finding engine (SPEC §5): raised once, placed with its subject, answered by whom it
concerns, closed by the office of its own level, every step in its history and the audit log."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from apps.audit.models import AuditEntry
from apps.evidence.services import evidence_upload
from apps.findings.models import Finding, FindingStatus
from apps.findings.services import finding_act, findings_resolve_for_subject

from .conftest import pdf

pytestmark = pytest.mark.django_db


def test_raising_the_same_finding_twice_keeps_one(world):
    first = world.finding()
    again = world.finding()
    assert first.pk == again.pk
    assert first.events.count() == 1


def test_a_key_tells_two_findings_of_one_rule_apart(world):
    assert world.finding(key="session-1").pk != world.finding(key="session-2").pk


def test_a_finding_is_placed_with_its_subject(world):
    finding = world.finding()
    assert (finding.jurisdiction, finding.project) == (world.city, world.project)
    assert finding.status == FindingStatus.OPEN


def test_the_organisation_concerned_answers_with_evidence(world):
    finding = world.finding()
    evidence = evidence_upload(
        uploaded_by=world.agency,
        uploaded_file=pdf(),
        purpose="report",
        title="补交的月度报告",
        jurisdiction=world.city,
        project=world.project,
        organisation=world.agency.organisation,
    ).evidence_file
    finding_act(
        user=world.agency, finding=finding, action="answer", note="已补交", evidence=evidence
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ANSWERED
    assert list(finding.evidence.all()) == [evidence]
    assert [e.action for e in finding.events.all()] == ["raise", "answer"]


def test_another_agency_may_not_answer(world):
    from tests.factories import UserFactory

    stranger = UserFactory(role="implementer", organisation__jurisdiction=world.city)
    with pytest.raises(PermissionDenied):
        finding_act(user=stranger, finding=world.finding(), action="answer", note="不是我")


def test_an_answer_needs_its_text(world):
    with pytest.raises(ValidationError):
        finding_act(user=world.agency, finding=world.finding(), action="answer", note=" ")


def test_the_office_of_its_level_resolves_and_the_finding_is_closed(world):
    finding = world.finding()
    finding_act(user=world.agency, finding=finding, action="answer", note="已补交")
    finding_act(user=world.office, finding=finding, action="resolve", note="核实无误")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RESOLVED
    assert finding.closed_at is not None


def test_the_office_of_another_city_may_not_resolve(world):
    finding = world.finding()
    finding_act(user=world.agency, finding=finding, action="answer", note="已补交")
    with pytest.raises(PermissionDenied):
        finding_act(user=world.other_office, finding=finding, action="resolve", note="x")


def test_dismissing_needs_a_reason(world):
    with pytest.raises(ValidationError):
        finding_act(user=world.office, finding=world.finding(), action="dismiss", note="")


def test_a_returned_answer_reopens_the_finding(world):
    finding = world.finding()
    finding_act(user=world.agency, finding=finding, action="answer", note="已补交")
    finding_act(user=world.office, finding=finding, action="return", note="材料不全")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


def test_a_closed_finding_takes_no_further_step(world):
    finding = world.finding()
    finding_act(user=world.office, finding=finding, action="dismiss", note="重复")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        finding_act(user=world.agency, finding=finding, action="answer", note="已补交")
    assert "Dismissed" in str(error.value)


def test_each_step_is_one_audit_entry(world):
    finding = world.finding()
    finding_act(user=world.agency, finding=finding, action="answer", note="已补交")
    steps = AuditEntry.unscoped.filter(object_type="findings.Finding", object_id=str(finding.pk))
    assert list(steps.order_by("id").values_list("action", flat=True)) == ["create", "transition"]


def test_the_platform_resolves_its_own_finding_when_the_fact_is_gone(world):
    finding = world.finding()
    closed = findings_resolve_for_subject(subject=world.project, rule_code="test_rule", note="撤销")
    finding.refresh_from_db()
    assert (closed, finding.status, finding.status_note) == (1, "resolved", "撤销")


def test_scoping_the_concerned_agency_sees_it_another_city_does_not(world):
    finding = world.finding()
    assert Finding.objects.for_user(world.agency).filter(pk=finding.pk).exists()
    assert Finding.objects.for_user(world.office).filter(pk=finding.pk).exists()
    assert not Finding.objects.for_user(world.other_office).filter(pk=finding.pk).exists()
