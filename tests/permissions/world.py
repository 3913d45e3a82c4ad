"""The world of the generic permission matrix: one province, two of its cities (甲市 = A,
乙市 = B), each with the whole chain of objects a route can point at.

Every city has: a call taken through screening (reviews, a similarity pair), an expert review
(assignments, submitted sheets, results), the determination (meeting, approval, filing: the
projects), an adjustment of the province's published arrangement, a procurement of one of its
projects (requirement, award, approved plan, agreement, advance payment, deadlines), the
winner's qualification register and check, evidence, an open call with a draft application,
compliance documents, an API client, notifications, an organisation event and an audit entry.

Users: one per role bound to the city the way that role is bound in real life (government by
region, external by taking part in the city's project), plus for each external role a
*stranger*: a cleared organisation of the same kind in the same city that takes part in
nothing. Province-level government users complete the world.

Everything scoped that belongs to a city carries its marker in a name or title (甲市MARK /
乙市MARK), so a list that leaks another city's (or organisation's) rows is caught by a
string search. Calls and the province's arrangement are public by design and carry none.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from apps.accounts import services as account_services
from apps.accounts.models import ComplianceDocument
from apps.accounts.roles import (
    EXTERNAL_ROLES,
    GOVERNMENT_ROLES,
    ROLE_SPECS,
    OrganisationKind,
    Role,
)
from apps.applications.models import Application
from apps.audit.services import audit_record
from apps.calls.services import call_close
from apps.contracts import services as contract_services
from apps.deadlines.models import Deadline, Notification
from apps.determination import services as determination_services
from apps.determination.models import ArrangementEntry, FiledProject
from apps.evidence.services import evidence_upload
from apps.jurisdictions.services import deadline_rules_load
from apps.procurement.models import ImplementationPlan, RequirementItem
from apps.projects.models import ParticipantRole, ProjectParticipant
from apps.qualifications.models import Equipment, Licence, QualificationCheckRecord
from apps.review import services as review_services
from apps.review.models import ExpertAssignment, ExpertProfile, ReviewResult
from apps.screening.models import PreliminaryReview, SimilarityPair
from tests.applications.builders import draft_application, submitted_application
from tests.calls.factories import CallFactory
from tests.determination import builders as determination_builders
from tests.factories import (
    CityFactory,
    ComplianceDocumentFactory,
    OrganisationFactory,
    ProvinceFactory,
    UserFactory,
    unique_credit_code,
)
from tests.procurement import world as procurement_world
from tests.review.factories import RUBRIC, screen, sheet

MARKS = {"A": "甲市MARK", "B": "乙市MARK"}
CITY_CODES = {"A": "139901", "B": "139902"}
ROLE_KIND = {
    Role.IMPLEMENTER: OrganisationKind.OFFLINE_TRAINING_INSTITUTION,
    Role.ONLINE_PLATFORM: OrganisationKind.ONLINE_TRAINING_PLATFORM,
    Role.EVALUATOR: OrganisationKind.EVALUATION_AGENCY,
    Role.EXPERT: OrganisationKind.EXPERT_POOL,
    Role.AUDITOR: OrganisationKind.AUDIT_FIRM,
    Role.APPLICANT: OrganisationKind.APPLICANT_ENTERPRISE,
}


def government_kind(role) -> str:
    """The organisation kind of a government role (roles.py: each has exactly one)."""
    return min(ROLE_SPECS[role].organisation_kinds)


PDF = procurement_world.PDF


def pdf(name="doc.pdf") -> ContentFile:
    return procurement_world.pdf(name)


def clear(organisation, person=None) -> None:
    """Every document HB §12, §18, §25 ask of an organisation (and of one of its people)."""
    for kind in ("confidentiality", "implementer_account"):
        ComplianceDocument._default_manager.get_or_create(
            organisation=organisation, person=None, kind=kind, defaults={"status": "approved"}
        )
    if person is not None:
        for kind in ("evaluator_account", "evaluator_commitment"):
            ComplianceDocument._default_manager.create(
                organisation=organisation, person=person, kind=kind, status="approved"
            )


@dataclass
class City:
    key: str
    mark: str
    jurisdiction: object
    users: dict = field(default_factory=dict)  # role → user bound to this city
    strangers: dict = field(default_factory=dict)  # external role → user bound to nothing
    objects: dict = field(default_factory=dict)  # name → model instance
    _secrets: list | None = None

    def secrets(self) -> list[str]:
        """What a list shown to another city (or organisation) must not contain: the marker,
        and the numbers of the city's projects and applications (some lists show only those)."""
        from apps.applications.models import Application
        from apps.projects.models import Project

        if self._secrets is not None:
            return self._secrets
        j = self.jurisdiction
        self._secrets = [
            self.mark,
            *Project._default_manager.filter(jurisdiction=j).values_list("code", flat=True),
            *Application._default_manager.filter(call__jurisdiction=j).values_list(
                "number", flat=True
            ),
        ]
        return self._secrets


