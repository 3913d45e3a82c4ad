"""Writes of implementation (HB §12–14): cameras and their tests, the online platform and its
supervision parameters, the pre-start package and its review, promotion records, monthly
reports and funds. Each write checks who may (`level_require` and the project's participants)
and runs in one transaction, so a refused write leaves nothing behind."""

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.checklists.engine import checklist_evaluate, checklist_get
from apps.core.levels import Level, level_require
from apps.core.money import yuan
from apps.core.workflow import transition_apply
from apps.deadlines.calendar import month_end
from apps.deadlines.models import Deadline, DeadlineStatus
from apps.deadlines.services import (
    deadline_cancel,
    deadline_late_finding,
    deadline_meet,
    deadline_open,
    deadlines_open_monthly,
)
from apps.evidence.services import project_file_upload
from apps.findings.models import FindingSeverity
from apps.findings.services import finding_raise
from apps.projects.models import ProjectStage, ProjectType
from apps.projects.participation import implementer_require, project_implementer
from apps.qualifications.models import EquipmentKind, PlatformProfile

from . import probe
from .checklist_satisfiers import file_item
from .models import (
    EDITABLE_PACKAGE,
    Camera,
    CameraTest,
    FundsDirection,
    FundsEntry,
    MonthlyReport,
    OnlineSupervision,
    PackageFile,
    PackageStatus,
    PrestartPackage,
    PromotionKind,
    PromotionPlanLine,
    PromotionProof,
    PromotionRecord,
    ProofKind,
    ResolutionSource,
    StaffMember,
    TrainingPlanLine,
)
from .proofs import proofs_read_later
from .workflow import PRESTART_WORKFLOW, REPORT_WORKFLOW

logger = logging.getLogger(__name__)

AGENCY = frozenset({Role.IMPLEMENTER})
PRESTART_RULE = "pre_start_upload"
MONTHLY_RULE = "monthly_progress"
CITATION_FUNDS = "HB §8, §14; SPEC §5"


def clock() -> datetime.datetime:
    """The server's time (tests replace it)."""
    return timezone.now()


# --- who may write --------------------------------------------------------------------------


# --- cameras (HB §12 (一)) ------------------------------------------------------------------


@transaction.atomic
def camera_add(*, user, project, name: str, stream_url: str, equipment=None) -> Camera:
    implementer_require(user=user, project=project)
    if equipment is not None and (
        equipment.organisation_id != user.organisation_id
        or equipment.kind != EquipmentKind.NETWORK_CAMERA
    ):
        raise ValidationError(
            {"equipment": _("Choose one of your organisation's registered network cameras.")}
        )
    stream_url = stream_url.strip()
    if Camera.unscoped.filter(project=project, stream_url=stream_url).exists():
        raise ValidationError({"stream_url": _("This stream is already registered.")})
    camera = Camera(
        project=project,
        organisation=user.organisation,
        equipment=equipment,
        name=name.strip(),
        stream_url=stream_url,
        added_by=user,
    )
    camera.full_clean()
    camera.save()
    return camera


def camera_test(*, user, camera: Camera) -> CameraTest:
    """Tests the stream: reachable or not; the resolution from the stream (ffprobe) when it
    answers, otherwise from the register. Kept with the server's time. The network is
    contacted outside any transaction."""
    implementer_require(user=user, project=camera.project)
    result = probe.camera_probe(camera.stream_url)
    width, height, source = result.width, result.height, ResolutionSource.STREAM
    if height is None:
        lines = camera.equipment.resolution_lines if camera.equipment_id else None
        if lines:
            width, height, source = round(lines * 16 / 9), lines, ResolutionSource.REGISTER
        else:
            width, height, source = None, None, ResolutionSource.UNKNOWN
    return CameraTest.objects.create(
        camera=camera,
        tested_at=clock(),
        reachable=result.reachable,
        detail=result.detail[:300],
        width=width,
        height=height,
        resolution_source=source,
        tested_by=user,
    )


# --- online platform (HB §12 (二)) ----------------------------------------------------------


def platform_qualifies(organisation) -> bool:
    """An online platform with a service agreement with the province HRSS department and
    integrated with the management platform (HB §12 (二))."""
    profile = PlatformProfile.unscoped.filter(organisation=organisation).first()
    return bool(
        profile
        and organisation.is_active
        and profile.province_contract_number.strip()
        and profile.province_contract_date
        and profile.integrated
    )


