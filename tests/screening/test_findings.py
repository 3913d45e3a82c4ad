"""A failed preliminary review is a finding the applicant can answer; a revision to a pass
resolves it with the revision's reason (SPEC §5: the checks produce findings)."""

import pytest

from apps.findings.models import Finding
from apps.screening.models import PreliminaryReview
from apps.screening.services import (
    preliminary_review_decide,
    preliminary_review_revise,
    screening_run,
)
from tests.applications.builders import submitted_application
from tests.calls.factories import CallFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ALL_PASS = {code: {"passed": True, "reason": ""} for code in ("P1", "P2", "P3", "P4")}
P4_FAILS = {**ALL_PASS, "P4": {"passed": False, "reason": "与他人申报材料雷同"}}


@pytest.fixture
def decided():
    call = CallFactory()
    office = UserFactory(role="office", organisation__jurisdiction=call.jurisdiction)
    application, _user = submitted_application(call)
    screening_run(call=call)
    review = PreliminaryReview.unscoped.get(application=application)
    preliminary_review_decide(reviewer=office, review=review, decisions=P4_FAILS)
    return office, application, review


def test_a_failed_review_raises_a_finding_for_the_applicant(decided):
    _office, application, _review = decided
    finding = Finding.unscoped.get(rule_code="preliminary_review_failed")
    assert finding.subject == application
    assert (finding.owner_organisation, finding.citation) == (application.applicant, "SZ P4")
    assert "与他人申报材料雷同" in finding.message


def test_a_passed_review_raises_none():
    call = CallFactory()
    office = UserFactory(role="office", organisation__jurisdiction=call.jurisdiction)
    application, _user = submitted_application(call)
    screening_run(call=call)
    review = PreliminaryReview.unscoped.get(application=application)
    preliminary_review_decide(reviewer=office, review=review, decisions=ALL_PASS)
    assert not Finding.unscoped.filter(rule_code="preliminary_review_failed").exists()


def test_revising_to_a_pass_resolves_the_finding_with_the_reason(decided):
    office, _application, review = decided
    preliminary_review_revise(
        reviewer=office, review=review, decisions=ALL_PASS, reason="复核后确认不构成雷同"
    )
    finding = Finding.unscoped.get(rule_code="preliminary_review_failed")
    assert (finding.status, finding.status_note) == ("resolved", "复核后确认不构成雷同")
