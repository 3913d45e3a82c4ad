"""The register pages and API as their users meet them: scoping, who edits, no N+1."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.accounts.roles import OrganisationKind, Role
from apps.qualifications import services
from apps.qualifications.models import (
    AgencyType,
    Equipment,
    EquipmentKind,
    Licence,
    QualificationCheckRecord,
)
from demo.qualifications import seed_demo_qualifications
from tests.factories import CityFactory, OrganisationFactory, ProvinceFactory, UserFactory

from .factories import MINIMAL_PDF, CameraFactory, DeviceFactory, LicenceFactory

pytestmark = pytest.mark.django_db


class World:
    def __init__(self):
        self.province = ProvinceFactory()
        self.city, self.other_city = CityFactory(), CityFactory()
        self.agency = OrganisationFactory(
            kind=OrganisationKind.OFFLINE_TRAINING_INSTITUTION, jurisdiction=self.city
        )
        self.implementer = UserFactory(role=Role.IMPLEMENTER, organisation=self.agency)
        self.office = UserFactory(
            role=Role.OFFICE,
            organisation=OrganisationFactory(
                kind=OrganisationKind.GOVERNMENT_OFFICE, jurisdiction=self.city
            ),
        )
        self.hrss = UserFactory(
            role=Role.HRSS,
            organisation=OrganisationFactory(
                kind=OrganisationKind.HRSS_DEPARTMENT, jurisdiction=self.city
            ),
        )
        self.other_office = UserFactory(
            role=Role.OFFICE,
            organisation=OrganisationFactory(
                kind=OrganisationKind.GOVERNMENT_OFFICE, jurisdiction=self.other_city
            ),
        )
        self.province_office = UserFactory(
            role=Role.OFFICE,
            organisation=OrganisationFactory(
                kind=OrganisationKind.GOVERNMENT_OFFICE, jurisdiction=self.province
            ),
        )
        self.other_agency_user = UserFactory(
            role=Role.IMPLEMENTER,
            organisation=OrganisationFactory(
                kind=OrganisationKind.IMPLEMENTING_AGENCY, jurisdiction=self.city
            ),
        )
        self.camera = CameraFactory(organisation=self.agency)
        self.licence = LicenceFactory(organisation=self.agency)
        self.record = services.qualification_check_record(
            user=self.office,
            organisation=self.agency,
            agency_type=AgencyType.OFFLINE_TRAINING,
            jurisdiction=self.city,
            year=2027,
        )


@pytest.fixture
def world():
    return World()


def _as(client, user):
    client.force_login(user)
    return client


def test_the_agency_user_lands_on_its_own_register(client, world):
    response = _as(client, world.implementer).get(reverse("qualifications:index"))
    assert response.status_code == 302
    assert response.url == reverse("qualifications:register", args=[world.agency.pk])
    page = client.get(response.url)
    body = page.content.decode()
    assert page.status_code == 200
    assert world.camera.serial_number in body and 'data-testid="add-equipment"' in body
    assert 'data-testid="check-form"' not in body  # agencies do not check themselves


def test_a_government_reader_sees_the_register_read_only_and_may_run_the_check(client, world):
    for reader in (world.office, world.hrss, world.province_office):
        client.force_login(reader)
        index = client.get(reverse("qualifications:index"))
        assert index.status_code == 200 and world.agency.name in index.content.decode()
        page = client.get(reverse("qualifications:register", args=[world.agency.pk]))
        body = page.content.decode()
        assert page.status_code == 200
        assert world.camera.serial_number in body
        assert 'data-testid="add-equipment"' not in body
        assert 'data-testid="check-form"' in body


@pytest.mark.parametrize("who", ["other_office", "other_agency_user"])
def test_another_citys_or_agencys_user_gets_404_on_direct_urls(client, world, who):
    client = _as(client, getattr(world, who))
    urls = [
        reverse("qualifications:register", args=[world.agency.pk]),
        reverse("qualifications:equipment_add", args=[world.agency.pk]),
        reverse("qualifications:equipment_edit", args=[world.camera.pk]),
        reverse("qualifications:licence_edit", args=[world.licence.pk]),
        reverse("qualifications:check", args=[world.record.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("qualifications:equipment_active", args=[world.camera.pk]), {"active": "no"}
    )
    assert response.status_code == 404
    world.camera.refresh_from_db()
    assert world.camera.is_active
    index = client.get(reverse("qualifications:index"))
    if index.status_code == 200:
        assert world.agency.name not in index.content.decode()


def test_roles_without_a_register_are_refused(client, world):
    for role in (Role.APPLICANT, Role.EXPERT, Role.USER_ADMIN):
        client.force_login(UserFactory(role=role))
        assert client.get(reverse("qualifications:index")).status_code == 403


def test_the_agency_adds_a_device_with_its_invoice_through_the_form(client, world):
    response = _as(client, world.implementer).post(
        reverse("qualifications:equipment_add", args=[world.agency.pk]),
        {
            "kind": EquipmentKind.NETWORK_CAMERA,
            "device_model": "大华 DH-SD49225",
            "serial_number": "NEW-1",
            "internet_connected": "on",
            "resolution_lines": "1080",
            "audio_capture": "on",
            "rotation_degrees": "90",
            "storage_gb": "64",
            "file": SimpleUploadedFile("invoice.pdf", MINIMAL_PDF),
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    device = Equipment.unscoped.get(serial_number="NEW-1")
    assert device.evidence is not None and device.organisation == world.agency


def test_a_camera_without_its_specs_is_shown_the_errors(client, world):
    response = _as(client, world.implementer).post(
        reverse("qualifications:equipment_add", args=[world.agency.pk]),
        {"kind": EquipmentKind.NETWORK_CAMERA, "device_model": "X", "serial_number": "NEW-2"},
    )
    assert response.status_code == 200
    assert 'data-testid="error-resolution_lines"' in response.content.decode()
    assert not Equipment.unscoped.filter(serial_number="NEW-2").exists()


def test_the_agency_edits_and_retires_its_own_rows(client, world):
    client = _as(client, world.implementer)
    response = client.post(
        reverse("qualifications:licence_edit", args=[world.licence.pk]),
        {
            "kind": world.licence.kind,
            "number": world.licence.number,
            "business_scope": "教育培训；项目评估",
            "scope_categories": ["education_training", "evaluation"],
            "valid_from": "2020-01-01",
            "valid_until": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    world.licence.refresh_from_db()
    assert world.licence.scope_categories == ["education_training", "evaluation"]
    client.post(
        reverse("qualifications:equipment_active", args=[world.camera.pk]), {"active": "no"}
    )
    world.camera.refresh_from_db()
    assert not world.camera.is_active
    client.post(reverse("qualifications:licence_active", args=[world.licence.pk]), {"active": "no"})
    assert not Licence.unscoped.get(pk=world.licence.pk).is_active


def test_a_government_reader_may_not_edit(client, world):
    client = _as(client, world.office)
    assert (
        client.get(reverse("qualifications:equipment_edit", args=[world.camera.pk])).status_code
        == 403
    )
    response = client.post(
        reverse("qualifications:equipment_active", args=[world.camera.pk]), {"active": "no"}
    )
    assert response.status_code == 403
    world.camera.refresh_from_db()
    assert world.camera.is_active


def test_the_office_runs_the_check_and_sees_the_table(client, world):
    client = _as(client, world.office)
    response = client.post(
        reverse("qualifications:check_run", args=[world.agency.pk]),
        {
            "agency_type": AgencyType.OFFLINE_TRAINING,
            "jurisdiction": world.city.pk,
            "year": "2027",
            "project_type": "",
        },
    )
    assert response.status_code == 302
    record = QualificationCheckRecord.unscoped.latest("id")
    assert response.url == reverse("qualifications:check", args=[record.pk])
    assert record.passed is False
    page = client.get(response.url).content.decode()
    assert 'data-code="offline.cameras"' in page and "1 " in page
    history = client.get(reverse("qualifications:checks")).content.decode()
    assert reverse("qualifications:check", args=[record.pk]) in history
    assert 'data-testid="list-count"' in history
    found = client.get(reverse("qualifications:checks"), {"q": record.organisation.name[:4]})
    assert reverse("qualifications:check", args=[record.pk]) in found.content.decode()
    missed = client.get(reverse("qualifications:checks"), {"q": "不存在的单位"})
    assert reverse("qualifications:check", args=[record.pk]) not in missed.content.decode()


def test_the_office_cannot_check_for_another_citys_procurement(client, world):
    response = _as(client, world.office).post(
        reverse("qualifications:check_run", args=[world.agency.pk]),
        {"agency_type": "offline_training", "jurisdiction": world.other_city.pk, "year": "2027"},
    )
    assert response.status_code == 302
    assert QualificationCheckRecord.unscoped.count() == 1


def test_the_nav_shows_the_register_to_its_users(client, world):
    body = _as(client, world.office).get(reverse("home")).content.decode()
    assert reverse("qualifications:index") in body


# --- no N+1 ---------------------------------------------------------------------------------


def _grow(world, n):
    for i in range(n):
        CameraFactory(organisation=world.agency, resolution_lines=720 + i)
        DeviceFactory(organisation=world.agency, kind=EquipmentKind.HD_RECORDER)
        LicenceFactory(organisation=world.agency)
        OrganisationFactory(kind=OrganisationKind.EVALUATION_AGENCY, jurisdiction=world.city)
        services.qualification_check_record(
            user=world.office,
            organisation=world.agency,
            agency_type=AgencyType.OFFLINE_TRAINING,
            jurisdiction=world.city,
            year=2027,
        )


@pytest.mark.parametrize("n", [2, 12])
def test_list_pages_do_not_query_per_row(client, world, django_assert_max_num_queries, n):
    _grow(world, n)
    client = _as(client, world.office)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("qualifications:index")).status_code == 200
    with django_assert_max_num_queries(22):
        page = client.get(reverse("qualifications:register", args=[world.agency.pk]))
        assert page.status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("qualifications:checks")).status_code == 200
    _as(client, world.implementer)
    with django_assert_max_num_queries(22):
        assert (
            client.get(reverse("qualifications:register", args=[world.agency.pk])).status_code
            == 200
        )


# --- API ------------------------------------------------------------------------------------


def test_api_lists_only_the_register_in_scope(client, world):
    elsewhere = CameraFactory(
        organisation=OrganisationFactory(
            kind=OrganisationKind.OFFLINE_TRAINING_INSTITUTION, jurisdiction=world.other_city
        )
    )
    client = _as(client, world.office)
    ids = [row["id"] for row in client.get("/api/v1/qualification-equipment/").json()["results"]]
    assert world.camera.pk in ids and elsewhere.pk not in ids
    assert client.get(f"/api/v1/qualification-equipment/{elsewhere.pk}/").status_code == 404
    licences = client.get(
        "/api/v1/qualification-licences/", {"organisation": world.agency.pk}
    ).json()["results"]
    assert [row["id"] for row in licences] == [world.licence.pk]
    checks = client.get("/api/v1/qualification-checks/").json()["results"]
    assert checks[0]["id"] == world.record.pk and checks[0]["lines"][0]["code"] == "offline.cameras"
    assert client.get("/api/v1/qualification-checks/", {"organisation": "x"}).status_code == 400
    assert (
        client.get("/api/v1/qualification-equipment/", {"organisation": 2**70}).status_code == 400
    )


def test_api_gives_an_agency_its_own_rows_only(client, world):
    client = _as(client, world.other_agency_user)
    assert client.get("/api/v1/qualification-equipment/").json()["results"] == []
    assert client.get(f"/api/v1/qualification-checks/{world.record.pk}/").status_code == 404


# --- demo -----------------------------------------------------------------------------------


def test_the_demo_registers_are_seeded_once():
    # The demo's organisations and users only; the other stages' demo data is not needed.
    from apps.core.context import ActorContext, acting_as
    from demo import seed as core_demo

    with acting_as(ActorContext(username="demo-seed", via="system")):
        core_demo.reference_data_load()
        core_demo._users(core_demo._organisations())
    seed_demo_qualifications()
    counts = (Equipment.unscoped.count(), Licence.unscoped.count())
    records = {r.organisation.name: r.passed for r in QualificationCheckRecord.unscoped.all()}
    assert records == {"石家庄安培职业培训学校": True, "唐山安泰安全技术服务有限公司": False}
    seed_demo_qualifications()
    assert (Equipment.unscoped.count(), Licence.unscoped.count()) == counts
    assert QualificationCheckRecord.unscoped.count() == 2
    from apps.accounts.models import Organisation
    from apps.jurisdictions.models import Jurisdiction
    from apps.qualifications.checks import qualification_check

    sjz = Jurisdiction.objects.get(code="130100")
    for name, agency_type in (
        ("冀安在线工伤预防培训平台", AgencyType.ONLINE_PLATFORM),
        ("河北正衡评估咨询有限公司", AgencyType.EVALUATION_AGENCY),
    ):
        report = qualification_check(
            organisation=Organisation.unscoped.get(name=name),
            agency_type=agency_type,
            jurisdiction=sjz,
            year=2027,
            project_type="training",
        )
        assert report.passed, [line.evidence for line in report.lines]


def test_the_platform_keeps_its_facts_through_the_form(client):
    platform_user = UserFactory(role=Role.ONLINE_PLATFORM)
    organisation = platform_user.organisation
    client = _as(client, platform_user)
    url = reverse("qualifications:platform", args=[organisation.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "has_online_learning": "on",
            "has_system_administration": "on",
            "has_government_supervision": "on",
            "has_security_operations": "on",
            "province_contract_number": "冀协2026-01",
            "province_contract_date": "2026-09-01",
            "integrated": "on",
            "file": SimpleUploadedFile("contract.pdf", MINIMAL_PDF),
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    page = client.get(reverse("qualifications:register", args=[organisation.pk])).content.decode()
    assert "冀协2026-01" in page and 'data-testid="platform"' in page
    assert (
        client.get(reverse("qualifications:licence_add", args=[organisation.pk])).status_code == 200
    )
    assert (
        client.get(reverse("qualifications:equipment_add", args=[organisation.pk])).status_code
        == 200
    )


def test_only_a_platform_has_platform_facts(client, world):
    url = reverse("qualifications:platform", args=[world.agency.pk])
    assert _as(client, world.implementer).get(url).status_code == 404