def contracted_platforms():
    from apps.accounts.models import Organisation, OrganisationKind

    candidates = Organisation.unscoped.filter(
        kind=OrganisationKind.ONLINE_TRAINING_PLATFORM,
        is_active=True,
        platform_profile__integrated=True,
        platform_profile__province_contract_date__isnull=False,
    ).exclude(platform_profile__province_contract_number="")
    return candidates.order_by("name")


@transaction.atomic
def platform_name(*, user, project, platform) -> OnlineSupervision:
    """The agency names its contracted online platform; naming another one clears the
    parameters the former one set. The office then names it as a participant (HB §12)."""
    implementer_require(user=user, project=project)
    if project.project_type != ProjectType.TRAINING:
        raise ValidationError(_("An online platform can only be named for a training project."))
    if not platform_qualifies(platform):
        raise ValidationError(
            {
                "platform": _(
                    "This platform has no service agreement with the province on record or is "
                    "not integrated with the management platform (HB §12)."
                )
            }
        )
    supervision = OnlineSupervision.unscoped.filter(project=project).first()
    if supervision is None:
        supervision = OnlineSupervision(project=project)
    elif supervision.platform_id == platform.pk:
        return supervision
    supervision.platform = platform
    supervision.named_by = user
    supervision.named_at = clock()
    supervision.face_capture_interval_minutes = None
    supervision.fast_forward_blocked = None
    supervision.idle_cutoff_minutes = None
    supervision.configured_by = None
    supervision.configured_at = None
    supervision.save()
    return supervision


@transaction.atomic
def supervision_configure(
    *,
    user,
    supervision: OnlineSupervision,
    face_capture_interval_minutes: int,
    fast_forward_blocked: bool,
    idle_cutoff_minutes: int,
) -> OnlineSupervision:
    """The named platform, once it takes part in the project, sets the parameters."""
    level_require(user, roles={Role.ONLINE_PLATFORM}, level=Level.ORGANISATION, subject=supervision)
    level_require(user, roles={Role.ONLINE_PLATFORM}, level=Level.PARTICIPANT, subject=supervision)
    if supervision.project.stage != ProjectStage.IMPLEMENTATION:
        raise ValidationError(_("Parameters are set while the project is being implemented."))
    errors = {}
    if not face_capture_interval_minutes or face_capture_interval_minutes <= 0:
        errors["face_capture_interval_minutes"] = _("Give a number of minutes above zero.")
    if not idle_cutoff_minutes or idle_cutoff_minutes <= 0:
        errors["idle_cutoff_minutes"] = _("Give a number of minutes above zero.")
    if errors:
        raise ValidationError(errors)
    supervision.face_capture_interval_minutes = face_capture_interval_minutes
    supervision.fast_forward_blocked = bool(fast_forward_blocked)
    supervision.idle_cutoff_minutes = idle_cutoff_minutes
    supervision.configured_by = user
    supervision.configured_at = clock()
    supervision.save()
    return supervision


# --- pre-start package (HB §13) -------------------------------------------------------------


def package_for(project) -> PrestartPackage | None:
    """The project's package, made on first use (None while no agency takes part)."""
    package = PrestartPackage.unscoped.filter(project=project).first()
    if package is not None:
        return package
    agency = project_implementer(project)
    if agency is None:
        return None
    package, _created = PrestartPackage.unscoped.get_or_create(
        project=project, defaults={"organisation": agency}
    )
    return package


def _editable_require(package: PrestartPackage) -> None:
    if package.status not in EDITABLE_PACKAGE:
        raise ValidationError(
            _("The package is %(status)s: it changes only while prepared or returned.")
            % {"status": package.get_status_display()}
        )


def _package_write_require(user, package) -> None:
    implementer_require(user=user, project=package.project)
    level_require(user, roles=AGENCY, level=Level.ORGANISATION, subject=package)
    _editable_require(package)


def file_items(package) -> dict[str, tuple[object, str]]:
    """The checklist items met by uploads: code → (item, evidence purpose)."""
    items = {}
    for item in checklist_get(package.checklist_code).items:
        if item.kind == "prestart_file":
            code, purpose = file_item(item.value)
            items[code] = (item, purpose)
    return items


