"""The progress partial (apps.core.progress): a page includes
`{% include "includes/progress.html" %}` with the context of `progress_context`, or loads it
with `hx-get` from these views; it polls itself every few seconds until the work is done."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from apps.accounts.roles import GOVERNMENT_ROLES

from .progress import batch_progress_of, progress_context, task_progress_of


def _government(user) -> bool:
    return user.is_superuser or user.role in GOVERNMENT_ROLES


@login_required
def batch_progress(request, pk):
    """A batch run's progress: for government users, and for the user who started it."""
    from apps.batches.models import BatchRun

    run = BatchRun.objects.filter(pk=pk).first()
    if run is None:
        raise Http404
    if not (_government(request.user) or run.started_by == request.user.username):
        raise PermissionDenied
    context = progress_context(batch_progress_of(run), url=reverse("progress:batch", args=[run.pk]))
    return render(request, "includes/progress.html", context)


@login_required
def task_progress(request, task_id):
    """A queued task's progress (django-tasks' database result), for government users."""
    from django_tasks_db.models import DBTaskResult

    if not _government(request.user):
        raise PermissionDenied
    result = DBTaskResult.objects.filter(pk=task_id).first()
    if result is None:
        raise Http404
    context = progress_context(
        task_progress_of(result), url=reverse("progress:task", args=[result.pk])
    )
    return render(request, "includes/progress.html", context)
