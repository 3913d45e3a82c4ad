import pytest
from django.core.files.base import ContentFile

from apps.deadlines.models import DeadlineStatus
from apps.findings.models import FindingSeverity
from apps.findings.services import finding_raise
from tests.factories import CityFactory, ComplianceDocumentFactory, ProjectFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def pdf(name="answer.pdf"):
    return ContentFile(PDF, name=name)


class World:
    """A project of city A with its implementing agency, A's office, and B's office."""

    def __init__(self):
        self.project = ProjectFactory(stage="implementation")
        self.city = self.project.jurisdiction
        self.office = UserFactory(role="office", organisation__jurisdiction=self.city)
        self.agency = UserFactory(role="implementer", organisation__jurisdiction=self.city)
        for kind in ("confidentiality", "implementer_account"):
            ComplianceDocumentFactory(organisation=self.agency.organisation, kind=kind)
        self.project.participants.create(role="implementer", organisation=self.agency.organisation)
        self.other_office = UserFactory(role="office", organisation__jurisdiction=CityFactory())

    def finding(self, key=""):
        return finding_raise(
            rule_code="test_rule",
            citation="HB §14",
            severity=FindingSeverity.MAJOR,
            subject=self.project,
            message="月度进度未按时上传",
            owner_role="implementer",
            owner_organisation=self.agency.organisation,
            key=key,
        )


@pytest.fixture
def world(db):
    return World()


__all__ = ["DeadlineStatus", "pdf"]
