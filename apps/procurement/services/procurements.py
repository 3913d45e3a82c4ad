"""The procurement itself (HB §9): creation for a project or lot, the quantified requirements
with their syllabus, promotion and media rows, documents, publication with its checks,
cancellation, and filing against the HB §11 checklist."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.core.money import yuan
from apps.core.workflow import transition_apply
from apps.projects.models import ProjectStage, ProjectType

from ..models import (
    DocumentKind,
    MediaPlacement,
    Procurement,
    ProcurementCategory,
    ProcurementDocument,
    ProcurementMethod,
    ProcurementStatus,
    PromotionActivity,
    RequirementItem,
    SyllabusLine,
)
from .common import (
    _is_of_level,
    _not_in_future,
    _require_draft,
    _require_level,
    _require_procuring,
    procurement_document_record,
    procurement_evidence_upload,
    procurement_projects_advance,
    procuring_role,
    workflow_for,
)


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