@transaction.atomic
def package_file_add(*, user, package, item_code: str, uploaded_file, title: str) -> PackageFile:
    _package_write_require(user, package)
    items = file_items(package)
    if item_code not in items:
        raise ValidationError({"item_code": _("Choose an item of the checklist.")})
    item, purpose = items[item_code]
    evidence = project_file_upload(
        user=user,
        project=package.project,
        uploaded_file=uploaded_file,
        purpose=purpose,
        title=title.strip() or item.label,
    )
    return PackageFile.objects.create(
        package=package, item_code=item_code, evidence=evidence, uploaded_by=user
    )


@transaction.atomic
def training_line_add(*, user, package, **fields) -> TrainingPlanLine:
    _package_write_require(user, package)
    if package.project.project_type != ProjectType.TRAINING:
        raise ValidationError(_("Training plan rows belong to training projects."))
    fields["month"] = fields["month"].replace(day=1)
    line = TrainingPlanLine(package=package, **fields)
    if not (line.online_hours or line.offline_hours):
        raise ValidationError({"offline_hours": _("Plan online or offline hours.")})
    line.full_clean(exclude=["package"])
    line.save()
    return line


def _project_requirements(project):
    from apps.procurement.models import RequirementItem

    return RequirementItem.objects.filter(
        Q(procurement__project=project) | Q(procurement__lot__projects=project)
    ).distinct()


@transaction.atomic
def promotion_line_add(*, user, package, **fields) -> PromotionPlanLine:
    _package_write_require(user, package)
    if package.project.project_type != ProjectType.PROMOTION:
        raise ValidationError(_("Promotion plan rows belong to promotion projects."))
    requirement = fields.get("requirement")
    if requirement is not None and not _project_requirements(package.project).filter(
        pk=requirement.pk
    ):
        raise ValidationError({"requirement": _("This requirement is not of this project.")})
    line = PromotionPlanLine(package=package, **fields)
    if line.starts_on and line.ends_on and line.ends_on < line.starts_on:
        raise ValidationError({"ends_on": _("The end is before the start.")})
    line.full_clean(exclude=["package"])
    line.save()
    prestart_deadline_sync(package.project)
    return line


@transaction.atomic
def staff_add(
    *, user, package, role: str, name: str, position: str, qualification: str, certificate_file
) -> StaffMember:
    _package_write_require(user, package)
    certificate = project_file_upload(
        user=user,
        project=package.project,
        uploaded_file=certificate_file,
        purpose="general",
        title=f"{name} · {qualification}",
        field="certificate_file",
    )
    member = StaffMember(
        package=package,
        role=role,
        name=name.strip(),
        position=position.strip(),
        qualification=qualification.strip(),
        certificate=certificate,
    )
    member.full_clean(exclude=["package"])
    member.save()
    return member


def package_checklist(package):
    return checklist_evaluate(code=package.checklist_code, subject=package)


def first_event_on(project) -> datetime.date | None:
    """When implementation starts: the first scheduled session of a training project
    (apps.training), the first promotion plan row of a promotion project."""
    if project.project_type == ProjectType.TRAINING:
        from apps.training.models import Session

        first = (
            Session.unscoped.filter(training_class__project=project)
            .order_by("starts_at")
            .values_list("starts_at", flat=True)
            .first()
        )
        return timezone.localdate(first) if first else None
    first = (
        PromotionPlanLine.objects.filter(package__project=project)
        .order_by("starts_on")
        .values_list("starts_on", flat=True)
        .first()
    )
    return first


def prestart_deadline(package) -> Deadline | None:
    """The package's latest pre-start deadline (any status)."""
    return (
        Deadline.unscoped.filter(
            rule__code=PRESTART_RULE,
            subject_type__app_label="implementation",
            subject_type__model="prestartpackage",
            subject_id=package.pk,
        )
        .select_related("rule")
        .order_by("-pk")
        .first()
    )


