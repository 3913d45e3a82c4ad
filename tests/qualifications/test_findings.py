"""A failed qualification check (HB §10) is a finding for the agency to answer."""

import datetime

import pytest

from apps.findings.models import Finding
from apps.qualifications.services import qualification_check_record
from tests.factories import CityFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_agency_without_its_cameras_gets_a_finding_naming_what_failed():
    city = CityFactory()
    office = UserFactory(role="office", organisation__jurisdiction=city)
    agency = OrganisationFactory(kind="implementing_agency", jurisdiction=city)
    record = qualification_check_record(
        user=office,
        organisation=agency,
        agency_type="offline_training",
        jurisdiction=city,
        year=datetime.date.today().year,
    )
    assert not record.passed
    finding = Finding.unscoped.get(rule_code="qualification_check")
    assert (finding.subject, finding.owner_organisation, finding.owner_role) == (
        record,
        agency,
        "implementer",
    )
    assert finding.citation == "HB §10"
    # Checking again keeps one finding per check record, a new record gets its own.
    qualification_check_record(
        user=office,
        organisation=agency,
        agency_type="offline_training",
        jurisdiction=city,
        year=datetime.date.today().year,
    )
    assert Finding.unscoped.filter(rule_code="qualification_check").count() == 2
