"""Demo registers: 石家庄安培 (offline training) qualifies, 唐山安泰 has one 720p camera and
fails, 冀安在线 (online platform) and 河北正衡 (evaluation agency) qualify. Idempotent."""

import datetime

from django.core.files.base import ContentFile
from django.db import transaction

from apps.accounts.models import ApiClient, Organisation, User
from apps.core.context import ActorContext, acting_as
from apps.jurisdictions.models import Jurisdiction
from apps.qualifications.models import (
    AgencyType,
    Equipment,
    EquipmentKind,
    Licence,
    LicenceKind,
    PlatformProfile,
    QualificationCheckRecord,
    ScopeCategory,
)
from apps.qualifications.services import qualification_check_record

SJZ_TRAINER = "石家庄安培职业培训学校"
TS_TRAINER = "唐山安泰安全技术服务有限公司"
ONLINE = "冀安在线工伤预防培训平台"
EVALUATOR = "河北正衡评估咨询有限公司"

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

CAMERA = {"internet_connected": True, "audio_capture": True, "rotation_degrees": 355}
# organisation name -> devices (kind, model, serial, extra fields)
EQUIPMENT = {
    SJZ_TRAINER: [
        (EquipmentKind.NETWORK_CAMERA, "海康威视 DS-2DE4425IW", "AP-CAM-001",
         {**CAMERA, "resolution_lines": 1440, "storage_gb": 256}),
        (EquipmentKind.NETWORK_CAMERA, "海康威视 DS-2DE4425IW", "AP-CAM-002",
         {**CAMERA, "resolution_lines": 1440, "storage_gb": 256}),
        (EquipmentKind.NETWORK_CAMERA, "大华 DH-SD49225", "AP-CAM-003",
         {**CAMERA, "resolution_lines": 1080, "storage_gb": 128}),
        (EquipmentKind.HD_RECORDER, "索尼 FDR-AX45A", "AP-REC-001", {}),
        (EquipmentKind.HD_RECORDER, "索尼 FDR-AX45A", "AP-REC-002", {}),
        (EquipmentKind.PROJECTOR, "爱普生 CB-FH52", "AP-PRJ-001", {}),
    ],
    TS_TRAINER: [
        (EquipmentKind.NETWORK_CAMERA, "萤石 C6CN", "AT-CAM-001",
         {**CAMERA, "resolution_lines": 720, "storage_gb": 64}),
        (EquipmentKind.HD_RECORDER, "佳能 HF G70", "AT-REC-001", {}),
        (EquipmentKind.HD_RECORDER, "佳能 HF G70", "AT-REC-002", {}),
        (EquipmentKind.PROJECTOR, "明基 TH671ST", "AT-PRJ-001", {}),
    ],
    EVALUATOR: [
        (EquipmentKind.GEO_CAPTURE, "集思宝 G970", "ZH-GEO-001",
         {"records_time_place_coordinates": True}),
        (EquipmentKind.GEO_CAPTURE, "华测 LT700", "ZH-GEO-002",
         {"records_time_place_coordinates": True, "internet_connected": True}),
    ],
}  # fmt: skip

LICENCES = {
    SJZ_TRAINER: (
        LicenceKind.SCHOOL_LICENCE,
        "教民113010070000123号",
        "职业技能培训（安全生产、职业卫生）",
        [ScopeCategory.EDUCATION_TRAINING],
    ),
    EVALUATOR: (
        LicenceKind.BUSINESS_LICENCE,
        "91130000MA0DEMO001",
        "企业管理咨询；社会经济咨询服务；市场调查（不含涉外调查）；项目评估服务",
        [ScopeCategory.CONSULTING, ScopeCategory.EVALUATION],
    ),
    ONLINE: (
        LicenceKind.BUSINESS_LICENCE,
        "91130000MA0DEMO002",
        "互联网信息服务；在线教育培训平台技术服务",
        [ScopeCategory.EDUCATION_TRAINING],
    ),
}


def _pdf(name: str) -> ContentFile:
    return ContentFile(MINIMAL_PDF + name.encode(), name=f"{name}.pdf")


