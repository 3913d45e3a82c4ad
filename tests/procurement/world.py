"""Two cities of one province, each with a training project in procurement, its government
users (office, hrss, si_agency), a qualified offline training institution and its user."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile

from apps.accounts.models import ComplianceDocument
from apps.accounts.roles import OrganisationKind, Role
from apps.contracts import services as contract_services
from apps.jurisdictions.services import deadline_rules_load
from apps.procurement import services
from apps.projects.models import ProjectStage
from apps.qualifications.models import Equipment, EquipmentKind
from tests.factories import (
    CityFactory,
    OrganisationFactory,
    ProjectFactory,
    ProvinceFactory,
    UserFactory,
)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# Fixed dates in 2026 (covered by the calendar data, and always in the past from now on).
PUBLISHED = datetime.date(2026, 10, 12)
NOTICE = datetime.date(2026, 11, 2)  # Monday; 5 working days → 2026-11-09
SUBMITTED = datetime.date(2026, 11, 3)  # Tuesday; the office's 5 working days → 2026-11-10
APPROVED = datetime.date(2026, 11, 5)
SIGNED = datetime.date(2026, 11, 10)
_files = iter(range(1, 10**6))


def pdf(name="doc.pdf") -> ContentFile:
    """A distinct small PDF each time (content-addressed store)."""
    return ContentFile(PDF + f"%{next(_files)}".encode(), name=name)


def qualify_offline(organisation) -> None:
    """The HB §10 (一) register: 2 conforming cameras, 2 recorders, 1 projector."""
    for n in (1, 2):
        Equipment.unscoped.create(
            organisation=organisation,
            kind=EquipmentKind.NETWORK_CAMERA,
            device_model="DS-2DE4A425",
            serial_number=f"CAM{n}",
            internet_connected=True,
            resolution_lines=1080,
            audio_capture=True,
            rotation_degrees=355,
            storage_gb=128,
        )
        Equipment.unscoped.create(
            organisation=organisation,
            kind=EquipmentKind.HD_RECORDER,
            device_model="HDR-CX680",
            serial_number=f"REC{n}",
        )
    Equipment.unscoped.create(
        organisation=organisation,
        kind=EquipmentKind.PROJECTOR,
        device_model="XGIMI",
        serial_number="PRJ1",
    )


def clear(organisation, user=None) -> None:
    for kind in ("confidentiality", "implementer_account"):
        ComplianceDocument.unscoped.create(organisation=organisation, kind=kind, status="approved")


@dataclass
class City:
    city: object
    office: object
    hrss: object
    si_agency: object
    project: object
    trainer: object
    implementer: object
    users: dict = field(default_factory=dict)


def build_city(province, code, *, qualified=True) -> City:
    city = CityFactory(parent=province, code=code, name=f"市{code}")
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=city)
    hrss = UserFactory(role=Role.HRSS, organisation__jurisdiction=city)
    si_agency = UserFactory(role=Role.SI_AGENCY, organisation__jurisdiction=city)
    project = ProjectFactory(
        jurisdiction=city, stage=ProjectStage.PROCUREMENT, budget_amount=Decimal("480000.00")
    )
    trainer = OrganisationFactory(
        kind=OrganisationKind.OFFLINE_TRAINING_INSTITUTION, jurisdiction=city
    )
    if qualified:
        qualify_offline(trainer)
    clear(trainer)
    implementer = UserFactory(role=Role.IMPLEMENTER, organisation=trainer)
    applicant = UserFactory(role=Role.APPLICANT, organisation=project.applicant)
    return City(
        city,
        office,
        hrss,
        si_agency,
        project,
        trainer,
        implementer,
        users={
            Role.OFFICE: office,
            Role.HRSS: hrss,
            Role.SI_AGENCY: si_agency,
            Role.IMPLEMENTER: implementer,
            Role.APPLICANT: applicant,
        },
    )


def build_world():
    province = ProvinceFactory()
    a = build_city(province, "139901")
    b = build_city(province, "139902")
    deadline_rules_load()
    return a, b


def draft(w: City, *, requirements=1):
    procurement = services.procurement_create(
        user=w.hrss,
        project=w.project,
        title=f"{w.project.name} 采购",
        method="public_tender",
        category="training",
        budget_amount="480000.00",
        syllabus_source="city",
        syllabus_reference="石家庄市建筑施工一线作业人员工伤预防培训大纲（2027）",
    )
    for n in range(requirements):
        item = services.requirement_add(
            user=w.hrss,
            procurement=procurement,
            name=f"一线作业人员培训 {n + 1}",
            quantity="2000",
            unit="人次",
            specification="每人线上 4 学时、线下 4 学时",
            acceptance_criterion="签到签退记录覆盖 ≥ 95% 学员；考试合格率 ≥ 90%",
        )
        services.syllabus_line_add(
            user=w.hrss,
            requirement=item,
            trainee_type="一线作业人员",
            content="高处坠落、物体打击防护",
            online_hours=Decimal("4"),
            offline_hours=Decimal("4"),
        )
    services.procurement_document_add(
        user=w.hrss,
        procurement=procurement,
        kind="tender_documents",
        uploaded_file=pdf("tender.pdf"),
    )
    return procurement


def published(w: City):
    procurement = draft(w)
    services.procurement_publish(user=w.hrss, procurement=procurement, published_on=PUBLISHED)
    procurement.refresh_from_db()
    return procurement


def awarded(w: City, *, amount="468000.00", notice_date=NOTICE):
    procurement = published(w)
    award = services.procurement_award(
        user=w.hrss,
        procurement=procurement,
        winner=w.trainer,
        amount=amount,
        notice_date=notice_date,
        notice_file=pdf("notice.pdf"),
    )
    return procurement, award


def approved(w: City, *, reviewed_on=APPROVED, **kwargs):
    procurement, award = awarded(w, **kwargs)
    plan = services.plan_submit(
        user=w.implementer, award=award, uploaded_file=pdf("plan.pdf"), submitted_on=SUBMITTED
    )
    services.plan_review(user=w.office, plan=plan, approve=True, reviewed_on=reviewed_on)
    return procurement, award


def contracted(w: City, *, amount="468000.00", signed_on=SIGNED):
    procurement, award = approved(w)
    agreement = contract_services.agreement_record(
        user=w.si_agency,
        award=award,
        amount=amount,
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
        signed_on=signed_on,
        uploaded_file=pdf("agreement.pdf"),
        number="SJZ-GS-2027-001",
    )
    return procurement, award, agreement
