"""Reads of findings — always from the user's scope."""

from django.db.models import Q

from apps.core.workflow import actions_available

from .models import OUTSTANDING_STATUSES, Finding, FindingSeverity, FindingStatus
from .workflow import FINDING_WORKFLOW

FILTERS = ("status", "severity", "rule", "project", "mine", "q")


def finding_list(*, user, filters: dict | None = None):
    """Findings in scope, newest first; `mine` keeps those the user's organisation must act on."""
    filters = filters or {}
    qs = Finding.objects.for_user(user).select_related(
        "jurisdiction", "project", "owner_organisation"
    )
    status = filters.get("status")
    if status == "outstanding":
        qs = qs.filter(status__in=OUTSTANDING_STATUSES)
    elif status in FindingStatus.values:
        qs = qs.filter(status=status)
    if filters.get("severity") in FindingSeverity.values:
        qs = qs.filter(severity=filters["severity"])
    if filters.get("rule"):
        qs = qs.filter(rule_code=filters["rule"])
    if str(filters.get("project") or "").isdigit():
        qs = qs.filter(project_id=int(filters["project"]))
    if filters.get("mine") and user.organisation_id:
        qs = qs.filter(owner_organisation_id=user.organisation_id, owner_role=user.role)
    if filters.get("q"):
        q = filters["q"].strip()
        qs = qs.filter(
            Q(subject_label__icontains=q) | Q(message__icontains=q) | Q(citation__icontains=q)
        )
    return qs.order_by("-raised_at", "-id")


def finding_get(*, user, pk: int) -> Finding:
    return (
        Finding.objects.for_user(user)
        .select_related("jurisdiction", "project", "owner_organisation", "subject_type")
        .get(pk=pk)
    )


def finding_history(finding: Finding):
    return finding.events.select_related("actor", "evidence").order_by("at", "id")


def finding_actions(*, user, finding: Finding):
    return actions_available(table=FINDING_WORKFLOW, instance=finding, user=user)


def outstanding_for_project(*, user, project, limit: int = 20):
    return (
        Finding.objects.for_user(user)
        .filter(project=project, status__in=OUTSTANDING_STATUSES)
        .select_related("owner_organisation")
        .order_by("-raised_at", "-id")[:limit]
    )


def outstanding_count_for_user(*, user) -> int:
    """Findings the user's organisation must act on (for the navigation badge)."""
    if not user.is_authenticated or not user.organisation_id:
        return 0
    return (
        Finding.objects.for_user(user)
        .filter(
            owner_organisation_id=user.organisation_id,
            owner_role=user.role,
            status=FindingStatus.OPEN,
        )
        .count()
    )