def _upload(*, uploader, organisation, name: str, title: str):
    from apps.evidence.services import evidence_upload

    return evidence_upload(
        uploaded_by=uploader,
        uploaded_file=_pdf(name),
        purpose="general",
        title=f"{organisation.name} · {title}"[:200],
        jurisdiction=organisation.jurisdiction,
        organisation=organisation,
    ).evidence_file


def _equipment(organisation, uploader) -> None:
    for kind, device_model, serial, extra in EQUIPMENT.get(organisation.name, []):
        if Equipment.unscoped.filter(
            organisation=organisation, kind=kind, serial_number=serial
        ).exists():
            continue
        device = Equipment(
            organisation=organisation,
            kind=kind,
            device_model=device_model,
            serial_number=serial,
            **extra,
        )
        device.full_clean(exclude=["evidence"])
        device.evidence = _upload(
            uploader=uploader, organisation=organisation, name=serial, title=f"购置发票 {serial}"
        )
        device.save()


def _licence(organisation, uploader) -> None:
    entry = LICENCES.get(organisation.name)
    if entry is None:
        return
    kind, number, scope, categories = entry
    if Licence.unscoped.filter(organisation=organisation, kind=kind, number=number).exists():
        return
    licence = Licence(
        organisation=organisation,
        kind=kind,
        number=number,
        business_scope=scope,
        scope_categories=[str(c) for c in categories],
        valid_from=datetime.date(2020, 3, 1),
        valid_until=None,
    )
    licence.full_clean(exclude=["evidence"])
    licence.evidence = _upload(
        uploader=uploader, organisation=organisation, name=number, title=f"证照 {number}"
    )
    licence.save()


def _platform(organisation, uploader, platform_user, province_admin) -> None:
    if not PlatformProfile.unscoped.filter(organisation=organisation).exists():
        profile = PlatformProfile(
            organisation=organisation,
            has_online_learning=True,
            has_system_administration=True,
            has_government_supervision=True,
            has_security_operations=True,
            province_contract_number="冀人社工伤协〔2026〕07号",
            province_contract_date=datetime.date(2026, 9, 15),
            integrated=True,
        )
        profile.full_clean(exclude=["province_contract_evidence"])
        profile.province_contract_evidence = _upload(
            uploader=uploader,
            organisation=organisation,
            name="province-contract",
            title="与省级签订的合作协议",
        )
        profile.save()
    if (
        platform_user is not None
        and province_admin is not None
        and not ApiClient.objects.filter(service_user=platform_user).exists()
    ):
        from apps.accounts.services import api_client_create

        api_client_create(
            admin=province_admin, name="冀安在线 数据对接接口", service_user=platform_user
        )


def _user(username: str) -> User | None:
    return User.unscoped.filter(username=username).first()


def _demo_checks() -> None:
    """One recorded check that passes (石家庄) and one that fails (唐山)."""
    for office, organisation_name, code in (
        ("sjz_office", SJZ_TRAINER, "130100"),
        ("ts_office", TS_TRAINER, "130200"),
    ):
        user = _user(office)
        organisation = Organisation.unscoped.filter(name=organisation_name).first()
        if user is None or organisation is None:
            continue
        if QualificationCheckRecord.unscoped.filter(organisation=organisation).exists():
            continue
        qualification_check_record(
            user=user,
            organisation=organisation,
            agency_type=AgencyType.OFFLINE_TRAINING,
            jurisdiction=Jurisdiction.objects.get(code=code),
            year=2027,
            project_type="training",
        )


@transaction.atomic
def seed_demo_qualifications() -> None:
    with acting_as(ActorContext(username="demo-seed", via="system")):
        uploader = _user("prov_office")
        if uploader is None:
            return
        for name in (SJZ_TRAINER, TS_TRAINER, ONLINE, EVALUATOR):
            organisation = Organisation.unscoped.filter(name=name).first()
            if organisation is None:
                continue
            _equipment(organisation, uploader)
            _licence(organisation, uploader)
            if name == ONLINE:
                _platform(organisation, uploader, _user("online_platform"), _user("prov_admin"))
        _demo_checks()