@dataclass
class World:
    province: object
    a: City
    b: City
    province_users: dict

    def city(self, key: str) -> City:
        return self.a if key == "A" else self.b


def _government(city: City) -> None:
    j = city.jurisdiction
    for role in sorted(GOVERNMENT_ROLES):
        organisation = OrganisationFactory(
            kind=government_kind(role),
            jurisdiction=j,
            name=f"{j.name}{Role(role).label}",
        )
        city.users[role] = UserFactory(
            role=role, organisation=organisation, full_name=f"{city.mark}{role}"
        )


def _external_org(city: City, role, *, stranger=False):
    kind = ROLE_KIND[role]
    name = f"{city.jurisdiction.name}陌生{role}" if stranger else f"{city.mark}{role}单位"
    jurisdiction = city.jurisdiction.root if role == Role.EXPERT else city.jurisdiction
    return OrganisationFactory(kind=kind, jurisdiction=jurisdiction, name=name)


def _expert(city: City, *, name: str):
    organisation = OrganisationFactory(
        kind=OrganisationKind.EXPERT_POOL,
        jurisdiction=city.jurisdiction.root,
        name=f"{city.key}专家单位{name}",
    )
    ComplianceDocumentFactory(organisation=organisation)
    user = UserFactory(role=Role.EXPERT, organisation=organisation, full_name=name)
    ExpertProfile._default_manager.create(
        user=user, pool=city.jurisdiction.root, specialities="安全工程"
    )
    return user


def _review_chain(city: City) -> None:
    """The call through screening, expert review and determination to filed projects."""
    o, u = city.objects, city.users
    j = city.jurisdiction
    call = CallFactory(jurisdiction=j, rubric_code=RUBRIC, title=f"{j.name}2027年度通知")
    o["call"] = call
    applicant_org = _external_org(city, Role.APPLICANT)
    applicant = UserFactory(role=Role.APPLICANT, organisation=applicant_org, full_name=city.mark)
    u[Role.APPLICANT] = applicant
    amounts = [Decimal("480000.00"), Decimal("450000.00"), Decimal("420000.00")]
    for n, amount in enumerate(amounts):
        user = applicant if n == 0 else None
        if user is None:
            organisation = OrganisationFactory(jurisdiction=j, name=f"{city.mark}申报单位{n}")
            user = UserFactory(role=Role.APPLICANT, organisation=organisation)
        tables = determination_builders.money_tables(
            amount, datetime.date(2027, 3, 1), datetime.date(2027, 11, 30)
        )
        tables["fields"]["service_scope"] = f"{city.mark}建筑施工企业"
        application, _user = submitted_application(call, user, **tables)
        Application._default_manager.filter(pk=application.pk).update(
            project_name=f"{city.mark}工伤预防培训{n}"
        )
        o.setdefault("applications", []).append(application)
    o["application"] = o["applications"][0]
    call_close(user=u[Role.OFFICE], call=call)
    screen(call, u[Role.OFFICE])
    o["preliminary_review"] = PreliminaryReview._default_manager.get(application=o["application"])
    o["similarity_pair"] = SimilarityPair._default_manager.filter(call=call).first()
    # Expert review: three experts of the province's pool, retired afterwards so that the other
    # city's round gets its own.
    # The pool is the province's: its names carry no city's marker.
    experts = [_expert(city, name=f"{city.key}专家{n}") for n in range(3)]
    u[Role.EXPERT] = experts[0]
    review_round = review_services.review_round_open(
        user=u[Role.OFFICE], call=call, experts_per_application=3
    )
    review_services.experts_assign(user=u[Role.OFFICE], review_round=review_round)
    for assignment in ExpertAssignment._default_manager.filter(round=review_round):
        review_services.score_sheet_save(
            expert=assignment.expert,
            assignment=assignment,
            scores=sheet(),
            bonus={},
            vetoes={},
            submit=True,
        )
    review_services.review_round_close(user=u[Role.OFFICE], review_round=review_round)
    ExpertProfile._default_manager.filter(user__in=experts).update(is_active=False)
    o["review_round"] = review_round
    o["assignment"] = ExpertAssignment._default_manager.filter(
        round=review_round, expert=experts[0]
    ).first()
    o["review_result"] = (
        ReviewResult._default_manager.filter(round=review_round).order_by("rank").first()
    )
    # Determination through filing.
    member_user = u[Role.MEMBER_UNIT]
    det_city = determination_builders.City(
        j, call, u[Role.OFFICE], u[Role.HRSS], member_user.organisation, member_user
    )
    o["determination"] = determination_builders.run_to(det_city, "filed")
    filed = FiledProject._default_manager.filter(determination=o["determination"]).order_by("pk")
    o["filed_project"] = filed.first()
    o["project"] = o["filed_project"].project
    o["project2"] = filed[1].project  # arranged, not procured yet


