"""Shared pieces of the procurement services, also used by apps.contracts: the deadline rule
codes, the procurement workflow tables and who procures what, who wins in which role, the
own-level checks, amount parsing, document upload and filing, meeting an award's deadline and
moving the covered projects along the lifecycle."""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Organisation
from apps.accounts.roles import OrganisationKind, Role
from apps.core.levels import Level, actor_may, level_require
from apps.core.money import yuan
from apps.core.workflow import Transition, TransitionTable
from apps.deadlines.models import Deadline, DeadlineStatus
from apps.deadlines.services import deadline_meet, deadlines_mark_overdue
from apps.evidence.services import evidence_upload
from apps.projects.models import ParticipantRole
from apps.projects.services import projects_stage_advance

from ..models import (
    Award,
    Procurement,
    ProcurementCategory,
    ProcurementDocument,
    ProcurementStatus,
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
