"""OCDS 1.1 release packages validate against the standard's schemas, loaded locally."""

import copy
import datetime
import filecmp
from pathlib import Path

import pytest
from django.test import RequestFactory, override_settings

from apps.contracts import services as contract_services
from apps.procurement import ocds
from apps.procurement.models import Procurement
from apps.procurement.views import ocds_package_for
from tests.procurement.world import build_world, contracted, draft, pdf

pytestmark = pytest.mark.django_db

REFERENCE = Path("/work/shared/reference/ocds-1.1")


def _reference_dir() -> Path:
    if not (REFERENCE / "release-package-schema.json").exists():
        pytest.skip("the OCDS reference schemas are not on this machine")
    return REFERENCE


def _package(user, project):
    request = RequestFactory().get("/procurement/ocds/", {"project": project.pk})
    request.user = user
    return ocds_package_for(request, project=project)


@pytest.fixture
def full_package():
    a, _ = build_world()
    _p, _award, agreement = contracted(a)
    contract_services.payment_record(
        user=a.si_agency,
        agreement=agreement,
        kind="advance",
        amount="234000.00",
        paid_on=datetime.date(2026, 11, 12),
        uploaded_file=pdf(),
    )
    return a, _package(a.office, a.project)


def test_the_package_validates_against_the_reference_schema(full_package):
    _a, package = full_package
    assert ocds.ocds_errors(package, _reference_dir()) == []
    release = package["releases"][0]
    assert release["tag"] == ["tender", "award", "contract", "implementation"]
    assert release["ocid"].startswith("ocds-wipp00-139901-")
    assert release["awards"][0]["value"] == {"amount": 468000, "currency": "CNY"}
    transactions = release["contracts"][0]["implementation"]["transactions"]
    assert transactions[0]["value"]["amount"] == 234000
    assert release["tender"]["procurementMethod"] == "open"
    assert release["tender"]["items"][0]["quantity"] == 2000


def test_an_invalid_package_fails(full_package):
    _a, package = full_package
    broken = copy.deepcopy(package)
    del broken["releases"][0]["ocid"]
    broken["releases"][0]["awards"][0]["value"]["amount"] = "468000.00"
    errors = ocds.ocds_errors(broken, _reference_dir())
    assert any("'ocid' is a required property" in e for e in errors)
    assert any("amount" in e for e in errors)
    assert ocds.ocds_errors({"releases": []}, _reference_dir())


def test_a_draft_package_validates_and_the_prefix_is_a_setting():
    a, _ = build_world()
    draft(a)
    with override_settings(WIPP_OCDS_PREFIX="ocds-abc123"):
        package = _package(a.office, a.project)
    assert ocds.ocds_errors(package, _reference_dir()) == []
    assert package["releases"][0]["ocid"].startswith("ocds-abc123-")
    assert package["releases"][0]["tender"]["status"] == "planning"


def test_the_shipped_schemas_are_the_reference_ones():
    reference = _reference_dir()
    for name in ("release-package-schema.json", "release-schema.json"):
        assert filecmp.cmp(ocds.SCHEMA_DIR / name, reference / name, shallow=False)


def test_the_package_holds_only_what_the_reader_sees():
    a, b = build_world()
    draft(a)
    assert _package(b.office, a.project)["releases"] == []
    assert Procurement.unscoped.count() == 1
