"""A project being implemented in city A (its agency, evaluator, office) and one in city B,
with a procured syllabus line; photo makers for the stub and the real face model."""

import datetime
import io
import json
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from PIL import Image

from apps.accounts.roles import Role
from apps.core.validators import make_resident_id
from apps.procurement.models import Procurement, RequirementItem, SyllabusLine
from apps.projects.models import ParticipantRole, ProjectStage
from apps.training import services
from apps.training.models import FaceImpactAssessment
from tests.factories import (
    CityFactory,
    OrganisationFactory,
    ParticipantFactory,
    ProjectFactory,
    ProvinceFactory,
    UserFactory,
    unique_credit_code,
)
from tests.scoping_world import clear_documents

FACES = Path(__file__).parent / "faces"
STUB = "tests.training.stub.StubVerifier"
# 石家庄 venue, surveyed in GCJ-02 (as a phone in WeChat reports it)
VENUE = (Decimal("38.042300"), Decimal("114.514300"))
START = datetime.datetime(2027, 5, 10, 9, 0, tzinfo=datetime.UTC)


@dataclass
class City:
    city: object
    project: object
    office: object
    agency: object
    evaluator: object
    training_class: object
    session: object


def syllabus_line_for(project, hrss) -> SyllabusLine:
    procurement = Procurement.unscoped.create(
        jurisdiction=project.jurisdiction,
        year=project.year,
        project=project,
        title=f"{project.name} 采购",
        method="public_tender",
        category="training",
        procuring_authority=hrss.organisation,
        created_by=hrss,
    )
    item = RequirementItem.objects.create(
        procurement=procurement,
        number=1,
        name="线下培训",
        quantity=Decimal("100"),
        unit="人",
        acceptance_criterion="每人线下学时达标",
    )
    return SyllabusLine.objects.create(
        requirement=item,
        trainee_type="一线作业人员",
        content="安全生产法规",
        online_hours=Decimal("0"),
        offline_hours=Decimal("4"),
    )


def build_city(province, code) -> City:
    city = CityFactory(parent=province, code=code, name=f"市{code}")
    office = UserFactory(role=Role.OFFICE, organisation__jurisdiction=city)
    hrss = UserFactory(role=Role.HRSS, organisation__jurisdiction=city)
    project = ProjectFactory(jurisdiction=city, stage=ProjectStage.IMPLEMENTATION)
    agency = UserFactory(
        role=Role.IMPLEMENTER,
        organisation=OrganisationFactory(kind="implementing_agency", jurisdiction=city),
    )
    ParticipantFactory(
        project=project, role=ParticipantRole.IMPLEMENTER, organisation=agency.organisation
    )
    clear_documents(agency)
    evaluator = UserFactory(
        role=Role.EVALUATOR,
        organisation=OrganisationFactory(kind="evaluation_agency", jurisdiction=city),
    )
    ParticipantFactory(
        project=project,
        role=ParticipantRole.EVALUATION_AGENCY,
        organisation=evaluator.organisation,
    )
    clear_documents(evaluator)
    line = syllabus_line_for(project, hrss)
    training_class = services.training_class_create(
        user=agency, project=project, name="一线作业人员第1期", syllabus_line=line
    )
    session = services.session_create(
        user=agency,
        training_class=training_class,
        title="第1课 安全生产法规",
        teacher="王老师",
        starts_at=START,
        ends_at=START + datetime.timedelta(hours=3),
        venue_address="石家庄市长安区中山东路1号",
        latitude=VENUE[0],
        longitude=VENUE[1],
        coordinate_system="gcj02",
        radius_m=200,
    )
    FaceImpactAssessment.unscoped.create(
        project=project,
        purpose="签到签退人脸核验",
        necessity="防止代签",
        risks="人脸信息泄露",
        measures="加密存储，到期删除",
        alternative="工作人员确认并经办公室审核",
        assessed_on=datetime.date(2027, 4, 1),
        recorded_by=agency,
    )
    return City(city, project, office, agency, evaluator, training_class, session)


def build_world():
    province = ProvinceFactory()
    return build_city(province, "139901"), build_city(province, "139902")


_seq = iter(range(1, 999))


def trainee_for(world: City, *, name="张三", resident_id=None, training_class=None, **extra):
    from apps.core.crypto import blind_index
    from apps.training.models import Trainee

    resident_id = resident_id or make_resident_id(
        "130102", datetime.date(1990, 1, 1), 2 * next(_seq) + 1
    )
    return Trainee.unscoped.create(
        project=world.project,
        training_class=training_class or world.training_class,
        name=name,
        resident_id=resident_id,
        resident_id_index=blind_index(resident_id),
        sex="M" if int(resident_id[16]) % 2 else "F",
        birth_date=datetime.date(
            int(resident_id[6:10]), int(resident_id[10:12]), int(resident_id[12:14])
        ),
        employer_name="石家庄城建集团",
        employer_credit_code=unique_credit_code(),
        year=world.project.year,
        **extra,
    )


def photo(person: int, shot: int = 0) -> bytes:
    """A generated JPEG: its mean colour is the person (what the stub verifier reads), its
    pattern the shot (so that two shots have different perceptual hashes)."""
    base = [(200, 60, 60), (60, 200, 60), (60, 60, 200), (200, 200, 60)][person]
    rng = random.Random(person * 1000 + shot)
    image = Image.new("RGB", (64, 64), base)
    pixels = image.load()
    for bx in range(8):
        for by in range(8):
            delta = rng.choice((-50, 50))
            for x in range(bx * 8, bx * 8 + 8):
                for y in range(by * 8, by * 8 + 8):
                    pixels[x, y] = tuple(max(0, min(255, c + delta)) for c in base)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


def real_face(name: str) -> bytes:
    return (FACES / name).read_bytes()


def enrolled(world: City, trainee, content: bytes):
    services.face_consent_record(user=world.agency, trainee=trainee)
    return services.face_enrol(user=world.agency, trainee=trainee, content=content)


def at(monkeypatch, when):
    monkeypatch.setattr(services, "clock", lambda: when)


def template_vector(trainee):
    return json.loads(trainee.face_template.vector)


def now():
    return timezone.now()
