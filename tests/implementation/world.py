"""Two cities, each with a training and a promotion project being implemented by one agency,
an evaluation agency, the office, member unit and HRSS department; the deadline rules loaded;
procured promotion quantities; helpers for agreements, sessions and files."""

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.roles import Role
from apps.contracts.models import ServiceAgreement
from apps.evidence.services import evidence_upload
from apps.jurisdictions.services import deadline_rules_load
from apps.procurement.models import (
    Award,
    MediaPlacement,
    Procurement,
    PromotionActivity,
    RequirementItem,
)
from apps.projects.models import ParticipantRole, ProjectStage
from apps.training import services as training
from tests.deadlines.factories import HolidayScheduleFactory
from tests.evidence.factories import pdf_bytes, png_bytes
from tests.factories import (
    CityFactory,
    OrganisationFactory,
    ParticipantFactory,
    ProjectFactory,
    ProvinceFactory,
    UserFactory,
)
from tests.scoping_world import clear_documents

UTC = datetime.UTC
_n = itertools.count(1)


def pdf(name="doc.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def png(name="photo.png"):
    return SimpleUploadedFile(
        name, png_bytes(color=(next(_n) % 255, 40, 40)), content_type="image/png"
    )


@dataclass
class City:
    city: object
    office: object
    member: object
    hrss: object
    agency: object
    evaluator: object
    project: object
    promo: object
    activity: object
    placement: object


def _external(role, kind, city):
    user = UserFactory(role=role, organisation=OrganisationFactory(kind=kind, jurisdiction=city))
    clear_documents(user)
    return user


def build_city(city) -> City:
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=city)
    member = UserFactory(role=Role.MEMBER_UNIT, organisation__jurisdiction=city)
    hrss = UserFactory(role=Role.HRSS, organisation__jurisdiction=city)
    agency = _external(Role.IMPLEMENTER, "implementing_agency", city)
    evaluator = _external(Role.EVALUATOR, "evaluation_agency", city)
    project = ProjectFactory(
        jurisdiction=city, stage=ProjectStage.IMPLEMENTATION, project_type="training", year=2027
    )
    promo = ProjectFactory(
        jurisdiction=city, stage=ProjectStage.IMPLEMENTATION, project_type="promotion", year=2027
    )
    for p in (project, promo):
        ParticipantFactory(
            project=p, role=ParticipantRole.IMPLEMENTER, organisation=agency.organisation
        )
        ParticipantFactory(
            project=p, role=ParticipantRole.EVALUATION_AGENCY, organisation=evaluator.organisation
        )
    procurement = Procurement.unscoped.create(
        jurisdiction=city,
        year=2027,
        project=promo,
        title="宣传项目采购",
        method="public_tender",
        category="promotion",
        procuring_authority=hrss.organisation,
        created_by=hrss,
    )
    onsite = RequirementItem.objects.create(
        procurement=procurement,
        number=1,
        name="现场宣传",
        quantity=Decimal("2"),
        unit="份",
        acceptance_criterion="场次和发放数量达标",
    )
    activity = PromotionActivity.objects.create(
        requirement=onsite,
        content="工伤预防咨询",
        form="咨询活动",
        sessions=2,
        item_name="宣传手册",
        item_quantity=500,
        item_specification="A5 32页",
    )
    media = RequirementItem.objects.create(
        procurement=procurement,
        number=2,
        name="电视公益广告",
        quantity=Decimal("90"),
        unit="次",
        acceptance_criterion="播出次数达标",
    )
    placement = MediaPlacement.objects.create(
        requirement=media,
        content="工伤预防公益广告",
        technical_specs="1080p 25fps",
        media="河北电视台",
        duration="30秒",
        time_slot="19:00-20:00",
        frequency="每天3次，共30天",
        expected_effect="覆盖全市",
    )
    return City(city, office, member, hrss, agency, evaluator, project, promo, activity, placement)


def build_world():
    province = ProvinceFactory()
    a_city = CityFactory(parent=province, code="139901", name="甲市")
    b_city = CityFactory(parent=province, code="139902", name="乙市")
    deadline_rules_load()
    HolidayScheduleFactory()  # the test fixture's 2027 (months' due dates roll over holidays)
    return build_city(a_city), build_city(b_city)


def agreement_for(w: City, project, *, starts_on, ends_on, amount=Decimal("300000.00")):
    document = evidence_upload(
        uploaded_by=w.office,
        uploaded_file=pdf("notice.pdf"),
        purpose="procurement_document",
        title="中标通知书",
        jurisdiction=project.jurisdiction,
        project=project,
    ).evidence_file
    procurement = Procurement.unscoped.create(
        jurisdiction=project.jurisdiction,
        year=project.year,
        project=project,
        title=f"{project.name} 采购",
        method="public_tender",
        category="training",
        procuring_authority=w.hrss.organisation,
        created_by=w.hrss,
    )
    award = Award.unscoped.create(
        procurement=procurement,
        jurisdiction=project.jurisdiction,
        project=project,
        winner=w.agency.organisation,
        amount=amount,
        notice_date=starts_on,
        notice_document=document,
        awarded_by=w.hrss,
    )
    return ServiceAgreement.unscoped.create(
        award=award,
        jurisdiction=project.jurisdiction,
        project=project,
        amount=amount,
        starts_on=starts_on,
        ends_on=ends_on,
        signed_on=starts_on,
        party_a=w.office.organisation,
        party_b=w.agency.organisation,
        document=document,
        recorded_by=w.office,
    )


def session_at(w: City, start: datetime.datetime, training_class=None):
    training_class = training_class or training.training_class_create(
        user=w.agency, project=w.project, name=f"第{next(_n)}期"
    )
    return training.session_create(
        user=w.agency,
        training_class=training_class,
        title="第1课",
        teacher="王老师",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        venue_address="长安区中山东路1号",
        latitude=Decimal("38.0423"),
        longitude=Decimal("114.5143"),
        coordinate_system="gcj02",
        radius_m=200,
    )
