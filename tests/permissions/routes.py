"""The scoping rule of every route of the platform.

Every route the resolver knows must have an entry here (or fall under a namespace rule);
tests/permissions/test_matrix.py fails for a route without one. An entry says:

- `owner`: who owns the object the route shows or changes — PUBLIC (anyone, anonymous
  included), SELF (the logged-in user's own session, settings or inbox), REGION (a
  jurisdiction: its government users), PROJECT (a project: its region's government users and
  its participants), ORGANISATION (an organisation: its own users and its region's
  government), PERSON (one user: that user), PROVINCE (province-level only), LIST (a
  collection: each user sees the rows of its own scope), STAFF (the Django admin site),
  PENDING (owner known, but the world builds no object for its path yet: only the anonymous
  refusal is checked, with made-up ids — the note says what is missing; each one is a gap
  listed in the notes, to be closed by building the object in world.py).
- `kwargs`: which object of a city fills the path (`pk("procurement")` → {"pk": <the city's
  procurement>.pk}); the matrix fills it with city B's object for a user of city A, and with
  city A's object for a stranger of city A (an organisation of the same role taking part in
  nothing).
- `target`: the object whose row must not change when a write is refused (default: the
  object of the first kwarg); a write to a collection checks the count of `model`.
- `payload`: the body of a write, pointing at the other city's objects (e.g. a create
  form naming city B's project).
- `readable_by`: roles that may read the other city's object by design (published calls).
- `owner_role`: the role that uses the route on its own city's object: the matrix checks as
  that user of city A that the URL is real (not 404/403), so it cannot pass on wrong URLs.
"""

from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.roles import EXTERNAL_ROLES, Role

from .world import PDF, City

PUBLIC, SELF, REGION, PROJECT, ORGANISATION, PERSON, PROVINCE, LIST, STAFF, PENDING = (
    "public",
    "self",
    "region",
    "project",
    "organisation",
    "person",
    "province",
    "list",
    "staff",
    "pending",
)
EVERYONE = frozenset(Role)


@dataclass(frozen=True)
class Rule:
    owner: str
    kwargs: dict = field(default_factory=dict)  # path kwarg → object name in City.objects
    literal: dict = field(default_factory=dict)  # path kwarg → fixed value (an action name)
    target: str | None = None
    model: str | None = None  # "app_label.Model" counted on a write to a collection
    payload: object = None  # callable(City) → dict
    json: bool = False  # API write: send the payload as JSON
    readable_by: frozenset = frozenset()
    writable_by: frozenset = frozenset()  # roles whose write there is legitimate by design
    shared: bool = False  # one object of the province both cities use (the arrangement)
    no_own_write: str = ""  # why the payload is not checked on the owner's own city
    post_only: bool = False  # the view answers GET with 404 by design (checked by POST)
    owner_role: str = Role.OFFICE
    note: str = ""

    def path_kwargs(self, city: City) -> dict:
        values = {name: city.objects[obj].pk for name, obj in self.kwargs.items()}
        return values | dict(self.literal)

    def target_object(self, city: City):
        name = self.target or next(iter(self.kwargs.values()), None)
        return city.objects[name] if name else None

    def body(self, city: City) -> dict:
        return self.payload(city) if self.payload else {}


def pk(name, **rest) -> dict:
    return {"pk": name, **rest}


def upload(city: City, name="doc.pdf"):
    return SimpleUploadedFile(name, PDF + city.mark.encode(), content_type="application/pdf")


def o(city: City, name):
    return city.objects[name].pk


def rule(owner, kwargs=None, **options) -> Rule:
    return Rule(owner, kwargs or {}, **options)


def _in_days(days: int) -> str:
    """A day after today (Asia/Shanghai), as a date field posts it."""
    import datetime

    from django.utils import timezone

    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


# A namespace whose every route has the same rule.
NAMESPACES = {
    "admin": rule(STAFF, note="Django admin: staff only (no role account is staff)"),
}
ADMIN_PUBLIC = {"admin:login", "admin:logout", "admin:jsi18n"}

