"""HB §10 thresholds just below and at the limit, and HB §17's conflict of an evaluation agency."""

import datetime

import pytest

from apps.accounts.models import ApiClient
from apps.accounts.roles import OrganisationKind, Role
from apps.evidence.models import EvidenceFile
from apps.qualifications.checks import qualification_check
from apps.qualifications.models import AgencyType, EquipmentKind, ScopeCategory
from tests.factories import CityFactory, ParticipantFactory, ProjectFactory, UserFactory

from .factories import (
    AgencyFactory,
    CameraFactory,
    DeviceFactory,
    LicenceFactory,
    PlatformProfileFactory,
)

pytestmark = pytest.mark.django_db


def _check(organisation, agency_type, **kwargs):
    kwargs.setdefault("jurisdiction", organisation.jurisdiction)
    kwargs.setdefault("year", 2027)
    return qualification_check(organisation=organisation, agency_type=agency_type, **kwargs)


def _line(report, code):
    return next(line for line in report.lines if line.code == code)


# --- offline training -----------------------------------------------------------------------


def _offline_agency(cameras=2, recorders=2, projectors=1, **camera):
    agency = AgencyFactory()
    for _ in range(cameras):
        CameraFactory(organisation=agency, **camera)
    DeviceFactory.create_batch(recorders, organisation=agency, kind=EquipmentKind.HD_RECORDER)
    DeviceFactory.create_batch(projectors, organisation=agency, kind=EquipmentKind.PROJECTOR)
    return agency


def test_an_agency_exactly_at_every_threshold_qualifies():
    report = _check(_offline_agency(), AgencyType.OFFLINE_TRAINING)
    assert report.passed, [line.evidence for line in report.lines]
    assert [line.code for line in report.lines] == [
        "offline.cameras",
        "offline.recorders",
        "offline.projectors",
    ]
    cameras = _line(report, "offline.cameras")
    assert "2" in cameras.evidence and "SN CAM" in cameras.evidence
    assert len(cameras.refs) == 2 and cameras.refs[0]["type"] == "equipment"


@pytest.mark.parametrize(
    ("field", "value", "why"),
    [
        ("resolution_lines", 1079, "1079p < 1080p"),
        ("rotation_degrees", 89, "89° < 90°"),
        ("storage_gb", 63, "63 GB"),
        ("audio_capture", False, "audio"),
        ("internet_connected", False, "internet"),
    ],
)
def test_one_camera_spec_below_the_threshold_disqualifies_the_camera(field, value, why):
    agency = _offline_agency(cameras=1)
    bad = CameraFactory(organisation=agency, serial_number="SN123", **{field: value})
    report = _check(agency, AgencyType.OFFLINE_TRAINING)
    line = _line(report, "offline.cameras")
    assert not line.passed and not report.passed
    assert "SN123" in line.evidence and why in line.evidence
    assert bad.pk not in [ref["id"] for ref in line.refs]
    # the other lines are unaffected
    assert _line(report, "offline.recorders").passed and _line(report, "offline.projectors").passed


def test_a_camera_must_meet_all_specs_at_once():
    agency = _offline_agency(cameras=0)
    CameraFactory(organisation=agency, resolution_lines=720, serial_number="A")
    CameraFactory(organisation=agency, storage_gb=32, serial_number="B")
    line = _line(_check(agency, AgencyType.OFFLINE_TRAINING), "offline.cameras")
    assert not line.passed
    assert line.evidence.startswith("qualifying cameras: 0 of 2 required")
    assert "720p" in line.evidence and "32 GB" in line.evidence


def test_one_camera_of_two_required_fails_and_two_pass():
    agency = _offline_agency(cameras=1)
    assert not _line(_check(agency, AgencyType.OFFLINE_TRAINING), "offline.cameras").passed
    CameraFactory(organisation=agency)
    assert _line(_check(agency, AgencyType.OFFLINE_TRAINING), "offline.cameras").passed


def test_a_retired_camera_does_not_count():
    agency = _offline_agency(cameras=1)
    CameraFactory(organisation=agency, is_active=False)
    assert not _line(_check(agency, AgencyType.OFFLINE_TRAINING), "offline.cameras").passed


