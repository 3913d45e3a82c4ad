"""Reads of the home page: the user's projects by stage, documents missing or awaiting review,
the deadlines card and, for those who may browse it, the latest audit entries."""

from django.db.models import Count

from apps.accounts.selectors import (
    compliance_documents_awaiting_review,
    missing_documents_for,
    user_scope,
)
from apps.audit.selectors import audit_entry_list, may_browse_audit_log
from apps.deadlines.selectors import deadline_home_card
from apps.projects.models import Project, ProjectStage

from .work import needs_action


def home_summary(*, user) -> dict:
    scope = user_scope(user)
    by_stage = list(
        Project.objects.for_scope(scope).values("stage").annotate(n=Count("id")).order_by("stage")
    )
    for row in by_stage:
        row["label"] = ProjectStage(row["stage"]).label
    summary = {
        "scope": scope,
        "projects_by_stage": list(by_stage),
        "project_total": sum(row["n"] for row in by_stage),
        "missing_documents": missing_documents_for(user),
        "documents_to_review": list(compliance_documents_awaiting_review(user=user)[:20]),
        **deadline_home_card(user=user),
        "needs_action": needs_action(user=user),
    }
    if may_browse_audit_log(user):
        summary["recent_audit"] = list(audit_entry_list(user=user)[:8])
    return summary
