"""Writes of procurement (HB §9–11): the procurement and its requirements, the award with the
winner's qualification check, the implementation plan and its review, with the deadlines of
HB §11 and the project's stage. The service agreement and the payment ledger are written by
apps.contracts.services, which uses the public helpers below (document upload and filing,
deadline meeting, stage move) and meets the deadline AGREEMENT_RULE the plan approval opens.

Who does what, each at its own level (本级): the social-insurance administrative department
(role hrss) runs the procurement of a project (HB §9); the office procures evaluation agencies
(HB §17), reviews implementation plans and files the documents (HB §11); the winning agency
submits its plan; the social-insurance agency signs the agreement and pays (HB §11, contracts).
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Organisation
from apps.accounts.roles import OrganisationKind, Role
from apps.core.levels import Level, actor_may, level_require
from apps.core.money import yuan
from apps.core.workflow import Transition, TransitionTable, transition_apply
from apps.deadlines.models import Deadline, DeadlineStatus
from apps.deadlines.services import deadline_meet, deadline_open, deadlines_mark_overdue
from apps.evidence.services import evidence_upload
from apps.projects.models import ParticipantRole, ProjectParticipant, ProjectStage, ProjectType
from apps.projects.services import projects_stage_advance

from .models import (
    Award,
    DocumentKind,
    ImplementationPlan,
    LotBasis,
    MediaPlacement,
    PlanStatus,
    Procurement,
    ProcurementCategory,
    ProcurementDocument,
    ProcurementLot,
    ProcurementMethod,
    ProcurementStatus,
    PromotionActivity,
    RequirementItem,
    SyllabusLine,
)

PURPOSE = "procurement_document"
PLAN_SUBMISSION_RULE = "plan_submission"
PLAN_REVIEW_RULE = "plan_review"
AGREEMENT_RULE = "agreement_and_advance"

S = ProcurementStatus
# Implementing agencies are procured by the social-insurance administrative department (HB §9);
# evaluation agencies by the office (HB §17).
PROJECT_PROCUREMENT = TransitionTable(
    field="status",
    transitions=[
        Transition("publish", S.DRAFT, S.PUBLISHED, {Role.HRSS}),
        Transition("award", S.PUBLISHED, S.AWARDED, {Role.HRSS}),
        Transition("file", S.AWARDED, S.FILED, {Role.OFFICE}),
        Transition("cancel", S.DRAFT, S.CANCELLED, {Role.HRSS}, note_required=True),
        Transition("cancel", S.PUBLISHED, S.CANCELLED, {Role.HRSS}, note_required=True),
    ],
)
EVALUATION_PROCUREMENT = TransitionTable(
    field="status",
    transitions=[
        Transition("publish", S.DRAFT, S.PUBLISHED, {Role.OFFICE}),
        Transition("award", S.PUBLISHED, S.AWARDED, {Role.OFFICE}),
        Transition("file", S.AWARDED, S.FILED, {Role.OFFICE}),
        Transition("cancel", S.DRAFT, S.CANCELLED, {Role.OFFICE}, note_required=True),
        Transition("cancel", S.PUBLISHED, S.CANCELLED, {Role.OFFICE}, note_required=True),
    ],
)
PLAN_REVIEW = TransitionTable(
    field="status",
    transitions=[
        Transition("approve", PlanStatus.SUBMITTED, PlanStatus.APPROVED, {Role.OFFICE}),
        Transition(
            "return", PlanStatus.SUBMITTED, PlanStatus.RETURNED, {Role.OFFICE}, note_required=True
        ),
    ],
)

PROMOTION_CATEGORIES = {
    ProcurementCategory.ONSITE_PROMOTION,
    ProcurementCategory.MEDIA_PROMOTION,
    ProcurementCategory.OTHER_PROMOTION,
}
# Which organisations can win, and in which role they then take part in the project.
WINNER_ROLE = {
    OrganisationKind.IMPLEMENTING_AGENCY: ParticipantRole.IMPLEMENTER,
    OrganisationKind.OFFLINE_TRAINING_INSTITUTION: ParticipantRole.IMPLEMENTER,
    OrganisationKind.ONLINE_TRAINING_PLATFORM: ParticipantRole.ONLINE_PLATFORM,
    OrganisationKind.EVALUATION_AGENCY: ParticipantRole.EVALUATION_AGENCY,
}
# The user roles that speak for a winning organisation.
AGENCY_ROLES = {Role.IMPLEMENTER, Role.ONLINE_PLATFORM, Role.EVALUATOR}


def workflow_for(procurement: Procurement) -> TransitionTable:
    if procurement.category == ProcurementCategory.EVALUATION:
        return EVALUATION_PROCUREMENT
    return PROJECT_PROCUREMENT


def procuring_role(category: str) -> str:
    return Role.OFFICE if category == ProcurementCategory.EVALUATION else Role.HRSS


# --- checks ---------------------------------------------------------------------------------


def _is_of_level(user, role: str, jurisdiction) -> bool:
    return actor_may(user, roles={role}, level=Level.OWN, jurisdiction=jurisdiction)


def _require_level(user, role: str, jurisdiction, message: str) -> None:
    """The duty belongs to `role` of the procurement's own level (本级)."""
    level_require(user, roles={role}, jurisdiction=jurisdiction, message=message)