@transaction.atomic
def prestart_deadline_sync(project) -> Deadline | None:
    """Opens the pre-start deadline (due 7 days before the start, HB §13) once the start is
    known, and moves it when the start moves while the package is outstanding (the old one
    cancelled with the reason). A package already submitted keeps its met deadline."""
    if project.stage != ProjectStage.IMPLEMENTATION:
        return None
    starts_on = first_event_on(project)
    if starts_on is None:
        return None
    package = package_for(project)
    if package is None:
        return None
    deadline = prestart_deadline(package)
    if deadline is not None and deadline.status == DeadlineStatus.MET:
        return deadline
    if deadline is not None and deadline.is_outstanding:
        if deadline.starts_on == starts_on:
            return deadline
        if package.status != PackageStatus.DRAFT:
            return deadline
        deadline_cancel(
            deadline=deadline,
            reason=_("The start moved from %(old)s to %(new)s.")
            % {"old": deadline.starts_on.isoformat(), "new": starts_on.isoformat()},
        )
    deadline = deadline_open(
        rule_code=PRESTART_RULE,
        jurisdiction=project.jurisdiction,
        subject=package,
        starts_on=starts_on,
        owner_role=Role.IMPLEMENTER,
        owner_organisation=package.organisation,
        project=project,
    )
    package.starts_on = starts_on
    package.save(update_fields=["starts_on"])
    return deadline


def prestart_deadline_sync_quietly(project) -> None:
    """For signals: a project whose region has no pre-start rule is logged, not refused."""
    try:
        with transaction.atomic():
            prestart_deadline_sync(project)
    except ValidationError:
        logger.warning("pre-start deadline of project %s not opened", project.pk, exc_info=True)


def _meet(deadline, at) -> None:
    if deadline is None or not deadline.is_outstanding:
        return
    deadline_meet(deadline=deadline, met_at=at)
    deadline_late_finding(deadline=deadline)


@transaction.atomic
def package_act(*, user, package, action: str, note: str = "") -> PrestartPackage:
    """Submit (the agency, once the checklist's required items are met) or decide (the office
    of the project's level: approve, or return with a reason)."""
    now = clock()
    changes = {}
    if action == "submit":
        implementer_require(user=user, project=package.project)
        missing = package_checklist(package).missing_required
        if missing:
            raise ValidationError(
                _("Still missing: %(items)s.")
                % {"items": "; ".join(r.item.display_label for r in missing)}
            )
        changes = {"submitted_by": user, "submitted_at": now}
    elif action in ("approve", "return"):
        changes = {"reviewed_by": user, "reviewed_at": now, "review_note": note.strip()}
    transition_apply(
        table=PRESTART_WORKFLOW,
        instance=package,
        action=action,
        user=user,
        note=note,
        changes=changes,
    )
    if action == "submit":
        _meet(prestart_deadline(package), now)
    return package


# --- promotion records (HB §14 (二)) --------------------------------------------------------


#: The evidence purpose of each kind of proof: a broadcast proof is the works as aired — a
#: video, an audio file, a picture or a document (training_material) — a photo is a photo.
PROOF_PURPOSES = {
    ProofKind.PHOTO: "site_photo",
    ProofKind.BROADCAST_PROOF: "training_material",
    ProofKind.FEEDBACK: "general",
}


@transaction.atomic
def promotion_record_add(*, user, project, proofs, **fields) -> PromotionRecord:
    """Records one distribution, broadcast or session with its proofs (photos or broadcast
    proof; feedback optional). `proofs` is a list of (ProofKind, uploaded file)."""
    implementer_require(user=user, project=project)
    if project.project_type != ProjectType.PROMOTION:
        raise ValidationError(_("Promotion records belong to promotion projects."))
    requirements = _project_requirements(project)
    activity, placement = fields.get("activity"), fields.get("placement")
    if activity is not None and not requirements.filter(pk=activity.requirement_id):
        raise ValidationError({"activity": _("This activity is not of this project.")})
    if placement is not None and not requirements.filter(pk=placement.requirement_id):
        raise ValidationError({"placement": _("This placement is not of this project.")})
    if fields.get("kind") == PromotionKind.BROADCAST and activity is not None:
        raise ValidationError({"activity": _("A broadcast is recorded against a media placement.")})
    if fields.get("kind") != PromotionKind.BROADCAST and placement is not None:
        raise ValidationError({"placement": _("Only a broadcast is recorded against media.")})
    if fields.get("kind") == PromotionKind.BROADCAST:
        missing = {
            name: _("Give this for a broadcast.")
            for name in ("channel", "time_slot", "duration_seconds")
            if not fields.get(name)
        }
        if missing:
            raise ValidationError(missing)
    proofs = [(kind, f) for kind, f in proofs if f is not None]
    if not any(kind in (ProofKind.PHOTO, ProofKind.BROADCAST_PROOF) for kind, _f in proofs):
        raise ValidationError({"photo": _("Attach a photo or the broadcast proof.")})
    record = PromotionRecord(project=project, organisation=user.organisation, recorded_by=user)
    for name, value in fields.items():
        setattr(record, name, value)
    record.full_clean()
    record.save()
    created = []
    for kind, uploaded in proofs:
        evidence = project_file_upload(
            user=user,
            project=project,
            uploaded_file=uploaded,
            purpose=PROOF_PURPOSES[kind],
            title=f"{record.what} · {ProofKind(kind).label} · {record.occurred_on}",
            field="feedback_file" if kind == ProofKind.FEEDBACK else "photo",
        )
        created.append(PromotionProof.objects.create(record=record, kind=kind, evidence=evidence))
    proofs_read_later(created)
    return record