def test_no_camera_at_all_is_said():
    line = _line(_check(_offline_agency(cameras=0), AgencyType.OFFLINE_TRAINING), "offline.cameras")
    assert not line.passed and "no network camera" in line.evidence


@pytest.mark.parametrize(("recorders", "passed"), [(1, False), (2, True)])
def test_recorders_one_fails_two_pass(recorders, passed):
    report = _check(_offline_agency(recorders=recorders), AgencyType.OFFLINE_TRAINING)
    assert _line(report, "offline.recorders").passed is passed
    assert report.passed is passed


@pytest.mark.parametrize(("projectors", "passed"), [(0, False), (1, True)])
def test_a_projector_is_required(projectors, passed):
    report = _check(_offline_agency(projectors=projectors), AgencyType.OFFLINE_TRAINING)
    assert _line(report, "offline.projectors").passed is passed


# --- online platform ------------------------------------------------------------------------


def _platform(**profile):
    platform_user = UserFactory(role=Role.ONLINE_PLATFORM)
    agency = platform_user.organisation
    evidence = EvidenceFile.unscoped.create(
        purpose="general",
        title="协议",
        jurisdiction=agency.jurisdiction,
        organisation=agency,
        created_by=platform_user,
    )
    profile.setdefault("province_contract_evidence", evidence)
    PlatformProfileFactory(organisation=agency, **profile)
    ApiClient.objects.create(
        name="对接", service_user=platform_user, key_prefix=agency.credit_code[-8:], key_hash="x"
    )
    return agency


def test_a_complete_platform_qualifies():
    report = _check(_platform(), AgencyType.ONLINE_PLATFORM)
    assert report.passed, [line.evidence for line in report.lines]
    assert "对接" in _line(report, "online.integration").evidence


@pytest.mark.parametrize(
    "function",
    ["online_learning", "system_administration", "government_supervision", "security_operations"],
)
def test_a_missing_platform_function_fails(function):
    report = _check(_platform(**{f"has_{function}": False}), AgencyType.ONLINE_PLATFORM)
    line = _line(report, "online.functions")
    assert not line.passed and not report.passed
    assert "missing" in line.evidence


@pytest.mark.parametrize(
    "missing",
    [
        {"province_contract_number": ""},
        {"province_contract_date": None},
        {"province_contract_evidence": None},
    ],
)
def test_no_contract_with_the_province_fails(missing):
    report = _check(_platform(**missing), AgencyType.ONLINE_PLATFORM)
    assert not _line(report, "online.province_contract").passed
    assert _line(report, "online.functions").passed


def test_not_integrated_fails():
    report = _check(_platform(integrated=False), AgencyType.ONLINE_PLATFORM)
    assert not _line(report, "online.integration").passed


def test_integrated_without_an_active_api_client_fails():
    agency = _platform()
    ApiClient.objects.filter(service_user__organisation=agency).update(is_active=False)
    line = _line(_check(agency, AgencyType.ONLINE_PLATFORM), "online.integration")
    assert not line.passed and "API client" in line.evidence


def test_a_platform_without_facts_fails_every_line():
    agency = AgencyFactory(kind=OrganisationKind.ONLINE_TRAINING_PLATFORM)
    report = _check(agency, AgencyType.ONLINE_PLATFORM)
    assert [line.passed for line in report.lines] == [False, False, False]


# --- evaluation agency ----------------------------------------------------------------------


def _evaluator(**licence):
    agency = AgencyFactory(kind=OrganisationKind.EVALUATION_AGENCY)
    LicenceFactory(organisation=agency, **licence)
    DeviceFactory(
        organisation=agency, kind=EquipmentKind.GEO_CAPTURE, records_time_place_coordinates=True
    )
    return agency


def test_a_complete_evaluation_agency_qualifies():
    report = _check(_evaluator(), AgencyType.EVALUATION_AGENCY, project_type="training")
    assert report.passed, [line.evidence for line in report.lines]
    assert [line.code for line in report.lines] == [
        "evaluation.business_scope",
        "evaluation.geo_devices",
        "evaluation.no_same_area_implementation",
    ]