def _require_procuring(user, procurement: Procurement) -> None:
    _require_level(
        user,
        procuring_role(procurement.category),
        procurement.jurisdiction,
        _("Only the procuring authority of this jurisdiction may do this."),
    )


def _require_draft(procurement: Procurement) -> None:
    if procurement.status != ProcurementStatus.DRAFT:
        raise ValidationError(
            _("The requirements are fixed once the procurement is published; it is %(status)s.")
            % {"status": procurement.get_status_display()}
        )


def _not_in_future(day: datetime.date | None, field: str, today: datetime.date) -> None:
    if day is not None and day > today:
        raise ValidationError({field: _("This date is in the future.")})


def positive_amount(value, *, field: str) -> Decimal:
    """The amount in yuan, refused unless it is greater than zero."""
    try:
        amount = yuan(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Enter an amount in yuan, e.g. 240000.00.")}) from None
    if amount <= 0:
        raise ValidationError({field: _("The amount must be greater than zero.")})
    return amount


def procurement_evidence_upload(
    *, user, procurement: Procurement, uploaded_file, title: str, field: str = "file"
):
    """Stores a document of the procurement (tender, notice, plan, agreement, voucher) in the
    evidence store; its errors come back on `field`."""
    if uploaded_file is None:
        raise ValidationError({field: _("Attach the document.")})
    try:
        version = evidence_upload(
            uploaded_by=user,
            uploaded_file=uploaded_file,
            purpose=PURPOSE,
            title=title[:200],
            jurisdiction=procurement.jurisdiction,
            project=procurement.project,
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "file" in error.error_dict and field != "file":
            raise ValidationError({field: error.error_dict["file"]}) from None
        raise
    return version.evidence_file


def _office_of(jurisdiction) -> Organisation | None:
    return (
        Organisation.unscoped.filter(
            kind=OrganisationKind.GOVERNMENT_OFFICE, jurisdiction=jurisdiction, is_active=True
        )
        .order_by("pk")
        .first()
    )


def _si_agency_of(jurisdiction) -> Organisation | None:
    return (
        Organisation.unscoped.filter(
            kind=OrganisationKind.SOCIAL_INSURANCE_AGENCY, jurisdiction=jurisdiction, is_active=True
        )
        .order_by("pk")
        .first()
    )


def _moment(day: datetime.date) -> datetime.datetime:
    """The time a duty done on `day` is recorded at: now if today, else that day's noon."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _open_deadline(award: Award, rule_code: str) -> Deadline | None:
    return Deadline.unscoped.filter(
        rule__code=rule_code,
        subject_type=ContentType.objects.get_for_model(Award),
        subject_id=award.pk,
        status__in=(DeadlineStatus.OPEN, DeadlineStatus.OVERDUE),
    ).first()


def award_deadline_meet(*, award: Award, rule_code: str, done_on: datetime.date) -> None:
    """Meets the award's deadline; done after the due date it is met late, and the deadline
    engine's sweep raises its finding first if it has not run since the due date."""
    deadline = _open_deadline(award, rule_code)
    if deadline is None:
        return
    if deadline.status == DeadlineStatus.OPEN and done_on > deadline.due_on:
        deadlines_mark_overdue(today=timezone.localdate())
        deadline.refresh_from_db()
    deadline_meet(deadline=deadline, met_at=_moment(done_on))


def procurement_projects_advance(
    *, procurement: Procurement, user, action: str, source: str
) -> None:
    """Moves the projects this procurement covers along the lifecycle (evaluation agencies
    are procured for lots of projects already under way: they move nothing)."""
    if procurement.category == ProcurementCategory.EVALUATION:
        return
    projects_stage_advance(
        user=user, projects=procurement.covered_projects(), action=action, source=source
    )


def procurement_document_record(*, procurement, kind, evidence, user) -> ProcurementDocument:
    """Files a stored document under the procurement (HB §11 filing list)."""
    return ProcurementDocument.objects.create(
        procurement=procurement, kind=kind, evidence=evidence, uploaded_by=user
    )


# --- lots and procurements -----------------------------------------------------------------


@transaction.atomic
def lot_create(*, user, jurisdiction, year: int, name: str, basis: str, projects) -> ProcurementLot:
    """A lot groups projects of one jurisdiction and year by type or by industry (HB §17)."""
    if not (
        user.is_superuser
        or _is_of_level(user, Role.HRSS, jurisdiction)
        or _is_of_level(user, Role.OFFICE, jurisdiction)
    ):
        raise PermissionDenied(_("Only the procuring authority of this jurisdiction may do this."))
    projects = list(projects)
    if not projects:
        raise ValidationError({"projects": _("Choose the projects of the lot.")})
    foreign = [p.code for p in projects if p.jurisdiction_id != jurisdiction.pk or p.year != year]
    if foreign:
        raise ValidationError(
            {
                "projects": _("Not projects of %(jurisdiction)s in %(year)s: %(codes)s")
                % {"jurisdiction": jurisdiction, "year": year, "codes": "、".join(foreign)}
            }
        )
    if basis == LotBasis.PROJECT_TYPE and len({p.project_type for p in projects}) > 1:
        raise ValidationError({"projects": _("A lot by type holds projects of one type.")})
    if basis == LotBasis.INDUSTRY and len({p.industry_id for p in projects}) > 1:
        raise ValidationError({"projects": _("A lot by industry holds projects of one industry.")})
    lot = ProcurementLot(
        jurisdiction=jurisdiction, year=year, name=name.strip(), basis=basis, created_by=user
    )
    lot.full_clean()
    lot.save()
    lot.projects.set(projects)
    return lot


def _check_category(category: str, *, project=None, lot=None) -> None:
    if category not in ProcurementCategory.values:
        raise ValidationError({"category": _("Choose what is procured.")})
    if project is None:
        return
    if category == ProcurementCategory.EVALUATION:
        return
    expected_training = project.project_type == ProjectType.TRAINING
    if expected_training != (category == ProcurementCategory.TRAINING):
        raise ValidationError(
            {
                "category": _("A %(type)s project cannot procure “%(category)s”.")
                % {
                    "type": project.get_project_type_display(),
                    "category": ProcurementCategory(category).label,
                }
            }
        )


@transaction.atomic
def procurement_create(
    *,
    user,
    title: str,
    method: str,
    category: str,
    project=None,
    lot=None,
    reference: str = "",
    budget_amount=None,
    syllabus_source: str = "",
    syllabus_reference: str = "",
) -> Procurement:
    """A draft procurement of a project or of a lot. A project is procured only once it is in
    the published annual arrangement (HB §6, §9); its first procurement moves it on."""
    if (project is None) == (lot is None):
        raise ValidationError(_("A procurement is for one project or for one lot."))
    jurisdiction = project.jurisdiction if project is not None else lot.jurisdiction
    year = project.year if project is not None else lot.year
    _require_level(
        user,
        procuring_role(category),
        jurisdiction,
        _("Only the procuring authority of this jurisdiction may do this."),
    )
    _check_category(category, project=project, lot=lot)
    if method not in ProcurementMethod.values:
        raise ValidationError({"method": _("Choose the procurement method.")})
    if category != ProcurementCategory.EVALUATION:
        _check_procurable(project=project, lot=lot)
    if (
        project is not None
        and category != ProcurementCategory.EVALUATION
        and Procurement.unscoped.filter(project=project)
        .exclude(status=ProcurementStatus.CANCELLED)
        .exclude(category=ProcurementCategory.EVALUATION)
        .exists()
    ):
        raise ValidationError(_("This project already has a procurement under way."))
    procurement = Procurement(
        jurisdiction=jurisdiction,
        year=year,
        project=project,
        lot=lot,
        title=title.strip(),
        method=method,
        category=category,
        reference=reference.strip(),
        budget_amount=None if budget_amount in (None, "") else yuan(budget_amount),
        syllabus_source=syllabus_source,
        syllabus_reference=syllabus_reference.strip(),
        procuring_authority=user.organisation,
        created_by=user,
    )
    procurement.full_clean()
    procurement.save()
    procurement_projects_advance(
        procurement=procurement, user=user, action="procure", source=ProjectStage.ARRANGED
    )
    return procurement


def _check_procurable(*, project=None, lot=None) -> None:
    projects = [project] if project is not None else list(lot.projects.all())
    waiting = [
        p for p in projects if p.stage not in (ProjectStage.ARRANGED, ProjectStage.PROCUREMENT)
    ]
    if waiting:
        raise ValidationError(
            _(
                "Only projects of the published annual arrangement are procured (HB §6, §9); "
                "%(projects)s: %(stage)s."
            )
            % {
                "projects": "、".join(p.code for p in waiting),
                "stage": waiting[0].get_stage_display(),
            }
        )


@transaction.atomic
def requirement_add(
    *,
    user,
    procurement: Procurement,
    name: str,
    quantity,
    unit: str,
    acceptance_criterion: str,
    specification: str = "",
) -> RequirementItem:
    """One quantified requirement with its executable acceptance criterion (HB §9)."""
    _require_procuring(user, procurement)
    _require_draft(procurement)
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("Say what is required.")
    try:
        quantity = Decimal(str(quantity))
        if not quantity.is_finite() or quantity <= 0:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["quantity"] = _("The quantity must be a number greater than zero.")
    if not (unit or "").strip():
        errors["unit"] = _("Give the unit of the quantity.")
    if not (acceptance_criterion or "").strip():
        errors["acceptance_criterion"] = _(
            "Every requirement needs an executable acceptance criterion (HB §9): say how its "
            "delivery will be checked at acceptance. A requirement without one is not saved."
        )
    if errors:
        raise ValidationError(errors)
    locked = Procurement.unscoped.select_for_update().get(pk=procurement.pk)
    number = (locked.requirements.aggregate(n=Max("number"))["n"] or 0) + 1
    item = RequirementItem(
        procurement=procurement,
        number=number,
        name=name.strip(),
        quantity=quantity,
        unit=unit.strip(),
        specification=(specification or "").strip(),
        acceptance_criterion=acceptance_criterion.strip(),
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def requirement_remove(*, user, requirement: RequirementItem) -> None:
    procurement = requirement.procurement
    _require_procuring(user, procurement)
    _require_draft(procurement)
    requirement.syllabus_lines.all().delete()
    requirement.promotion_activities.all().delete()
    requirement.media_placements.all().delete()
    requirement.delete()


def _detail_check(user, requirement: RequirementItem, category: str) -> None:
    procurement = requirement.procurement
    _require_procuring(user, procurement)
    _require_draft(procurement)
    if procurement.category != category:
        raise ValidationError(
            _("These rows belong to a “%(category)s” procurement.")
            % {"category": ProcurementCategory(category).label}
        )


def _save(row):
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def syllabus_line_add(
    *, user, requirement: RequirementItem, trainee_type, content, online_hours, offline_hours
) -> SyllabusLine:
    """Training: trainees, content, online and offline hours (HB §9)."""
    _detail_check(user, requirement, ProcurementCategory.TRAINING)
    return _save(
        SyllabusLine(
            requirement=requirement,
            trainee_type=(trainee_type or "").strip(),
            content=(content or "").strip(),
            online_hours=online_hours,
            offline_hours=offline_hours,
        )
    )


@transaction.atomic
def promotion_activity_add(
    *,
    user,
    requirement: RequirementItem,
    content,
    form,
    sessions,
    item_name="",
    item_quantity=None,
    item_specification="",
) -> PromotionActivity:
    """On-site promotion: content, form, sessions; items' quantity and specification."""
    _detail_check(user, requirement, ProcurementCategory.ONSITE_PROMOTION)
    if (item_name or "").strip() and not (item_quantity and (item_specification or "").strip()):
        raise ValidationError(
            {"item_quantity": _("Give the quantity and specification of the items handed out.")}
        )
    return _save(
        PromotionActivity(
            requirement=requirement,
            content=(content or "").strip(),
            form=(form or "").strip(),
            sessions=sessions,
            item_name=(item_name or "").strip(),
            item_quantity=item_quantity,
            item_specification=(item_specification or "").strip(),
        )
    )


@transaction.atomic
def media_placement_add(
    *,
    user,
    requirement: RequirementItem,
    content,
    technical_specs,
    media,
    duration,
    time_slot,
    frequency,
    expected_effect,
) -> MediaPlacement:
    """Media promotion: works' specs, media, duration, time slot, frequency, effect."""
    _detail_check(user, requirement, ProcurementCategory.MEDIA_PROMOTION)
    return _save(
        MediaPlacement(
            requirement=requirement,
            content=(content or "").strip(),
            technical_specs=(technical_specs or "").strip(),
            media=(media or "").strip(),
            duration=(duration or "").strip(),
            time_slot=(time_slot or "").strip(),
            frequency=(frequency or "").strip(),
            expected_effect=(expected_effect or "").strip(),
        )
    )


UPLOADABLE_KINDS = (
    DocumentKind.TENDER_DOCUMENTS,
    DocumentKind.BID_RECEIVED,
    DocumentKind.WINNING_BID,
)


@transaction.atomic
def procurement_document_add(
    *, user, procurement: Procurement, kind: str, uploaded_file, title: str = ""
) -> ProcurementDocument:
    """Tender documents and bids, uploaded by the procuring authority or, for filing, by the
    office (HB §11). The award notice, plan, agreement and vouchers come with their steps."""
    if not (
        user.is_superuser
        or _is_of_level(user, procuring_role(procurement.category), procurement.jurisdiction)
        or _is_of_level(user, Role.OFFICE, procurement.jurisdiction)
    ):
        raise PermissionDenied(_("Only the procuring authority or the office may file this."))
    if kind not in UPLOADABLE_KINDS:
        raise ValidationError({"kind": _("This document is filed with its own step.")})
    procurement = Procurement.unscoped.select_for_update().get(pk=procurement.pk)
    if procurement.status == ProcurementStatus.CANCELLED:
        raise ValidationError(_("The procurement is cancelled."))
    if kind != DocumentKind.TENDER_DOCUMENTS and procurement.status == ProcurementStatus.DRAFT:
        raise ValidationError({"kind": _("Bids exist only once the procurement is published.")})
    label = DocumentKind(kind).label
    evidence = procurement_evidence_upload(
        user=user,
        procurement=procurement,
        uploaded_file=uploaded_file,
        title=(title or "").strip() or f"{label} · {procurement.title}",
    )
    return procurement_document_record(
        procurement=procurement, kind=kind, evidence=evidence, user=user
    )


def publication_problems(procurement: Procurement) -> list[str]:
    """What is missing before the procurement can be published (HB §9)."""
    problems = []
    requirements = list(
        procurement.requirements.prefetch_related(
            "syllabus_lines", "promotion_activities", "media_placements"
        )
    )
    if not requirements:
        problems.append(_("Add at least one requirement item."))
    if not procurement.documents.filter(kind=DocumentKind.TENDER_DOCUMENTS).exists():
        problems.append(_("Upload the tender documents."))
    category = procurement.category
    if category == ProcurementCategory.TRAINING:
        if not procurement.syllabus_source:
            problems.append(_("Say which syllabus the training follows."))
        elif not procurement.syllabus_reference:
            problems.append(_("Name the syllabus referenced or written."))
        if requirements and not any(r.syllabus_lines.all() for r in requirements):
            problems.append(
                _("State the syllabus: trainees, content, online and offline hours (HB §9).")
            )
    elif category == ProcurementCategory.ONSITE_PROMOTION:
        if requirements and not any(r.promotion_activities.all() for r in requirements):
            problems.append(_("State the content, form and sessions of the promotion (HB §9)."))
    elif (
        category == ProcurementCategory.MEDIA_PROMOTION
        and requirements
        and not any(r.media_placements.all() for r in requirements)
    ):
        problems.append(_("State the media, duration, time slot, frequency and effect (HB §9)."))
    return problems


@transaction.atomic
def procurement_publish(
    *,
    user,
    procurement: Procurement,
    published_on: datetime.date | None = None,
    bid_opening_on: datetime.date | None = None,
) -> Procurement:
    _require_procuring(user, procurement)
    today = timezone.localdate()
    published_on = published_on or today
    _not_in_future(published_on, "published_on", today)
    if bid_opening_on is not None and bid_opening_on < published_on:
        raise ValidationError({"bid_opening_on": _("Bids cannot open before publication.")})
    procurement = Procurement.unscoped.select_for_update().get(pk=procurement.pk)
    if procurement.status == ProcurementStatus.DRAFT:
        problems = publication_problems(procurement)
        if problems:
            raise ValidationError(problems)
    transition_apply(
        table=workflow_for(procurement), instance=procurement, action="publish", user=user
    )
    procurement.published_on = published_on
    procurement.bid_opening_on = bid_opening_on
    procurement.full_clean()
    procurement.save(update_fields=["published_on", "bid_opening_on"])
    return procurement


@transaction.atomic
def procurement_cancel(*, user, procurement: Procurement, reason: str) -> Procurement:
    _require_procuring(user, procurement)
    procurement = Procurement.unscoped.select_for_update().get(pk=procurement.pk)
    transition_apply(
        table=workflow_for(procurement),
        instance=procurement,
        action="cancel",
        user=user,
        note=reason or "",
    )
    return procurement


FILING_CHECKLIST = "procurement_filing"


def filing_checklist(procurement: Procurement):
    """What HB §11 files, as checklist data (apps/checklists/data/procurement_filing.json)."""
    from apps.checklists.engine import checklist_evaluate

    return checklist_evaluate(code=FILING_CHECKLIST, subject=procurement)


def filing_missing(procurement: Procurement) -> list[str]:
    return [r.item.display_label for r in filing_checklist(procurement).missing_required]


@transaction.atomic
def procurement_file(*, user, procurement: Procurement) -> Procurement:
    """The office files the procurement once every document of HB §11 is on the platform."""
    _require_level(
        user,
        Role.OFFICE,
        procurement.jurisdiction,
        _("Only the office of this jurisdiction files procurement documents."),
    )
    procurement = Procurement.unscoped.select_for_update().get(pk=procurement.pk)
    missing = filing_missing(procurement)
    if procurement.status == ProcurementStatus.AWARDED and missing:
        raise ValidationError(
            _("Missing for filing (HB §11): %(documents)s.") % {"documents": "、".join(missing)}
        )
    transition_apply(
        table=workflow_for(procurement), instance=procurement, action="file", user=user
    )
    return procurement


# --- award -------------------------------------------------------------------------------


def agency_type_for(*, winner: Organisation, procurement: Procurement) -> str:
    """The HB §10 conditions that apply: by the winner's kind, else by what is procured. ""
    when HB §10 sets none (a promotion agency)."""
    if procurement.category == ProcurementCategory.EVALUATION:
        return "evaluation_agency"
    kind = winner.kind
    if kind == OrganisationKind.ONLINE_TRAINING_PLATFORM:
        return "online_platform"
    if kind == OrganisationKind.OFFLINE_TRAINING_INSTITUTION:
        return "offline_training"
    if kind == OrganisationKind.EVALUATION_AGENCY:
        return "evaluation_agency"
    if procurement.category == ProcurementCategory.TRAINING:
        return "offline_training"
    return ""


def _award_checks(*, user, procurement, winner, amount, notice_date, notice_file) -> Decimal:
    _require_procuring(user, procurement)
    if procurement.status != ProcurementStatus.PUBLISHED:
        raise ValidationError(
            _("Only a published procurement can be awarded; it is %(status)s.")
            % {"status": procurement.get_status_display()}
        )
    errors = {}
    expected = (
        {OrganisationKind.EVALUATION_AGENCY}
        if procurement.category == ProcurementCategory.EVALUATION
        else set(WINNER_ROLE) - {OrganisationKind.EVALUATION_AGENCY}
    )
    if winner is None or winner.kind not in expected or not winner.is_active:
        errors["winner"] = _("The winner must be an active agency of the kind procured.")
    try:
        amount = positive_amount(amount, field="amount")
    except ValidationError as error:
        errors.update(error.message_dict)
    else:
        if procurement.budget_amount is not None and amount > procurement.budget_amount:
            errors["amount"] = _(
                "The winning bid exceeds the procurement budget of %(budget)s."
            ) % {"budget": procurement.budget_amount}
    today = timezone.localdate()
    if notice_date is None:
        errors["notice_date"] = _("Give the date of the award notice.")
    elif notice_date > today:
        errors["notice_date"] = _("This date is in the future.")
    elif procurement.published_on and notice_date < procurement.published_on:
        errors["notice_date"] = _("The award notice cannot predate the publication.")
    if notice_file is None:
        errors["notice_file"] = _("Attach the award notice.")
    if errors:
        raise ValidationError(errors)
    return amount


def _failed_lines(record) -> list[str]:
    lines = []
    for line in getattr(record, "lines", None) or []:
        passed = line.get("passed") if isinstance(line, dict) else getattr(line, "passed", None)
        if passed:
            continue
        if isinstance(line, dict):
            label = line.get("label") or line.get("code") or str(line)
        else:
            label = getattr(line, "label", None) or str(line)
        lines.append(str(label))
    return lines


def procurement_award(
    *,
    user,
    procurement: Procurement,
    winner: Organisation,
    amount,
    notice_date: datetime.date,
    notice_file,
) -> Award:
    """Awards the procurement. The winner's qualification check (HB §10) runs first and its
    record is kept whatever the outcome; a failed check blocks the award. The award, the
    notice, the project stage and the winner's plan-submission deadline (the office's 5
    working days of review start when the plan arrives, HB §11) are then written in one
    transaction: a calendar that does not cover the dates refuses the whole award with the
    deadline engine's message.

    Not itself atomic, so that the check's record survives a refusal: call it outside a
    transaction (the award view is non-atomic)."""
    procurement = Procurement.unscoped.select_related("jurisdiction", "project").get(
        pk=procurement.pk
    )
    amount = _award_checks(
        user=user,
        procurement=procurement,
        winner=winner,
        amount=amount,
        notice_date=notice_date,
        notice_file=notice_file,
    )
    agency_type = agency_type_for(winner=winner, procurement=procurement)
    record = None
    if agency_type:
        from apps.qualifications.services import qualification_check_record

        record = qualification_check_record(
            user=user,
            organisation=winner,
            agency_type=agency_type,
            project=procurement.project,
            jurisdiction=None if procurement.project_id else procurement.jurisdiction,
            year=None if procurement.project_id else procurement.year,
        )
        if not record.passed:
            failed = _failed_lines(record)
            message = _(
                "%(winner)s does not meet the qualification conditions of HB §10; "
                "it cannot be awarded. Not met: %(lines)s"
            ) % {"winner": winner, "lines": "；".join(failed) or "—"}
            raise ValidationError({"winner": ValidationError(message, code="qualification_failed")})
    return _award_write(
        user=user,
        procurement=procurement,
        winner=winner,
        amount=amount,
        notice_date=notice_date,
        notice_file=notice_file,
        agency_type=agency_type,
        record=record,
    )


@transaction.atomic
def _award_write(
    *, user, procurement, winner, amount, notice_date, notice_file, agency_type, record
) -> Award:
    procurement = Procurement.unscoped.select_for_update().get(pk=procurement.pk)
    transition_apply(
        table=workflow_for(procurement), instance=procurement, action="award", user=user
    )
    notice = procurement_evidence_upload(
        user=user,
        procurement=procurement,
        uploaded_file=notice_file,
        title=f"{DocumentKind.AWARD_NOTICE.label} · {procurement.title}",
        field="notice_file",
    )
    award = Award(
        procurement=procurement,
        jurisdiction=procurement.jurisdiction,
        project=procurement.project,
        lot=procurement.lot,
        winner=winner,
        amount=amount,
        notice_date=notice_date,
        notice_document=notice,
        agency_type=agency_type,
        qualification_record_type=(
            ContentType.objects.get_for_model(record) if record is not None else None
        ),
        qualification_record_id=record.pk if record is not None else None,
        awarded_by=user,
    )
    award.full_clean()
    award.save()
    procurement_document_record(
        procurement=procurement, kind=DocumentKind.AWARD_NOTICE, evidence=notice, user=user
    )
    role = WINNER_ROLE[winner.kind]
    for project in procurement.covered_projects():
        ProjectParticipant.objects.get_or_create(
            project=project,
            role=role,
            organisation=winner,
            person=None,
            defaults={"since": notice_date},
        )
    if procurement.category != ProcurementCategory.EVALUATION:
        procurement_projects_advance(
            procurement=procurement, user=user, action="award", source=ProjectStage.PROCUREMENT
        )
        # Who acts next is the winner: the office's 5 working days (HB §11) run only once
        # there is a plan to review (see plan_submit).
        _open_plan_submission(award, starts_on=notice_date)
    return award


def _open_plan_submission(award: Award, *, starts_on: datetime.date) -> None:
    deadline_open(
        rule_code=PLAN_SUBMISSION_RULE,
        jurisdiction=award.jurisdiction,
        subject=award,
        starts_on=starts_on,
        owner_role=WINNER_ROLE[award.winner.kind],
        owner_organisation=award.winner,
        project=award.project,
    )


# --- implementation plan ------------------------------------------------------------------


@transaction.atomic
def plan_submit(
    *,
    user,
    award: Award,
    uploaded_file,
    title: str = "",
    submitted_on: datetime.date | None = None,
) -> ImplementationPlan:
    """The winning agency submits its implementation plan (HB §11). That meets its own
    submission deadline and starts the office's 5 working days of review from the day of
    submission (`submitted_on`, today unless a past submission is being recorded)."""
    today = timezone.localdate()
    submitted_on = submitted_on or today
    _not_in_future(submitted_on, "submitted_on", today)
    if not user.is_superuser and (
        user.role not in AGENCY_ROLES or user.organisation_id != award.winner_id
    ):
        raise PermissionDenied(_("Only the winning agency submits the implementation plan."))
    award = Award.unscoped.select_for_update().get(pk=award.pk)
    plans = list(award.plans.all())
    if any(p.status == PlanStatus.APPROVED for p in plans):
        raise ValidationError(_("The implementation plan is already approved."))
    if any(p.status == PlanStatus.SUBMITTED for p in plans):
        raise ValidationError(_("A plan is waiting for the office's review."))
    procurement = award.procurement
    version = max((p.version for p in plans), default=0) + 1
    document = procurement_evidence_upload(
        user=user,
        procurement=procurement,
        uploaded_file=uploaded_file,
        title=(title or "").strip()
        or f"{DocumentKind.IMPLEMENTATION_PLAN.label} v{version} · {procurement.title}",
    )
    plan = ImplementationPlan.objects.create(
        award=award, version=version, document=document, submitted_by=user
    )
    if procurement.category != ProcurementCategory.EVALUATION:
        award_deadline_meet(award=award, rule_code=PLAN_SUBMISSION_RULE, done_on=submitted_on)
        deadline_open(
            rule_code=PLAN_REVIEW_RULE,
            jurisdiction=award.jurisdiction,
            subject=award,
            starts_on=submitted_on,
            owner_role=Role.OFFICE,
            owner_organisation=_office_of(award.jurisdiction),
            project=award.project,
        )
    return plan


@transaction.atomic
def plan_review(
    *,
    user,
    plan: ImplementationPlan,
    approve: bool,
    note: str = "",
    reviewed_on: datetime.date | None = None,
) -> ImplementationPlan:
    """The office approves the plan, or returns it with its reasons (HB §11). Approval meets
    the plan-review deadline and, with the award notice, starts the 15 days of the
    social-insurance agency for the agreement and the advance, from the later of the two."""
    award = plan.award
    _require_level(
        user,
        Role.OFFICE,
        award.jurisdiction,
        _("Only the office of this jurisdiction reviews implementation plans."),
    )
    today = timezone.localdate()
    reviewed_on = reviewed_on or today
    _not_in_future(reviewed_on, "reviewed_on", today)
    plan = ImplementationPlan.objects.select_for_update().get(pk=plan.pk)
    # The review's facts first (still "submitted"), then the audited transition: the database
    # requires a reviewed plan to carry its date and a returned one its reasons.
    plan.reviewed_by = user
    plan.reviewed_on = reviewed_on
    plan.review_note = (note or "").strip()
    plan.save(update_fields=["reviewed_by", "reviewed_on", "review_note"])
    transition_apply(
        table=PLAN_REVIEW,
        instance=plan,
        action="approve" if approve else "return",
        user=user,
        note=note or "",
    )
    procurement = award.procurement
    if procurement.category != ProcurementCategory.EVALUATION:
        award_deadline_meet(award=award, rule_code=PLAN_REVIEW_RULE, done_on=reviewed_on)
    if not approve:
        # The office has done its part; the agency acts next, with a new submission period.
        if procurement.category != ProcurementCategory.EVALUATION:
            _open_plan_submission(award, starts_on=reviewed_on)
        return plan
    procurement_document_record(
        procurement=procurement,
        kind=DocumentKind.IMPLEMENTATION_PLAN,
        evidence=plan.document,
        user=user,
    )
    if procurement.category != ProcurementCategory.EVALUATION:
        deadline_open(
            rule_code=AGREEMENT_RULE,
            jurisdiction=award.jurisdiction,
            subject=award,
            starts_on=max(award.notice_date, reviewed_on),
            owner_role=Role.SI_AGENCY,
            owner_organisation=_si_agency_of(award.jurisdiction),
            project=award.project,
        )
    return plan


def approved_plan(award: Award) -> ImplementationPlan | None:
    return award.plans.filter(status=PlanStatus.APPROVED).first()