# --- monthly reports and funds (HB §14 (三)) ------------------------------------------------


def project_schedule(project) -> tuple[datetime.date, datetime.date] | None:
    """The service period of the project's agreement (HB §11), the months reported on."""
    from apps.contracts.models import ServiceAgreement

    agreement = (
        ServiceAgreement.unscoped.filter(Q(project=project) | Q(lot__projects=project))
        .order_by("pk")
        .first()
    )
    if agreement is None:
        return None
    return agreement.starts_on, agreement.ends_on


@transaction.atomic
def monthly_deadlines_ensure(project) -> list[Deadline]:
    """One report row and one deadline (`monthly_progress`, HB §14) per month of the
    project's schedule; calling again opens only what is new."""
    if project.stage != ProjectStage.IMPLEMENTATION:
        return []
    schedule = project_schedule(project)
    agency = project_implementer(project)
    if schedule is None or agency is None:
        return []

    def report_for(month):
        report, _created = MonthlyReport.unscoped.get_or_create(
            project=project, month=month, defaults={"organisation": agency}
        )
        return report

    return deadlines_open_monthly(
        rule_code=MONTHLY_RULE,
        jurisdiction=project.jurisdiction,
        first_day=schedule[0],
        last_day=schedule[1],
        subject_for=report_for,
        owner_role=Role.IMPLEMENTER,
        owner_organisation=agency,
        project=project,
    )