ROUTES: dict[str, Rule] = {
    # --- public, own session --------------------------------------------------------------
    "healthz": rule(PUBLIC),
    "set_language": rule(PUBLIC),
    "accounts:login": rule(PUBLIC),
    "accounts:logout": rule(SELF),
    "accounts:logout_everywhere": rule(SELF),
    "accounts:otp_verify": rule(SELF),
    "accounts:otp_setup": rule(SELF),
    "accounts:password_change": rule(SELF),
    "public:call_list": rule(PUBLIC),
    "public:call_detail": rule(PUBLIC, pk("call")),
    "progress:batch": rule(
        PENDING,
        note="a batch run's progress: the world runs no batch (government users and the "
        "user who started it; tests/core/test_progress.py checks who may read it)",
    ),
    "progress:task": rule(
        PENDING,
        note="a queued task's progress: the world queues no task (government users; "
        "tests/core/test_progress.py)",
    ),
    "determination:public_arrangement": rule(PUBLIC, pk("arrangement")),
    **{name: rule(PUBLIC, note="the admin site's own login") for name in ADMIN_PUBLIC},
    "api-schema": rule(PUBLIC),
    "api-docs": rule(PUBLIC),
    "api-redoc": rule(PUBLIC),
    "api:me": rule(SELF),
    "home": rule(LIST),
    "overview": rule(LIST, note="government roles; per city of the user's region"),
    "overview_export": rule(LIST, note="the overview's table as Excel"),
    # --- accounts -------------------------------------------------------------------------
    "manage:user_list": rule(LIST),
    "manage:user_create": rule(
        LIST,
        model="accounts.User",
        payload=lambda c: {
            "username": "intruder",
            "full_name": "入侵者",
            "role": Role.OFFICE,
            "organisation": c.users[Role.OFFICE].organisation_id,
            "password": "Qz7#mountain-Rivers-88",
        },
        owner_role=Role.USER_ADMIN,
    ),
    "manage:user_update": rule(
        PERSON,
        {"pk": "office_user"},
        payload=lambda c: {"full_name": "改名", "role": Role.OFFICE, "is_active": "on"},
        owner_role=Role.USER_ADMIN,
    ),
    "manage:user_deactivate": rule(PERSON, {"pk": "office_user"}, owner_role=Role.USER_ADMIN),
    "manage:api_client_list": rule(
        LIST,
        model="accounts.ApiClient",
        payload=lambda c: {"name": "入侵接口", "service_user": c.users[Role.OFFICE].pk},
        owner_role=Role.USER_ADMIN,
    ),
    "manage:api_client_revoke": rule(REGION, pk("api_client"), owner_role=Role.USER_ADMIN),
    "manage:otp_reset": rule(
        PERSON,
        {"pk": "office_user"},
        payload=lambda c: {"reason": "手机丢失"},
        owner_role=Role.SECURITY_ADMIN,
    ),
    "manage:security": rule(LIST, note="security administrators of the level"),
    "manage:lockout_reset": rule(
        LIST, payload=lambda c: {"username": c.users[Role.OFFICE].username}
    ),
    "manage:system": rule(LIST, note="system administrators; configuration, no rows"),
    "manage:organisation_list": rule(LIST),
    "manage:organisation_detail": rule(
        ORGANISATION,
        pk("trainer"),
        payload=lambda c: {"kind": "confidentiality", "file": upload(c)},
    ),
    "manage:compliance_document_review": rule(
        ORGANISATION,
        pk("compliance_document"),
        payload=lambda c: {"action": "approve", "note": "ok"},
    ),
    # --- projects, evidence, audit ----------------------------------------------------------
    "projects:list": rule(LIST),
    "projects:detail": rule(PROJECT, pk("project")),
    "evidence:list": rule(LIST),
    "evidence:upload": rule(
        LIST,
        model="evidence.EvidenceFile",
        payload=lambda c: {
            "title": "入侵文件",
            "purpose": "general",
            "project": o(c, "project"),
            "file": upload(c),
        },
    ),
    "evidence:detail": rule(PROJECT, pk("evidence")),
    "evidence:replace": rule(
        PROJECT, pk("evidence"), payload=lambda c: {"file": upload(c), "note": "替换"}
    ),
    "evidence:download": rule(PROJECT, pk("evidence")),
    "audit:list": rule(LIST),
    "audit:verify": rule(
        LIST,
        writable_by=frozenset({Role.AUDIT_ADMIN}),
        note="audit administrators start a verification of the (global) chain",
    ),
    # --- findings -------------------------------------------------------------------------
    "findings:list": rule(LIST),
    "findings:detail": rule(PROJECT, pk("finding")),
    "findings:step": rule(
        PROJECT,
        pk("finding"),
        literal={"action": "answer"},
        payload=lambda c: {"note": "已整改"},
        owner_role=Role.IMPLEMENTER,
    ),
    "api:finding-list": rule(LIST),
    "api:finding-detail": rule(PROJECT, pk("finding")),
    # --- calls, applications, screening ---------------------------------------------------
    "calls:list": rule(LIST),
    "calls:create": rule(LIST, model="calls.AnnualCall"),
    "calls:detail": rule(
        REGION,
        pk("call"),
        readable_by=EXTERNAL_ROLES,
        note="a published call is public; external users read any",
    ),
    "calls:update": rule(REGION, pk("open_call"), payload=lambda c: {"title": "改标题"}),
    "calls:transition": rule(REGION, pk("open_call"), literal={"action": "close"}),
    "applications:list": rule(LIST),
    "applications:start": rule(
        REGION,
        {"call_pk": "open_call"},
        model="applications.Application",
        payload=lambda c: {"project_name": "入侵申报", "project_type": "training"},
        owner_role=Role.APPLICANT,
        readable_by=EXTERNAL_ROLES,
        writable_by=frozenset({Role.APPLICANT}),
        note="a published call is public and any applicant may apply (eligibility, e.g. "
        "insured locally, is the preliminary review's)",
    ),
    "applications:detail": rule(PROJECT, pk("application"), owner_role=Role.APPLICANT),
    "applications:edit": rule(
        PROJECT,
        pk("draft_application"),
        payload=lambda c: {"project_name": "改名"},
        owner_role=Role.APPLICANT,
    ),
    "applications:withdraw": rule(PROJECT, pk("draft_application"), owner_role=Role.APPLICANT),
    "applications:print": rule(PROJECT, pk("application"), owner_role=Role.APPLICANT),
    "applications:attachment_add": rule(
        PROJECT,
        pk("draft_application"),
        payload=lambda c: {"kind": "business_licence", "file": upload(c)},
        owner_role=Role.APPLICANT,
    ),
    "screening:call": rule(REGION, {"call_pk": "call"}),
    "screening:run": rule(REGION, {"call_pk": "call"}),
    "screening:review": rule(
        REGION,
        pk("preliminary_review"),
        payload=lambda c: {"P1-passed": "true", "P1-reason": "x"},
    ),
    "screening:pair": rule(REGION, pk("similarity_pair")),
    # --- deadlines ------------------------------------------------------------------------
    "deadlines:mine": rule(LIST),
    "deadlines:detail": rule(PROJECT, pk("deadline"), payload=lambda c: {"action": "meet"}),
    "deadlines:holidays": rule(LIST),
    "deadlines:holiday_edit": rule(
        PROVINCE,
        literal={"year": 2027},
        model="deadlines.HolidaySchedule",
        payload=lambda c: {"holidays": "2027-01-01", "working_weekends": "", "source": "x"},
        owner_role=Role.USER_ADMIN,
        note="national data: province-level user administrators only",
    ),
    "deadlines:notifications": rule(LIST),
    # --- imports (Excel imports) ----------------------------------------------------------
    "imports:index": rule(LIST, owner_role=Role.USER_ADMIN),
    "imports:template": rule(SELF, literal={"kind": "organisations"}),
    "imports:upload": rule(SELF, literal={"kind": "organisations"}),
    "imports:preview": rule(PERSON, pk("import_batch"), owner_role=Role.USER_ADMIN),
    "imports:confirm": rule(PERSON, pk("import_batch"), owner_role=Role.USER_ADMIN),
    "imports:discard": rule(PERSON, pk("import_batch"), owner_role=Role.USER_ADMIN),
    "deadlines:notification_read": rule(PERSON, pk("notification")),
    "deadlines:notifications_read_all": rule(SELF),
    # --- review ---------------------------------------------------------------------------
    "review:rounds": rule(LIST),
    "review:round": rule(REGION, {"call_pk": "call"}),
    "review:round_action": rule(
        REGION, {"call_pk": "call"}, literal={"action": "close"}, target="review_round"
    ),
    "review:result_adjust": rule(
        REGION, pk("review_result"), payload=lambda c: {"proposed": "", "reason": "调整"}
    ),
    "review:my": rule(LIST),
    "review:sheet": rule(PERSON, pk("assignment"), owner_role=Role.EXPERT),
    "review:conflict": rule(
        PERSON, pk("assignment"), payload=lambda c: {"reason": "回避"}, owner_role=Role.EXPERT
    ),
    "review:events": rule(
        LIST,
        model="review.OrganisationEvent",
        payload=lambda c: {
            "organisation": c.users[Role.APPLICANT].organisation_id,
            "kind": "failed_acceptance",
            "occurred_on": "2025-01-01",
            "description": "入侵",
            "entry_reason": "x",
            "evidence": upload(c),
        },
    ),
    "review:pool": rule(LIST),
    # --- determination ----------------------------------------------------------------------
    "determination:index": rule(LIST),
    "determination:board": rule(REGION, {"call_pk": "call"}, target="determination"),
    "determination:propose": rule(REGION, {"call_pk": "call"}, target="determination"),
    "determination:meeting": rule(REGION, {"call_pk": "call"}, target="determination"),
    "determination:approval": rule(
        REGION,
        {"call_pk": "call"},
        target="determination",
        payload=lambda c: {"approve": "yes", "opinion": "同意"},
        owner_role=Role.HRSS,
    ),
    "determination:action": rule(
        REGION, {"call_pk": "call"}, literal={"action": "revise"}, target="determination"
    ),
    "determination:filed": rule(PROJECT, pk("filed_project")),
    "determination:arrangements": rule(LIST),
    "determination:arrangement": rule(
        PROVINCE,
        pk("arrangement"),
        readable_by=EVERYONE,
        shared=True,
        note="the published arrangement",
    ),
    "determination:publish": rule(
        PROVINCE,
        pk("arrangement"),
        readable_by=EVERYONE,
        note="GET is the confirmation page (the public title and count)",
    ),
    "determination:adjustment_new": rule(
        REGION,
        pk("arrangement"),
        model="determination.Adjustment",
        payload=lambda c: {
            "kind": "change",
            "ground": "provincial_rule",
            "entry": o(c, "arrangement_entry"),
            "subject": "入侵",
            "after_text": "x",
            "reason": "x",
            "new_amount": "100000.00",
            "consenting_unit": o(c, "province_member_unit"),
        },
        readable_by=EVERYONE,
        shared=True,
        note="the arrangement is the province's; the entry named is the other city's",
    ),
    "determination:adjustments": rule(LIST),
    "determination:adjustment": rule(
        REGION, pk("adjustment"), payload=lambda c: {"action": "publish"}
    ),
    # --- procurement ----------------------------------------------------------------------
    "procurement:list": rule(LIST),
    "procurement:create": rule(
        LIST,
        model="procurement.Procurement",
        payload=lambda c: {
            "project": o(c, "project2"),
            "title": "入侵采购",
            "method": "public_tender",
            "category": "evaluation",
        },
    ),
    "procurement:lot_create": rule(
        LIST,
        model="procurement.ProcurementLot",
        payload=lambda c: {
            "name": "入侵包",
            "year": 2027,
            "basis": "project_type",
            "projects": [o(c, "project2")],
        },
    ),
    "procurement:ocds": rule(LIST),
    "procurement:traceability": rule(PROJECT, {"project_pk": "project"}),
    "procurement:detail": rule(PROJECT, pk("procurement")),
    "procurement:requirement_add": rule(
        PROJECT,
        pk("procurement"),
        model="procurement.RequirementItem",
        payload=lambda c: {"name": "入侵", "quantity": "1", "unit": "项"},
        owner_role=Role.HRSS,
        no_own_write="the world's procurement is contracted: no requirement is added any more",
    ),
    "procurement:requirement_remove": rule(
        PROJECT,
        pk("procurement", item_pk="requirement"),
        target="requirement",
        owner_role=Role.HRSS,
    ),
    "procurement:detail_add": rule(
        PROJECT, pk("procurement"), target="requirement", owner_role=Role.HRSS
    ),
    "procurement:document_add": rule(
        PROJECT,
        pk("procurement"),
        payload=lambda c: {"kind": "tender_documents", "file": upload(c)},
        owner_role=Role.HRSS,
    ),
    "procurement:publish": rule(PROJECT, pk("procurement"), owner_role=Role.HRSS),
    "procurement:cancel": rule(
        PROJECT, pk("procurement"), payload=lambda c: {"reason": "x"}, owner_role=Role.HRSS
    ),
    "procurement:file": rule(PROJECT, pk("procurement"), owner_role=Role.HRSS),
    "procurement:award": rule(PROJECT, pk("procurement"), target="award", owner_role=Role.HRSS),
    "procurement:plan_submit": rule(
        PROJECT,
        pk("procurement"),
        model="procurement.ImplementationPlan",
        payload=lambda c: {"file": upload(c)},
        owner_role=Role.IMPLEMENTER,
        no_own_write="the world's plan is approved already",
    ),
    "procurement:plan_review": rule(
        PROJECT,
        pk("procurement", plan_pk="plan"),
        target="plan",
        payload=lambda c: {"approve": "no", "note": "退回"},
    ),
    "contracts:agreement": rule(PROJECT, pk("procurement"), target="agreement"),
    "contracts:payment": rule(
        PROJECT,
        pk("procurement"),
        model="contracts.Payment",
        payload=lambda c: {
            "kind": "final",
            "amount": "1.00",
            "paid_on": "2026-12-01",
            "file": upload(c),
        },
        owner_role=Role.SI_AGENCY,
        no_own_write="the balance payment waits for acceptance (not built yet)",
    ),
    # --- training ---------------------------------------------------------------------------
    "training:project": rule(PROJECT, {"project_pk": "training_project"}),
    "training:assessment": rule(
        PROJECT, {"project_pk": "training_project"}, owner_role=Role.IMPLEMENTER
    ),
    "training:class_create": rule(
        PROJECT,
        {"project_pk": "training_project"},
        model="training.TrainingClass",
        payload=lambda c: {"name": "入侵班"},
        owner_role=Role.IMPLEMENTER,
    ),
    "training:hours_check": rule(
        PROJECT, {"project_pk": "training_project"}, post_only=True, note="GET answers 404"
    ),
    "training:export": rule(PROJECT, {"project_pk": "training_project"}),
    "training:class": rule(PROJECT, pk("training_class")),
    "training:session_create": rule(
        PROJECT,
        {"class_pk": "training_class"},
        model="training.Session",
        owner_role=Role.IMPLEMENTER,
    ),
    "training:roster_upload": rule(
        PROJECT,
        {"class_pk": "training_class"},
        model="training.RosterImport",
        owner_role=Role.IMPLEMENTER,
    ),
    "training:roster_template": rule(
        PROJECT, {"class_pk": "training_class"}, owner_role=Role.IMPLEMENTER
    ),
    "training:roster_preview": rule(PROJECT, pk("roster_import"), owner_role=Role.IMPLEMENTER),
    "training:trainee": rule(PROJECT, pk("trainee")),
    "training:trainee_reveal": rule(
        PROJECT, pk("trainee"), payload=lambda c: {"field": "resident_id", "purpose": "核对"}
    ),
    "training:trainee_consent": rule(PROJECT, pk("trainee2"), owner_role=Role.IMPLEMENTER),
    "training:trainee_consent_withdraw": rule(PROJECT, pk("trainee2"), owner_role=Role.IMPLEMENTER),
    "training:trainee_enrol": rule(PROJECT, pk("trainee2"), owner_role=Role.IMPLEMENTER),
    "training:trainee_exam": rule(
        PROJECT,
        pk("trainee2"),
        payload=lambda c: {"taken_on": "2027-06-01", "score": "90", "passed": "on"},
        owner_role=Role.IMPLEMENTER,
    ),
    "training:face_image": rule(PROJECT, pk("face_image"), owner_role=Role.IMPLEMENTER),
    "training:session": rule(PROJECT, pk("session")),
    "training:checkin": rule(PROJECT, pk("session"), owner_role=Role.IMPLEMENTER),
    "training:confirmation_request": rule(
        PROJECT,
        pk("session"),
        model="training.PresenceConfirmation",
        payload=lambda c: {"trainee": o(c, "trainee"), "kind": "out", "reason": "入侵"},
        owner_role=Role.IMPLEMENTER,
        no_own_write="the session's window is in 2027: the service's clock refuses today",
    ),
    "training:confirmation_decide": rule(
        PROJECT, pk("confirmation"), payload=lambda c: {"action": "approve"}
    ),
    # --- implementation -------------------------------------------------------------------
    "implementation:project": rule(PROJECT, {"project_pk": "training_project"}),
    "implementation:camera_create": rule(
        PROJECT,
        {"project_pk": "training_project"},
        model="implementation.Camera",
        payload=lambda c: {"name": "入侵", "stream_url": "rtsp://10.0.0.9/1"},
        owner_role=Role.IMPLEMENTER,
    ),
    "implementation:camera_test": rule(PROJECT, pk("camera"), owner_role=Role.IMPLEMENTER),
    "implementation:platform": rule(
        PROJECT, {"project_pk": "training_project"}, owner_role=Role.IMPLEMENTER
    ),
    "implementation:supervision": rule(PROJECT, {"project_pk": "training_project"}),
    "implementation:package": rule(PROJECT, {"project_pk": "training_project"}),
    "implementation:package_file_add": rule(
        PROJECT, {"project_pk": "training_project"}, owner_role=Role.IMPLEMENTER
    ),
    "implementation:training_line_add": rule(
        PROJECT, {"project_pk": "training_project"}, owner_role=Role.IMPLEMENTER
    ),
    "implementation:promotion_line_add": rule(
        PROJECT, {"project_pk": "training_project"}, owner_role=Role.IMPLEMENTER
    ),
    "implementation:staff_add": rule(
        PROJECT, {"project_pk": "training_project"}, owner_role=Role.IMPLEMENTER
    ),
    "implementation:package_decide": rule(
        PROJECT, pk("prestart_package"), payload=lambda c: {"action": "approve", "note": "x"}
    ),
    "implementation:promotion": rule(PROJECT, {"project_pk": "training_project"}),
    "implementation:promotion_record_add": rule(
        PROJECT,
        {"project_pk": "training_project"},
        model="implementation.PromotionRecord",
        owner_role=Role.IMPLEMENTER,
    ),
    "implementation:promotion_record": rule(
        PENDING, note="project's promotion record: the world has none yet (needs proofs)"
    ),
    "implementation:reports": rule(PROJECT, {"project_pk": "training_project"}),
    "implementation:report": rule(
        PENDING,
        note="a monthly report: the world's implementation project has no service agreement, "
        "so no months to report",
    ),
    "implementation:funds": rule(PROJECT, {"project_pk": "training_project"}),
    "implementation:funds_add": rule(
        PROJECT,
        {"project_pk": "training_project"},
        model="implementation.FundsEntry",
        owner_role=Role.IMPLEMENTER,
    ),
    # --- acceptance -----------------------------------------------------------------------
    "acceptance:project": rule(PROJECT, {"project_pk": "training_project"}),
    "acceptance:apply": rule(
        PROJECT,
        {"project_pk": "training_project"},
        model="acceptance.AcceptanceApplication",
        owner_role=Role.IMPLEMENTER,
    ),
    # The acceptance application of the world's project under acceptance (world.py,
    # `_acceptance_chain`); each step's page is used by the role that takes it.
    "acceptance:report": rule(PROJECT, pk("acceptance_application"), owner_role=Role.EVALUATOR),
    "acceptance:audit": rule(PROJECT, pk("acceptance_application"), owner_role=Role.AUDITOR),
    "acceptance:expert": rule(PROJECT, pk("acceptance_application"), owner_role=Role.EXPERT),
    "acceptance:decide": rule(PROJECT, pk("acceptance_application"), post_only=True),
    "acceptance:implementation_report": rule(
        PROJECT, pk("acceptance_application"), owner_role=Role.IMPLEMENTER
    ),
    "acceptance:form": rule(PROJECT, pk("acceptance_application"), literal={"fmt": "xlsx"}),
    # --- archive (HB §23) -------------------------------------------------------------------
    "archive:project": rule(PROJECT, {"project_pk": "acceptance_project"}),
    "archive:archive": rule(
        PROJECT, {"project_pk": "acceptance_project"}, owner_role=Role.EVALUATOR
    ),
    # The office of the project's level, once archived: before that 403 after the look-up.
    "archive:download": rule(PROJECT, {"project_pk": "acceptance_project"}),
    # The office of the project's level: asks for the record's zip (refused with a message
    # before the archive: 302) and polls its build (world: a queued build of the project).
    "archive:bundle_request": rule(
        PROJECT, {"project_pk": "acceptance_project"}, target="acceptance_project"
    ),
    "archive:bundle_progress": rule(PROJECT, {"project_pk": "acceptance_project"}),
    # --- supervision (apps.supervision; owned by the supervision helper) -------------------
    "supervision:inspections": rule(LIST),
    "supervision:project": rule(PROJECT, {"project_pk": "training_project"}),
    "supervision:plan_edit": rule(
        PROJECT,
        {"project_pk": "training_project"},
        target="supervision_plan",
        payload=lambda c: {"summary": "入侵", "file": upload(c)},
        owner_role=Role.EVALUATOR,
        no_own_write="the world's plan is submitted already: a submitted plan is not replaced",
    ),
    "supervision:plan_step": rule(
        PROJECT, pk("supervision_plan"), payload=lambda c: {"action": "approve", "note": "x"}
    ),
    "supervision:inspection_create": rule(
        PROJECT,
        {"project_pk": "training_project"},
        model="supervision.Inspection",
        payload=lambda c: {
            "kind": "meeting",
            "held_on": "2026-11-01",
            "place": "入侵",
            "summary": "入侵",
        },
        owner_role=Role.EVALUATOR,
    ),
    "supervision:inspection": rule(PROJECT, pk("inspection")),
    "supervision:inspection_confirm": rule(
        PROJECT, pk("inspection"), model="supervision.InspectionPresence", owner_role=Role.EVALUATOR
    ),
    "supervision:media_upload": rule(
        PROJECT,
        pk("inspection"),
        model="supervision.InspectionMedia",
        owner_role=Role.EVALUATOR,
    ),
    "supervision:finding_create": rule(
        PROJECT,
        pk("inspection"),
        model="findings.Finding",
        payload=lambda c: {"message": "入侵", "severity": "major"},
        owner_role=Role.EVALUATOR,
        no_own_write="the world's inspection awaits its second evaluator: no finding yet",
    ),
    "supervision:report_create": rule(
        PROJECT,
        {"project_pk": "training_project"},
        model="supervision.PeriodicReport",
        owner_role=Role.EVALUATOR,
    ),
    "supervision:report": rule(PROJECT, pk("supervision_report")),
    "supervision:report_step": rule(
        PROJECT, pk("supervision_report"), payload=lambda c: {"action": "review"}
    ),
    # --- recordings, online platform ingest --------------------------------------------------
    "recordings:list": rule(PROJECT, pk("session")),
    "recordings:upload": rule(PROJECT, pk("session"), owner_role=Role.IMPLEMENTER),
    "recordings:tus_create": rule(PROJECT, pk("session"), owner_role=Role.IMPLEMENTER),
    "recordings:tus_upload": rule(
        PENDING, note="session recording upload in progress (tus key): the world has none"
    ),
    "api:online-learning-batch": rule(LIST, model="online.LearningRecord"),
    "api:online-capture-batch": rule(LIST),
    "api:online-exam-batch": rule(LIST),
    "api:learning-record-list": rule(LIST),
    "api:learning-record-detail": rule(
        PENDING, note="an online learning record (online platform ingest): the world has none"
    ),
    # --- rectification orders (HB §20): the world's order on the project being implemented,
    # raised by the evaluation agency, still awaiting the agency's remedy (world.py,
    # `_rectification_chain`) ------------------------------------------------------------------
    "rectification:list": rule(LIST),
    "rectification:issue": rule(
        PROJECT,
        {"project_pk": "training_project"},
        model="rectification.RectificationOrder",
        payload=lambda c: {
            "problem": "入侵整改意见",
            "requirement": "整改",
            "clause": "HB §20",
            "deadline": _in_days(30),
        },
        owner_role=Role.EVALUATOR,
    ),
    "rectification:detail": rule(PROJECT, pk("rectification_order")),
    "rectification:answer": rule(
        PROJECT,
        pk("rectification_order"),
        payload=lambda c: {"response": "代为答复", "files": upload(c)},
        owner_role=Role.IMPLEMENTER,
    ),
    "rectification:urge": rule(
        PROJECT,
        pk("rectification_order"),
        payload=lambda c: {"note": "督促", "deadline": _in_days(20)},
        note="the office's page; the step itself waits for the order's escalation",
    ),
    "rectification:step": rule(
        PROJECT,
        pk("rectification_order"),
        literal={"action": "confirm"},
        post_only=True,
        owner_role=Role.EVALUATOR,
        note="confirm, return and close: one route; the world's order awaits the remedy",
    ),
    # --- qualifications -------------------------------------------------------------------
    "qualifications:index": rule(LIST),
    "qualifications:register": rule(ORGANISATION, pk("trainer")),
    "qualifications:equipment_add": rule(
        ORGANISATION,
        {"org_pk": "trainer"},
        model="qualifications.Equipment",
        payload=lambda c: {"kind": "projector", "device_model": "入侵", "serial_number": "X1"},
        owner_role=Role.IMPLEMENTER,
    ),
    "qualifications:equipment_edit": rule(
        ORGANISATION,
        pk("equipment"),
        payload=lambda c: {"kind": "projector", "device_model": "入侵", "serial_number": "X1"},
        owner_role=Role.IMPLEMENTER,
    ),
    "qualifications:equipment_active": rule(
        ORGANISATION,
        pk("equipment"),
        payload=lambda c: {"active": ""},
        owner_role=Role.IMPLEMENTER,
    ),
    "qualifications:licence_add": rule(
        ORGANISATION,
        {"org_pk": "trainer"},
        model="qualifications.Licence",
        payload=lambda c: {
            "kind": "other",
            "number": "入侵",
            "business_scope": "x",
            "valid_from": "2020-01-01",
        },
        owner_role=Role.IMPLEMENTER,
    ),
    "qualifications:licence_edit": rule(
        ORGANISATION,
        pk("licence"),
        payload=lambda c: {
            "kind": "other",
            "number": "入侵",
            "business_scope": "x",
            "valid_from": "2020-01-01",
        },
        owner_role=Role.IMPLEMENTER,
    ),
    "qualifications:licence_active": rule(
        ORGANISATION,
        pk("licence"),
        payload=lambda c: {"active": ""},
        owner_role=Role.IMPLEMENTER,
    ),
    "qualifications:platform": rule(
        ORGANISATION,
        {"org_pk": "platform_org"},
        model="qualifications.PlatformProfile",
        payload=lambda c: {"platform_name": "入侵", "concurrent_users": "100"},
        owner_role=Role.ONLINE_PLATFORM,
    ),
    "qualifications:check_run": rule(
        ORGANISATION,
        {"org_pk": "trainer"},
        model="qualifications.QualificationCheckRecord",
        payload=lambda c: {"agency_type": "offline_training", "year": 2027},
        no_own_write="not worked out: this payload answers a redirect without a new record",
    ),
    "qualifications:checks": rule(LIST),
    "qualifications:check": rule(ORGANISATION, pk("qualification_check")),
    # --- API ------------------------------------------------------------------------------
    "api:jurisdiction-list": rule(LIST, note="the region tree is reference data"),
    "api:jurisdiction-detail": rule(
        REGION, pk("jurisdiction"), readable_by=EVERYONE, note="the region tree is public"
    ),
    "api:organisation-list": rule(LIST),
    "api:organisation-detail": rule(ORGANISATION, pk("trainer")),
    "api:project-list": rule(LIST),
    "api:project-detail": rule(PROJECT, pk("project")),
    "api:project-next-steps": rule(PROJECT, pk("project")),
    "api:call-next-steps": rule(REGION, pk("call"), readable_by=EXTERNAL_ROLES),
    "api:application-next-steps": rule(PROJECT, pk("application"), owner_role=Role.APPLICANT),
    "api:finding-next-steps": rule(PROJECT, pk("finding")),
    "api:determination-next-steps": rule(REGION, pk("determination")),
    "api:procurement-next-steps": rule(PROJECT, pk("procurement")),
    "api:evidence-file-list": rule(
        LIST,
        model="evidence.EvidenceFile",
        payload=lambda c: {
            "title": "入侵文件",
            "purpose": "general",
            "project": o(c, "project"),
            "file": upload(c),
        },
    ),
    "api:evidence-file-detail": rule(PROJECT, pk("evidence")),
    "api:evidence-file-download": rule(PROJECT, pk("evidence")),
    "api:audit-entry-list": rule(LIST),
    "api:audit-entry-verify": rule(
        LIST,
        writable_by=frozenset({Role.AUDIT_ADMIN}),
        note="a verdict on the (global) chain, no rows; audit administrators start one",
    ),
    "api:audit-entry-detail": rule(REGION, pk("audit_entry")),
    "api:call-list": rule(LIST),
    "api:call-detail": rule(REGION, pk("call"), readable_by=EXTERNAL_ROLES),
    "api:application-list": rule(
        LIST,
        model="applications.Application",
        writable_by=frozenset({Role.APPLICANT}),
        json=True,
        payload=lambda c: {
            "call": o(c, "open_call"),
            "project_name": "入侵申报",
            "project_type": "training",
        },
        owner_role=Role.APPLICANT,
    ),
    "api:application-detail": rule(
        PROJECT,
        pk("draft_application"),
        json=True,
        payload=lambda c: {"project_name": "改名"},
        owner_role=Role.APPLICANT,
    ),
    "api:application-submit": rule(
        PROJECT, pk("draft_application"), json=True, owner_role=Role.APPLICANT
    ),
    "api:application-withdraw": rule(
        PROJECT, pk("draft_application"), json=True, owner_role=Role.APPLICANT
    ),
    # issue 16 item 7: the application's attachments through the API (list; add to a draft)
    "api:application-attachments": rule(
        PROJECT,
        pk("draft_application"),
        payload=lambda c: {"kind": "other", "file": upload(c)},
        owner_role=Role.APPLICANT,
    ),
    "api:screening-result-list": rule(LIST),
    "api:screening-result-detail": rule(PROJECT, pk("preliminary_review")),
    "api:deadline-list": rule(LIST),
    "api:deadline-detail": rule(PROJECT, pk("deadline")),
    "api:review-result-list": rule(LIST),
    "api:review-result-detail": rule(PROJECT, pk("review_result")),
    "api:expert-assignment-list": rule(LIST),
    "api:expert-assignment-detail": rule(PERSON, pk("assignment")),
    "api:determination-list": rule(LIST),
    "api:determination-detail": rule(REGION, pk("determination")),
    "api:filed-project-list": rule(LIST),
    "api:filed-project-detail": rule(PROJECT, pk("filed_project")),
    "api:arrangement-list": rule(LIST),
    "api:arrangement-detail": rule(PROVINCE, pk("arrangement"), readable_by=EVERYONE),
    "api:arrangement-entry-list": rule(LIST),
    "api:arrangement-entry-detail": rule(PROJECT, pk("arrangement_entry")),
    "api:adjustment-list": rule(LIST),
    "api:adjustment-detail": rule(REGION, pk("adjustment")),
    "api:procurement-list": rule(LIST),
    "api:procurement-ocds": rule(LIST),
    "api:procurement-detail": rule(PROJECT, pk("procurement")),
    # issue 16 item 7: the procuring authority's system adds requirements (one atomic batch
    # under an Idempotency-Key) and documents
    "api:procurement-requirements-batch": rule(
        PROJECT,
        pk("procurement"),
        json=True,
        payload=lambda c: {
            "requirements": [
                {"name": "入侵", "quantity": "1", "unit": "项", "acceptance_criterion": "无"}
            ]
        },
        owner_role=Role.HRSS,
    ),
    # issue 16 item 7: the implementing agency's system adds trainees to a class's roster
    # (one atomic batch under an Idempotency-Key)
    "api:training-class-trainees-batch": rule(
        PROJECT,
        pk("training_class"),
        json=True,
        payload=lambda c: {
            "trainees": [
                {
                    "name": "入侵者",
                    "resident_id": "11010519491231002X",
                    "employer_name": "某公司",
                    "employer_credit_code": "91350100M000100Y43",
                }
            ]
        },
        owner_role=Role.IMPLEMENTER,
    ),
    "api:procurement-documents": rule(
        PROJECT,
        pk("procurement"),
        payload=lambda c: {"kind": "tender_documents", "file": upload(c)},
        owner_role=Role.HRSS,
    ),
    "api:service-agreement-list": rule(LIST),
    "api:service-agreement-detail": rule(PROJECT, pk("agreement")),
    "api:payment-list": rule(LIST),
    "api:payment-detail": rule(PROJECT, pk("payment")),
    "api:qualification-equipment-list": rule(LIST),
    "api:qualification-equipment-detail": rule(ORGANISATION, pk("equipment")),
    "api:qualification-licence-list": rule(LIST),
    "api:qualification-licence-detail": rule(ORGANISATION, pk("licence")),
    "api:qualification-check-list": rule(LIST),
    "api:qualification-check-detail": rule(ORGANISATION, pk("qualification_check")),
}


def rule_for(route_name: str) -> Rule | None:
    if route_name in ROUTES:
        return ROUTES[route_name]
    namespace = route_name.split(":", 1)[0] if ":" in route_name else ""
    return NAMESPACES.get(namespace)
