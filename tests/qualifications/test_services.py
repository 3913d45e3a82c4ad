"""Register writes: who may keep the register, nothing half-saved, every edit audited; the
recorded check that procurement keeps."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.roles import OrganisationKind, Role
from apps.audit.models import AuditEntry
from apps.evidence.models import EvidenceFile
from apps.qualifications import services
from apps.qualifications.models import (
    AgencyType,
    Equipment,
    EquipmentKind,
    Licence,
    PlatformProfile,
    QualificationCheckRecord,
)
from tests.factories import CityFactory, OrganisationFactory, ProjectFactory, UserFactory

from .factories import MINIMAL_PDF, CameraFactory, DeviceFactory

pytestmark = pytest.mark.django_db

CAMERA = {
    "kind": EquipmentKind.NETWORK_CAMERA,
    "device_model": "海康威视 DS-2DE4425IW",
    "serial_number": " SN-001 ",
    "internet_connected": True,
    "resolution_lines": 1080,
    "audio_capture": True,
    "rotation_degrees": 355,
    "storage_gb": 128,
}


def _pdf(name="invoice.pdf", content=MINIMAL_PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def implementer():
    return UserFactory(
        role=Role.IMPLEMENTER,
        organisation=OrganisationFactory(kind=OrganisationKind.OFFLINE_TRAINING_INSTITUTION),
    )


def test_the_agency_adds_a_device_with_its_invoice(implementer):
    organisation = implementer.organisation
    device = services.equipment_save(
        user=implementer, organisation=organisation, data=CAMERA, uploaded_file=_pdf()
    )
    assert device.serial_number == "SN-001"
    assert device.evidence.organisation == organisation
    assert device.evidence.purpose == "general"
    assert device.evidence.current_version is not None


def test_register_edits_are_audited(implementer):
    organisation = implementer.organisation
    device = services.equipment_save(user=implementer, organisation=organisation, data=CAMERA)
    services.equipment_save(
        user=implementer,
        organisation=organisation,
        data={"resolution_lines": 1440},
        equipment=device,
    )
    services.equipment_set_active(user=implementer, equipment=device, active=False)
    entries = AuditEntry.unscoped.filter(
        object_type="qualifications.Equipment", object_id=str(device.pk)
    ).order_by("id")
    assert [e.action for e in entries] == ["create", "update", "update"]
    assert entries[1].before["resolution_lines"] == 1080
    assert entries[1].after["resolution_lines"] == 1440
    assert entries[2].after["is_active"] is False
    assert entries[0].jurisdiction_path == organisation.jurisdiction.path


def test_a_refused_row_leaves_no_file(implementer):
    before = EvidenceFile.unscoped.count()
    with pytest.raises(ValidationError) as error:
        services.equipment_save(
            user=implementer,
            organisation=implementer.organisation,
            data={**CAMERA, "resolution_lines": None},
            uploaded_file=_pdf(),
        )
    assert "resolution_lines" in error.value.message_dict
    assert EvidenceFile.unscoped.count() == before
    assert not Equipment.unscoped.exists()


def test_a_refused_file_leaves_no_row(implementer):
    with pytest.raises(ValidationError) as error:
        services.equipment_save(
            user=implementer,
            organisation=implementer.organisation,
            data=CAMERA,
            uploaded_file=_pdf("invoice.pdf", b"MZ this is not a pdf"),
        )
    assert "file" in error.value.message_dict
    assert not Equipment.unscoped.exists()
    assert not EvidenceFile.unscoped.exists()


def test_a_serial_number_is_registered_once(implementer):
    services.equipment_save(user=implementer, organisation=implementer.organisation, data=CAMERA)
    with pytest.raises(ValidationError):
        services.equipment_save(
            user=implementer, organisation=implementer.organisation, data=CAMERA
        )
    assert Equipment.unscoped.count() == 1


def test_rotation_beyond_360_is_refused(implementer):
    with pytest.raises(ValidationError):
        services.equipment_save(
            user=implementer,
            organisation=implementer.organisation,
            data={**CAMERA, "rotation_degrees": 361},
        )


@pytest.mark.parametrize(
    "role", [Role.OFFICE, Role.HRSS, Role.APPLICANT, Role.EVALUATOR, Role.EXPERT]
)
def test_only_the_organisations_own_agency_users_keep_its_register(implementer, role):
    other = UserFactory(role=role)
    with pytest.raises(PermissionDenied):
        services.equipment_save(user=other, organisation=implementer.organisation, data=CAMERA)
    device = CameraFactory(organisation=implementer.organisation)
    with pytest.raises(PermissionDenied):
        services.equipment_set_active(user=other, equipment=device, active=False)


def test_an_applicant_organisation_has_no_register():
    applicant = UserFactory(role=Role.APPLICANT)
    superuser = UserFactory(is_superuser=True)
    with pytest.raises(PermissionDenied):
        services.equipment_save(user=superuser, organisation=applicant.organisation, data=CAMERA)


def test_licence_with_categories_and_a_reversed_validity_is_refused():
    evaluator = UserFactory(role=Role.EVALUATOR)
    data = {
        "kind": "business_licence",
        "number": "91130000MA0TEST001",
        "business_scope": "项目评估",
        "scope_categories": ["evaluation", "consulting", "evaluation"],
        "valid_from": "2024-01-01",
        "valid_until": "2023-12-31",
    }
    with pytest.raises(ValidationError) as error:
        services.licence_save(user=evaluator, organisation=evaluator.organisation, data=data)
    assert "valid_until" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.licence_save(
            user=evaluator,
            organisation=evaluator.organisation,
            data={**data, "valid_until": None, "scope_categories": ["gaming"]},
        )
    licence = services.licence_save(
        user=evaluator, organisation=evaluator.organisation, data={**data, "valid_until": None}
    )
    assert licence.scope_categories == ["consulting", "evaluation"]
    services.licence_set_active(user=evaluator, licence=licence, active=False)
    assert not Licence.unscoped.get().is_active


def test_platform_facts_are_kept_once_per_platform():
    platform_user = UserFactory(role=Role.ONLINE_PLATFORM)
    organisation = platform_user.organisation
    data = {"has_online_learning": True, "province_contract_number": "冀协1号"}
    services.platform_profile_save(
        user=platform_user, organisation=organisation, data=data, contract_file=_pdf()
    )
    profile = services.platform_profile_save(
        user=platform_user, organisation=organisation, data={"integrated": True}
    )
    assert PlatformProfile.unscoped.count() == 1
    assert profile.integrated and profile.has_online_learning
    assert profile.province_contract_evidence is not None
    evaluator = UserFactory(role=Role.EVALUATOR)
    with pytest.raises(ValidationError):
        services.platform_profile_save(
            user=evaluator, organisation=evaluator.organisation, data=data
        )


def test_unknown_fields_are_a_programming_error(implementer):
    with pytest.raises(ValueError):
        services.equipment_save(
            user=implementer,
            organisation=implementer.organisation,
            data={**CAMERA, "organisation_id": 1},
        )


# --- the recorded check ---------------------------------------------------------------------


@pytest.fixture
def city_office():
    return UserFactory(role=Role.OFFICE)


def _qualifying_trainer(city):
    agency = OrganisationFactory(
        kind=OrganisationKind.OFFLINE_TRAINING_INSTITUTION, jurisdiction=city
    )
    CameraFactory.create_batch(2, organisation=agency)
    DeviceFactory.create_batch(2, organisation=agency, kind=EquipmentKind.HD_RECORDER)
    DeviceFactory(organisation=agency, kind=EquipmentKind.PROJECTOR)
    return agency


def test_the_procuring_office_records_a_check_for_a_project(city_office):
    city = city_office.organisation.jurisdiction
    agency = _qualifying_trainer(city)
    project = ProjectFactory(jurisdiction=city, year=2027)
    record = services.qualification_check_record(
        user=city_office,
        organisation=agency,
        agency_type=AgencyType.OFFLINE_TRAINING,
        project=project,
    )
    assert record.passed is True
    assert (record.jurisdiction, record.year, record.project_type) == (city, 2027, "training")
    assert [line["code"] for line in record.lines] == [
        "offline.cameras",
        "offline.recorders",
        "offline.projectors",
    ]
    assert set(record.lines[0]) == {"code", "label", "passed", "evidence", "cite", "refs"}
    assert record.rules_snapshot["offline_training"]["cameras"]["min_count"] == 2
    assert record.checked_by == city_office
    assert AuditEntry.unscoped.filter(
        object_type="qualifications.QualificationCheckRecord", project_id=project.pk
    ).exists()


def test_a_failed_check_is_recorded_too(city_office):
    city = city_office.organisation.jurisdiction
    agency = _qualifying_trainer(city)
    agency.equipment.filter(kind=EquipmentKind.PROJECTOR).update(is_active=False)
    record = services.qualification_check_record(
        user=city_office,
        organisation=agency,
        agency_type=AgencyType.OFFLINE_TRAINING,
        jurisdiction=city,
        year=2027,
    )
    assert record.passed is False
    assert [line["passed"] for line in record.lines] == [True, True, False]


def test_another_citys_office_may_not_check_for_this_city(city_office):
    city = city_office.organisation.jurisdiction
    agency = _qualifying_trainer(city)
    with pytest.raises(PermissionDenied):
        services.qualification_check_record(
            user=UserFactory(role=Role.OFFICE),
            organisation=agency,
            agency_type=AgencyType.OFFLINE_TRAINING,
            jurisdiction=city,
            year=2027,
        )
    with pytest.raises(PermissionDenied):
        services.qualification_check_record(
            user=UserFactory(role=Role.USER_ADMIN, organisation=city_office.organisation),
            organisation=agency,
            agency_type=AgencyType.OFFLINE_TRAINING,
            jurisdiction=city,
            year=2027,
        )
    assert not QualificationCheckRecord.unscoped.exists()


def test_an_office_may_check_an_agency_from_elsewhere_for_its_own_procurement(city_office):
    elsewhere = _qualifying_trainer(CityFactory())
    record = services.qualification_check_record(
        user=city_office,
        organisation=elsewhere,
        agency_type=AgencyType.OFFLINE_TRAINING,
        jurisdiction=city_office.organisation.jurisdiction,
        year=2027,
    )
    assert QualificationCheckRecord.objects.for_user(city_office).filter(pk=record.pk).exists()
    agency_user = UserFactory(role=Role.IMPLEMENTER, organisation=elsewhere)
    assert QualificationCheckRecord.objects.for_user(agency_user).filter(pk=record.pk).exists()
    assert not QualificationCheckRecord.objects.for_user(UserFactory(role=Role.OFFICE)).exists()


def test_bad_arguments_are_refused_in_plain_words(city_office):
    city = city_office.organisation.jurisdiction
    agency = _qualifying_trainer(city)
    project = ProjectFactory(jurisdiction=city, year=2027)
    cases = [
        ({"agency_type": "caterer", "jurisdiction": city, "year": 2027}, "agency_type"),
        ({"agency_type": "offline_training", "year": 2027}, "jurisdiction"),
        ({"agency_type": "offline_training", "jurisdiction": city}, "year"),
        ({"agency_type": "offline_training", "project": project, "year": 2028}, "year"),
        (
            {"agency_type": "offline_training", "project": project, "project_type": "promotion"},
            "project_type",
        ),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as error:
            services.qualification_check_record(user=city_office, organisation=agency, **kwargs)
        assert field in error.value.message_dict
    applicant = OrganisationFactory(jurisdiction=city)
    with pytest.raises(ValidationError):
        services.qualification_check_record(
            user=city_office,
            organisation=applicant,
            agency_type="offline_training",
            jurisdiction=city,
            year=2027,
        )
    assert not QualificationCheckRecord.unscoped.exists()
