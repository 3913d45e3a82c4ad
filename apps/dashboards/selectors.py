"""Reads of the home page: the user's projects by stage, documents missing or awaiting review,
the deadlines card and, for those who may browse it, the latest audit entries."""

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

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
        "my_work": my_work_in_progress(user=user),
    }
    if may_browse_audit_log(user):
        summary["recent_audit"] = list(audit_entry_list(user=user)[:8])
    return summary


def my_work_in_progress(*, user, within=datetime.timedelta(hours=1)) -> list[dict]:
    """The batch runs the user started (a screening run, an import…) that are still running or
    ended within the last hour, each as the progress partial's context: the page follows them
    until they finish, and says so when no worker is running."""
    from apps.batches.models import BatchRun
    from apps.core.progress import batch_progress_of, progress_context

    if not user.username:
        return []
    runs = BatchRun.objects.filter(
        started_by=user.username, updated_at__gte=timezone.now() - within
    ).order_by("-id")[:5]
    return [
        progress_context(batch_progress_of(run), url=reverse("progress:batch", args=[run.pk]))
        for run in runs
    ]