def _participants(city: City) -> None:
    """External roles bound to the city's project, and strangers of the same kinds."""
    o, u = city.objects, city.users
    project = o["project"]
    for role, participant_role in (
        (Role.ONLINE_PLATFORM, ParticipantRole.ONLINE_PLATFORM),
        (Role.EVALUATOR, ParticipantRole.EVALUATION_AGENCY),
    ):
        organisation = _external_org(city, role)
        user = UserFactory(role=role, organisation=organisation, full_name=f"{city.mark}{role}")
        clear(organisation, user)
        ProjectParticipant._default_manager.create(
            project=project, role=participant_role, organisation=organisation
        )
        u[role] = user
    auditor_org = _external_org(city, Role.AUDITOR)
    u[Role.AUDITOR] = UserFactory(
        role=Role.AUDITOR, organisation=auditor_org, full_name=f"{city.mark}auditor"
    )
    clear(auditor_org)
    for role in (Role.AUDITOR, Role.EXPERT):
        ProjectParticipant._default_manager.create(
            project=project, role=role, organisation=None, person=u[role]
        )
    for role in sorted(EXTERNAL_ROLES):
        organisation = _external_org(city, role, stranger=True)
        user = UserFactory(role=role, organisation=organisation, full_name=f"陌生{role}")
        clear(organisation, user)
        if role == Role.EXPERT:
            ExpertProfile._default_manager.create(
                user=user, pool=city.jurisdiction.root, specialities="安全工程", is_active=False
            )
        city.strangers[role] = user


def _procurement_chain(city: City) -> None:
    o, u = city.objects, city.users
    for name in ("project", "project2"):
        o[name].refresh_from_db()  # arranged since it was read
    trainer = _external_org(city, Role.IMPLEMENTER)
    procurement_world.qualify_offline(trainer)
    implementer = UserFactory(
        role=Role.IMPLEMENTER, organisation=trainer, full_name=f"{city.mark}implementer"
    )
    clear(trainer)
    u[Role.IMPLEMENTER] = implementer
    w = procurement_world.City(
        city.jurisdiction,
        u[Role.OFFICE],
        u[Role.HRSS],
        u[Role.SI_AGENCY],
        o["project"],
        trainer,
        implementer,
    )
    procurement, award, agreement = procurement_world.contracted(w)
    procurement.title = f"{city.mark}培训服务采购"
    procurement.save(update_fields=["title"])
    o["procurement"] = procurement
    o["award"] = award
    o["agreement"] = agreement
    o["plan"] = ImplementationPlan._default_manager.filter(award=award).first()
    o["requirement"] = RequirementItem._default_manager.filter(procurement=procurement).first()
    o["payment"] = contract_services.payment_record(
        user=u[Role.SI_AGENCY],
        agreement=agreement,
        kind="advance",
        amount=agreement.amount / 2,
        paid_on=datetime.date(2026, 11, 12),
        uploaded_file=pdf(),
    )
    o["deadline"] = Deadline._default_manager.filter(project=o["project"]).order_by("pk").first()
    o["trainer"] = trainer
    o["equipment"] = Equipment._default_manager.filter(organisation=trainer).first()
    Equipment._default_manager.filter(pk=o["equipment"].pk).update(
        device_model=f"{city.mark}摄像机"
    )
    o["licence"] = Licence._default_manager.create(
        organisation=trainer,
        kind="business_licence",
        number=f"{city.mark}LIC",
        business_scope="职业技能培训",
        scope_categories=["education_training"],
        valid_from=datetime.date(2020, 1, 1),
    )
    o["qualification_check"] = QualificationCheckRecord._default_manager.filter(
        organisation=trainer
    ).first()
    o["platform_org"] = u[Role.ONLINE_PLATFORM].organisation