@pytest.mark.parametrize("category", [c.value for c in ScopeCategory])
def test_any_listed_business_scope_category_suffices(category):
    report = _check(_evaluator(scope_categories=[category]), AgencyType.EVALUATION_AGENCY)
    assert _line(report, "evaluation.business_scope").passed


def test_a_licence_without_the_categories_fails():
    report = _check(_evaluator(scope_categories=[]), AgencyType.EVALUATION_AGENCY)
    line = _line(report, "evaluation.business_scope")
    assert not line.passed and "none of the categories" in line.evidence


def test_an_expired_or_withdrawn_licence_does_not_count():
    expired = _evaluator(valid_until=datetime.date(2025, 12, 31))
    line = _line(
        _check(expired, AgencyType.EVALUATION_AGENCY, today=datetime.date(2026, 1, 1)),
        "evaluation.business_scope",
    )
    assert not line.passed and "2026-01-01" in line.evidence
    on_last_day = _check(expired, AgencyType.EVALUATION_AGENCY, today=datetime.date(2025, 12, 31))
    assert _line(on_last_day, "evaluation.business_scope").passed
    withdrawn = _evaluator(is_active=False)
    assert not _line(
        _check(withdrawn, AgencyType.EVALUATION_AGENCY), "evaluation.business_scope"
    ).passed


def test_no_geo_device_fails():
    agency = AgencyFactory(kind=OrganisationKind.EVALUATION_AGENCY)
    LicenceFactory(organisation=agency)
    DeviceFactory(
        organisation=agency,
        kind=EquipmentKind.GEO_CAPTURE,
        serial_number="GEO-X",
        records_time_place_coordinates=False,
    )
    line = _line(_check(agency, AgencyType.EVALUATION_AGENCY), "evaluation.geo_devices")
    assert not line.passed and "GEO-X" in line.evidence


@pytest.fixture
def conflict_world():
    evaluator = _evaluator()
    city = CityFactory()
    project = ProjectFactory(jurisdiction=city, year=2027, project_type="training")
    ParticipantFactory(project=project, organisation=evaluator, role="implementer")
    return evaluator, city, project


def test_implementing_the_same_type_in_the_same_area_and_year_fails(conflict_world):
    evaluator, city, project = conflict_world
    report = _check(
        evaluator,
        AgencyType.EVALUATION_AGENCY,
        jurisdiction=city,
        year=2027,
        project_type="training",
    )
    line = _line(report, "evaluation.no_same_area_implementation")
    assert not line.passed and not report.passed
    assert project.code in line.evidence
    assert line.refs == [
        {"type": "project", "id": project.pk, "label": str(project), "evidence_file": None}
    ]


def test_an_online_platform_role_is_an_implementation_too(conflict_world):
    evaluator, city, project = conflict_world
    project.participants.update(role="online_platform")
    report = _check(evaluator, AgencyType.EVALUATION_AGENCY, jurisdiction=city, year=2027)
    assert not _line(report, "evaluation.no_same_area_implementation").passed


@pytest.mark.parametrize("change", ["other_year", "other_type", "other_city", "evaluating_only"])
def test_a_different_year_type_or_city_is_no_conflict(conflict_world, change):
    evaluator, city, project = conflict_world
    kwargs = {"jurisdiction": city, "year": 2027, "project_type": "training"}
    if change == "other_year":
        kwargs["year"] = 2028
    elif change == "other_type":
        kwargs["project_type"] = "promotion"
    elif change == "other_city":
        kwargs["jurisdiction"] = CityFactory()
    else:
        project.participants.update(role="evaluation_agency")
    report = _check(evaluator, AgencyType.EVALUATION_AGENCY, **kwargs)
    assert _line(report, "evaluation.no_same_area_implementation").passed
    assert report.passed


def test_without_a_project_type_any_implementation_in_the_area_and_year_conflicts(conflict_world):
    evaluator, city, _project = conflict_world
    report = _check(evaluator, AgencyType.EVALUATION_AGENCY, jurisdiction=city, year=2027)
    assert not report.passed


def test_an_unknown_agency_type_is_refused():
    with pytest.raises(ValueError):
        _check(AgencyFactory(), "caterer")
