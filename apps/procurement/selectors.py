"""Reads of procurement: lists and details in the user's scope, the traceability matrix, what
each role may do on a procurement page (the contract's part: apps.contracts.selectors)."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.core.levels import Level, actor_may
from apps.core.workflow import action_names, actions_available
from apps.deadlines.models import Deadline
from apps.projects.models import Project

from .models import (
    Award,
    ImplementationPlan,
    PlanStatus,
    Procurement,
    ProcurementDocument,
    ProcurementLot,
    ProcurementStatus,
    RequirementItem,
)
from .services import AGENCY_ROLES, procuring_role


def procurement_list(*, user, filters: dict | None = None) -> QuerySet[Procurement]:
    filters = filters or {}
    qs = Procurement.objects.for_user(user).select_related(
        "jurisdiction", "project", "lot", "procuring_authority", "award__winner"
    )
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("project"):
        qs = qs.filter(Q(project_id=filters["project"]) | Q(lot__projects=filters["project"]))
    if filters.get("q"):
        qs = qs.filter(title__icontains=filters["q"])
    return qs.distinct()


def procurement_get(*, user, pk: int) -> Procurement:
    """Raises Procurement.DoesNotExist outside the user's scope (a 404, not a 403)."""
    return (
        Procurement.objects.for_user(user)
        .select_related("jurisdiction", "project", "lot", "procuring_authority", "created_by")
        .get(pk=pk)
    )


def lot_list(*, user) -> QuerySet[ProcurementLot]:
    return ProcurementLot.objects.for_user(user).select_related("jurisdiction")


def award_of(procurement: Procurement) -> Award | None:
    return (
        Award.unscoped.filter(procurement=procurement)
        .select_related("winner", "notice_document", "awarded_by")
        .first()
    )


def requirements_of(procurement: Procurement) -> list[RequirementItem]:
    return list(
        procurement.requirements.prefetch_related(
            "syllabus_lines", "promotion_activities", "media_placements"
        )
    )


def documents_of(procurement: Procurement) -> list[ProcurementDocument]:
    return list(
        procurement.documents.select_related("evidence__current_version", "uploaded_by").order_by(
            "kind", "pk"
        )
    )


def plans_of(award: Award | None) -> list[ImplementationPlan]:
    if award is None:
        return []
    return list(award.plans.select_related("document", "submitted_by", "reviewed_by"))


def deadlines_of(*, user, award: Award | None) -> list[Deadline]:
    if award is None:
        return []
    return list(
        Deadline.objects.for_user(user)
        .filter(subject_type=ContentType.objects.get_for_model(Award), subject_id=award.pk)
        .select_related("rule")
        .prefetch_related("findings")
        .order_by("starts_on", "pk")
    )


def _of_level(user, role, jurisdiction) -> bool:
    return actor_may(user, roles={role}, level=Level.OWN, jurisdiction=jurisdiction)


@dataclass(frozen=True)
class Abilities:
    """What the user may do on one procurement page (the services check again). The workflow
    steps come from the procurement's and the plan review's transition tables."""

    edit: bool
    publish: bool
    award: bool
    cancel: bool
    upload: bool
    file: bool
    submit_plan: bool
    review_plan: bool


def abilities(*, user, procurement: Procurement, award: Award | None, plans) -> Abilities:
    """Each plan also gets `.actions`: the review steps the user may take on it."""
    from .services import PLAN_REVIEW, workflow_for

    jurisdiction = procurement.jurisdiction
    procuring = _of_level(user, procuring_role(procurement.category), jurisdiction)
    office = _of_level(user, Role.OFFICE, jurisdiction)
    steps = action_names(table=workflow_for(procurement), instance=procurement, user=user)
    status = procurement.status
    for plan in plans:
        plan.actions = actions_available(table=PLAN_REVIEW, instance=plan, user=user)
    pending_plan = any(p.status == PlanStatus.SUBMITTED for p in plans)
    approved = any(p.status == PlanStatus.APPROVED for p in plans)
    is_winner = award is not None and (
        user.is_superuser or (user.role in AGENCY_ROLES and user.organisation_id == award.winner_id)
    )
    return Abilities(
        edit=procuring and status == ProcurementStatus.DRAFT,
        publish="publish" in steps,
        award="award" in steps,
        cancel="cancel" in steps,
        upload=(procuring or office) and status != ProcurementStatus.CANCELLED,
        file="file" in steps,
        submit_plan=is_winner and not pending_plan and not approved,
        review_plan=any(plan.actions for plan in plans),
    )


# --- traceability -------------------------------------------------------------------------


@dataclass(frozen=True)
class TraceRow:
    procurement: Procurement
    requirement: RequirementItem
    details: list[str]
    # Filled by the implementation and acceptance stages; "pending" until then.
    evidence: list
    verdict: str | None


def _details(item: RequirementItem) -> list[str]:
    rows = []
    for line in item.syllabus_lines.all():
        rows.append(
            _("%(trainees)s: %(content)s (online %(online)s h, offline %(offline)s h)")
            % {
                "trainees": line.trainee_type,
                "content": line.content,
                "online": line.online_hours,
                "offline": line.offline_hours,
            }
        )
    for activity in item.promotion_activities.all():
        text = _("%(content)s; %(form)s × %(sessions)s sessions") % {
            "content": activity.content,
            "form": activity.form,
            "sessions": activity.sessions,
        }
        if activity.item_name:
            text += (
                f"; {activity.item_name} × {activity.item_quantity} ({activity.item_specification})"
            )
        rows.append(text)
    for placement in item.media_placements.all():
        rows.append(
            "; ".join(
                [
                    placement.content,
                    placement.media,
                    placement.technical_specs,
                    placement.duration,
                    placement.time_slot,
                    placement.frequency,
                    placement.expected_effect,
                ]
            )
        )
    return rows


def traceability_rows(*, user, project: Project) -> list[TraceRow]:
    """Requirement → acceptance criterion → evidence → verdict for every requirement of the
    project's procurements (its own and its lots'), cancelled ones left out."""
    procurements = (
        Procurement.objects.for_user(user)
        .filter(Q(project=project) | Q(lot__projects=project))
        .exclude(status=ProcurementStatus.CANCELLED)
        .distinct()
        .order_by("created_at", "pk")
        .prefetch_related(
            Prefetch(
                "requirements",
                queryset=RequirementItem.objects.prefetch_related(
                    "syllabus_lines", "promotion_activities", "media_placements"
                ),
            )
        )
    )
    rows = []
    for procurement in procurements:
        for item in procurement.requirements.all():
            rows.append(
                TraceRow(
                    procurement=procurement,
                    requirement=item,
                    details=_details(item),
                    evidence=[],
                    verdict=None,
                )
            )
    return rows