def _paperwork(city: City) -> None:
    """Evidence, documents awaiting review, an API client, notifications, events, audit."""
    o, u = city.objects, city.users
    office = u[Role.OFFICE]
    o["evidence"] = evidence_upload(
        uploaded_by=office,
        uploaded_file=ContentFile(PDF + city.mark.encode(), name="plan.pdf"),
        purpose="general",
        title=f"{city.mark}实施方案",
        jurisdiction=city.jurisdiction,
        project=o["project"],
    ).evidence_file
    o["compliance_document"] = account_services.compliance_document_submit(
        submitted_by=u[Role.EVALUATOR],
        organisation=u[Role.EVALUATOR].organisation,
        kind="confidentiality",
        uploaded_file=pdf(),
    )
    o["api_client"], _key = account_services.api_client_create(
        admin=u[Role.USER_ADMIN], name=f"{city.mark}接口", service_user=office
    )
    # --- imports (Excel imports, issue 17 item 6) ---
    o["import_batch"] = _import_batch(u[Role.USER_ADMIN], city)
    o["notification"] = Notification._default_manager.create(
        recipient=office, message=f"{city.mark}提醒", deadline=None
    )
    for role, user in u.items():
        if role != Role.OFFICE:
            Notification._default_manager.create(recipient=user, message=f"{city.mark}提醒{role}")
    o["organisation_event"] = review_services.organisation_event_record(
        user=office,
        organisation=u[Role.APPLICANT].organisation,
        kind="failed_acceptance",
        occurred_on=timezone.localdate() - datetime.timedelta(days=400),
        description=f"{city.mark}未通过验收",
        evidence_upload=pdf(),
        entry_reason="平台上线前的记录",
    )
    o["audit_entry"] = audit_record(
        action="update",
        object_type="test.Marker",
        jurisdiction_path=city.jurisdiction.path,
        project_id=o["project"].pk,
        object_repr=f"{city.mark}审计",
    )
    from apps.findings.services import finding_raise

    o["finding"] = finding_raise(
        rule_code="permission_matrix",
        citation="HB §11",
        severity="minor",
        subject=o["deadline"],
        message=f"{city.mark}发现",
        owner_role=Role.IMPLEMENTER,
        owner_organisation=o["trainer"],
    )
    # An open call with the bound applicant's draft.
    o["open_call"] = CallFactory(
        jurisdiction=city.jurisdiction, title=f"{city.jurisdiction.name}2028年度通知", year=2028
    )
    o["draft_application"], _user = draft_application(o["open_call"], u[Role.APPLICANT])
    Application._default_manager.filter(pk=o["draft_application"].pk).update(
        project_name=f"{city.mark}草稿"
    )


# --- rectification orders (apps.rectification; owned by the rectification helper) ----------


def _rectification_chain(city: City) -> None:
    """An order on the project being implemented, raised by the city's evaluation agency and
    awaiting the implementing agency's remedy (its day a month ahead)."""
    from apps.rectification.services import order_issue

    o, u = city.objects, city.users
    o["rectification_order"] = order_issue(
        user=u[Role.EVALUATOR],
        project=o["training_project"],
        problem=f"{city.mark}签到表缺少学员签名",
        requirement="补齐签到记录",
        clause="服务协议第五条",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )


# --- end of the rectification block -------------------------------------------------------