def monthly_deadlines_ensure_quietly(project) -> None:
    try:
        with transaction.atomic():
            monthly_deadlines_ensure(project)
    except ValidationError:
        logger.warning("monthly deadlines of project %s not opened", project.pk, exc_info=True)


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month as [start, end) in local time."""
    first = month.replace(day=1)
    following = month_end(first) + datetime.timedelta(days=1)
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(first, datetime.time(), tzinfo=zone),
        datetime.datetime.combine(following, datetime.time(), tzinfo=zone),
    )


def month_figures(project, month: datetime.date) -> dict:
    """The month's figures from the platform's own records: sessions held and trainees seen
    (apps.training attendance), promotion quantities by kind, money received and spent."""
    from apps.training.models import AttendanceRecord

    start, end = month_bounds(month)
    attendance = AttendanceRecord.unscoped.filter(
        session__training_class__project=project,
        session__starts_at__gte=start,
        session__starts_at__lt=end,
    )
    promotion = (
        PromotionRecord.unscoped.filter(
            project=project,
            occurred_on__gte=start.date(),
            occurred_on__lt=end.date(),
        )
        .values("kind")
        .annotate(total=Sum("quantity"))
    )
    funds = (
        FundsEntry.unscoped.filter(
            project=project, entry_date__gte=start.date(), entry_date__lt=end.date()
        )
        .values("direction")
        .annotate(total=Sum("amount"))
    )
    # SQLite sums decimals without their scale: money is always shown with its two places.
    money = {row["direction"]: str(yuan(row["total"])) for row in funds}
    return {
        "sessions_held": attendance.values("session").distinct().count(),
        "trainees": attendance.values("trainee").distinct().count(),
        "promotion": {row["kind"]: row["total"] for row in promotion},
        "received": money.get(FundsDirection.RECEIVED, "0.00"),
        "spent": money.get(FundsDirection.SPENT, "0.00"),
    }


@transaction.atomic
def monthly_report_submit(*, user, report: MonthlyReport, progress: str) -> MonthlyReport:
    implementer_require(user=user, project=report.project)
    now = clock()
    if report.month > timezone.localdate(now):
        raise ValidationError(_("A month is reported once it has begun."))
    if not progress.strip():
        raise ValidationError({"progress": _("Describe the month's progress.")})
    transition_apply(
        table=REPORT_WORKFLOW,
        instance=report,
        action="submit",
        user=user,
        changes={
            "progress": progress.strip(),
            "figures": month_figures(report.project, report.month),
            "submitted_by": user,
            "submitted_at": now,
        },
    )
    deadline = (
        Deadline.unscoped.filter(
            rule__code=MONTHLY_RULE,
            subject_type__app_label="implementation",
            subject_type__model="monthlyreport",
            subject_id=report.pk,
        )
        .order_by("-pk")
        .first()
    )
    _meet(deadline, now)
    return report


def _budget_line(project, year: int):
    from apps.determination.models import BudgetYear

    return BudgetYear.unscoped.filter(project=project, year=year).first()


def _contract_amount(project) -> Decimal | None:
    from apps.contracts.models import ServiceAgreement

    agreement = (
        ServiceAgreement.unscoped.filter(Q(project=project) | Q(lot__projects=project))
        .order_by("pk")
        .first()
    )
    return agreement.amount if agreement else None


def spent_total(project, *, year: int | None = None) -> Decimal:
    rows = FundsEntry.unscoped.filter(project=project, direction=FundsDirection.SPENT)
    if year is not None:
        rows = rows.filter(entry_date__year=year)
    return rows.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def _spending_checks(entry: FundsEntry) -> list:
    """Spending beyond the year's budget line (HB §8) or the contract amount (HB §11) is
    recorded as it happened and raises a finding for the agency to answer."""
    project, year = entry.project, entry.entry_date.year
    findings = []
    line = _budget_line(project, year)
    spent_year = spent_total(project, year=year)
    if line is None or spent_year > line.amount:
        budget = line.amount if line else Decimal("0")
        findings.append(
            finding_raise(
                rule_code="IMPL-SPEND-OVER-BUDGET",
                citation="HB §8",
                severity=FindingSeverity.MAJOR,
                subject=project,
                key=str(year),
                message=_(
                    "Spending recorded for %(year)s (%(spent)s yuan) exceeds the project's "
                    "budget line of that year (%(budget)s yuan)."
                )
                % {"year": year, "spent": spent_year, "budget": budget},
                owner_role=Role.IMPLEMENTER,
                owner_organisation=entry.organisation,
                records=[{"what": "funds_entry", "id": entry.pk, "year": year}],
            )
        )
    contract = _contract_amount(project)
    total = spent_total(project)
    if contract is not None and total > contract:
        findings.append(
            finding_raise(
                rule_code="IMPL-SPEND-OVER-CONTRACT",
                citation="HB §11",
                severity=FindingSeverity.MAJOR,
                subject=project,
                message=_(
                    "Spending recorded (%(spent)s yuan) exceeds the contract amount "
                    "(%(contract)s yuan)."
                )
                % {"spent": total, "contract": contract},
                owner_role=Role.IMPLEMENTER,
                owner_organisation=entry.organisation,
                records=[{"what": "funds_entry", "id": entry.pk}],
            )
        )
    return findings


@transaction.atomic
def funds_entry_add(
    *,
    user,
    project,
    direction: str,
    entry_date: datetime.date,
    item: str,
    amount: Decimal,
    voucher_file,
    note: str = "",
) -> FundsEntry:
    implementer_require(user=user, project=project)
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("Give an amount above zero.")})
    if entry_date > timezone.localdate(clock()):
        raise ValidationError({"entry_date": _("The date is in the future.")})
    voucher = project_file_upload(
        user=user,
        project=project,
        uploaded_file=voucher_file,
        purpose="general",
        title=f"{item.strip()} · {amount} · {entry_date}",
        field="voucher_file",
    )
    entry = FundsEntry(
        project=project,
        organisation=user.organisation,
        direction=direction,
        entry_date=entry_date,
        item=item.strip(),
        amount=amount,
        voucher=voucher,
        note=note.strip(),
        recorded_by=user,
    )
    entry.full_clean()
    entry.save()
    if direction == FundsDirection.SPENT:
        _spending_checks(entry)
    return entry
