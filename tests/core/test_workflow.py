import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts.services import compliance_document_review
from apps.audit.models import AuditEntry
from tests.factories import ComplianceDocumentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def document():
    return ComplianceDocumentFactory(status="submitted")


def _office_of(document):
    return UserFactory(role="office", organisation__jurisdiction=document.organisation.jurisdiction)


def test_office_approves_and_the_transition_is_audited(document):
    office = _office_of(document)
    compliance_document_review(reviewer=office, document=document, action="approve")
    document.refresh_from_db()
    assert document.status == "approved"
    entry = AuditEntry.unscoped.filter(action="transition").latest("id")
    assert (entry.before["status"], entry.after["status"]) == ("submitted", "approved")
    assert entry.after["reviewed_by_id"] == office.pk
    assert entry.message == "approve"
    # One step, one entry: the reviewer and time are in it, not in a second update entry.
    assert not AuditEntry.unscoped.filter(
        object_type="accounts.ComplianceDocument", object_id=str(document.pk), action="update"
    ).exists()


def test_returning_needs_a_reason(document):
    with pytest.raises(ValidationError):
        compliance_document_review(
            reviewer=_office_of(document), document=document, action="return"
        )


def test_other_roles_may_not_review(document):
    hrss = UserFactory(role="hrss", organisation__jurisdiction=document.organisation.jurisdiction)
    with pytest.raises(PermissionDenied):
        compliance_document_review(reviewer=hrss, document=document, action="approve")


def test_office_of_another_level_may_not_review(document):
    with pytest.raises(PermissionDenied):
        compliance_document_review(
            reviewer=UserFactory(role="office"), document=document, action="approve"
        )


def test_a_decided_document_cannot_be_decided_again(document):
    office = _office_of(document)
    compliance_document_review(reviewer=office, document=document, action="approve")
    with pytest.raises(ValidationError):
        compliance_document_review(reviewer=office, document=document, action="return", note="x")