def _training_chain(city: City) -> None:
    """A project being implemented by the city's agency: a class, a session, a trainee with
    face consent and an enrolment photo, a roster import awaiting confirmation and a staff
    confirmation awaiting the office."""
    import types

    from apps.projects.models import ProjectStage
    from apps.training import services as training
    from apps.training.models import FaceImage, FaceImpactAssessment
    from tests.factories import ProjectFactory
    from tests.training import world as training_world
    from tests.training.test_services import row, workbook

    o, u = city.objects, city.users
    project = ProjectFactory(
        jurisdiction=city.jurisdiction,
        stage=ProjectStage.IMPLEMENTATION,
        name=f"{city.mark}实施中项目",
        applicant=u[Role.APPLICANT].organisation,
    )
    for role, participant_role in (
        (Role.IMPLEMENTER, ParticipantRole.IMPLEMENTER),
        (Role.ONLINE_PLATFORM, ParticipantRole.ONLINE_PLATFORM),
        (Role.EVALUATOR, ParticipantRole.EVALUATION_AGENCY),
    ):
        ProjectParticipant._default_manager.create(
            project=project, role=participant_role, organisation=u[role].organisation
        )
    for role in (Role.AUDITOR, Role.EXPERT):
        ProjectParticipant._default_manager.create(
            project=project, role=role, organisation=None, person=u[role]
        )
    agency = u[Role.IMPLEMENTER]
    line = training_world.syllabus_line_for(project, u[Role.HRSS])
    training_class = training.training_class_create(
        user=agency, project=project, name=f"{city.mark}第1期", syllabus_line=line
    )
    start = training_world.START
    session = training.session_create(
        user=agency,
        training_class=training_class,
        title=f"{city.mark}第1课",
        teacher="王老师",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        venue_address="长安区中山东路1号",
        latitude=training_world.VENUE[0],
        longitude=training_world.VENUE[1],
        coordinate_system="gcj02",
        radius_m=200,
    )
    FaceImpactAssessment._default_manager.create(
        project=project,
        purpose="签到签退人脸核验",
        necessity="防止代签",
        risks="人脸信息泄露",
        measures="加密存储，到期删除",
        alternative="工作人员确认并经办公室审核",
        assessed_on=datetime.date(2027, 4, 1),
        recorded_by=agency,
    )
    holder = types.SimpleNamespace(project=project, training_class=training_class)
    trainee = training_world.trainee_for(holder, name=f"{city.mark}学员")
    training_world.enrolled(
        types.SimpleNamespace(agency=agency),
        trainee,
        training_world.photo(0 if city.key == "A" else 1),
    )
    clock = training.clock
    training.clock = lambda: start - datetime.timedelta(minutes=5)
    try:
        o["confirmation"] = training.confirmation_request(
            user=agency, session=session, trainee=trainee, kind="in", reason="学员不同意人脸识别"
        )
    finally:
        training.clock = clock
    from apps.core.validators import make_resident_id

    resident_id = make_resident_id(
        "130102", datetime.date(1995, 6, 1), 11 if city.key == "A" else 13
    )
    o["roster_import"] = training.roster_preview(
        user=agency,
        training_class=training_class,
        uploaded_file=workbook([row(f"{city.mark}新学员", resident_id)]),
    )
    o["training_project"] = project
    o["training_class"] = training_class
    o["session"] = session
    o["trainee"] = trainee
    # A second trainee without face data: withdrawing a consent deletes photos from storage,
    # which a rolled-back test cannot restore.
    o["trainee2"] = training_world.trainee_for(holder, name=f"{city.mark}学员二")
    o["face_image"] = FaceImage._default_manager.filter(trainee=trainee).first()
    _implementation_chain(city, project)


def _implementation_chain(city: City, project) -> None:
    """The implementation stage of the same project: a camera and the pre-start package."""
    from apps.implementation import services as implementation

    o, agency = city.objects, city.users[Role.IMPLEMENTER]
    o["camera"] = implementation.camera_add(
        user=agency, project=project, name=f"{city.mark}摄像头", stream_url="rtsp://10.0.0.1/1"
    )
    o["prestart_package"] = implementation.package_for(project)


# --- acceptance and archive (issue 15 items 7, 8; owned by the acceptance/archive work) -------


def _acceptance_chain(city: City) -> None:
    """A project of the city whose implementing agency has applied for acceptance: the
    acceptance application the acceptance steps, the form and the archive pages act on."""
    from apps.acceptance import services as acceptance
    from apps.projects.models import ProjectStage
    from tests.factories import ProjectFactory

    o, u = city.objects, city.users
    project = ProjectFactory(
        jurisdiction=city.jurisdiction,
        stage=ProjectStage.IMPLEMENTATION,
        name=f"{city.mark}验收中项目",
        applicant=u[Role.APPLICANT].organisation,
    )
    for role, participant_role in (
        (Role.IMPLEMENTER, ParticipantRole.IMPLEMENTER),
        (Role.EVALUATOR, ParticipantRole.EVALUATION_AGENCY),
    ):
        ProjectParticipant._default_manager.create(
            project=project, role=participant_role, organisation=u[role].organisation
        )
    for role in (Role.AUDITOR, Role.EXPERT):
        ProjectParticipant._default_manager.create(
            project=project, role=role, organisation=None, person=u[role]
        )
    o["acceptance_project"] = project
    o["acceptance_application"] = acceptance.acceptance_apply(
        user=u[Role.IMPLEMENTER],
        project=project,
        finished_on=datetime.date(2026, 11, 18),
        summary=f"{city.mark}培训完成",
        form_file=pdf("apply.pdf"),
    )
    from django.utils import timezone

    from apps.archive.models import ArchiveBundle

    # A build of the record's zip waiting for the worker (its progress route).
    o["archive_bundle"] = ArchiveBundle.unscoped.create(
        jurisdiction=project.jurisdiction,
        project=project,
        requested_by=u[Role.OFFICE],
        requested_at=timezone.now(),
    )


# --- end of acceptance and archive ------------------------------------------------------------


# --- supervision (apps.supervision; owned by the supervision helper) -------------------------


def _supervision_chain(city: City) -> None:
    """On the project being implemented, by the city's evaluation agency: its plan submitted
    to the office, an on-site inspection awaiting the second evaluator's confirmation, and a
    periodic report awaiting the office's review."""
    from apps.supervision import services as supervision

    o, u = city.objects, city.users
    project, evaluator = o["training_project"], u[Role.EVALUATOR]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    plan = supervision.plan_save(
        user=evaluator, project=project, summary=f"{city.mark}监督评估方案", uploaded_file=pdf()
    )
    o["supervision_plan"] = supervision.plan_submit(user=evaluator, plan=plan)
    o["inspection"] = supervision.inspection_record(
        user=evaluator,
        project=project,
        kind="onsite",
        held_on=yesterday,
        place=f"{city.mark}培训现场",
        summary=f"{city.mark}抽查签到",
    )
    o["supervision_report"] = supervision.report_submit(
        user=evaluator,
        project=project,
        period_start=yesterday - datetime.timedelta(days=30),
        period_end=yesterday,
        sections={
            code: f"{city.mark}{code}" for code in ("materials", "teachers", "process", "effect")
        },
        conclusion=f"{city.mark}本期结论",
    )


def _arrangement(world: World) -> None:
    office = world.province_users[Role.OFFICE]
    arrangement = determination_services.arrangement_compile(
        user=office, province=world.province, year=2027
    )
    determination_services.arrangement_publish(user=office, arrangement=arrangement)
    member = world.province_users[Role.MEMBER_UNIT]
    for city in (world.a, world.b):
        entry = ArrangementEntry._default_manager.filter(
            arrangement=arrangement, jurisdiction=city.jurisdiction, is_current=True
        ).first()
        city.objects["arrangement"] = arrangement
        city.objects["arrangement_entry"] = entry
        city.objects["adjustment"] = determination_services.adjustment_request(
            user=city.users[Role.OFFICE],
            arrangement=arrangement,
            kind="change",
            ground="provincial_rule",
            entry=entry,
            subject=f"{city.mark}项目金额",
            after_text="金额调整为350000元",
            reason="省里要求压减培训经费",
            consenting_unit=member.organisation,
            new_amount="350000.00",
        )


def _import_batch(admin, city):
    """An organisations upload in preview, by the city's user administrator."""
    import io

    from openpyxl import Workbook

    from apps.imports.registry import importer_get
    from apps.imports.services import import_preview

    book = Workbook()
    columns = importer_get("organisations").columns
    book.active.append([str(c.header) for c in columns])
    row = [f"{city.mark}导入单位", unique_credit_code(), "implementing_agency", "", ""]
    book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return import_preview(
        user=admin, kind="organisations", file_name="orgs.xlsx", content=buffer.getvalue()
    )


def build_world() -> World:
    province = ProvinceFactory()
    deadline_rules_load()
    province_users = {}
    for role in sorted(GOVERNMENT_ROLES):
        organisation = OrganisationFactory(
            kind=government_kind(role), jurisdiction=province, name=f"省{Role(role).label}"
        )
        province_users[role] = UserFactory(role=role, organisation=organisation)
    cities = {}
    for key in ("A", "B"):
        jurisdiction = CityFactory(
            parent=province, code=CITY_CODES[key], name="甲市" if key == "A" else "乙市"
        )
        city = City(key, MARKS[key], jurisdiction)
        _government(city)
        _review_chain(city)
        _participants(city)
        cities[key] = city
    world = World(province, cities["A"], cities["B"], province_users)
    for city in cities.values():
        city.objects["office_user"] = city.users[Role.OFFICE]
        city.objects["jurisdiction"] = city.jurisdiction
        city.objects["province_member_unit"] = province_users[Role.MEMBER_UNIT].organisation
    _arrangement(world)
    for city in cities.values():
        _procurement_chain(city)
        _training_chain(city)
        _supervision_chain(city)
        _acceptance_chain(city)
        _paperwork(city)
        _rectification_chain(city)
    return world
