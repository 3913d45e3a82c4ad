"""Long work shows progress (issue 17 item 5): one partial, polled by htmx, shows how far a
batch run (apps.batches.BatchRun: screening runs, deadline sweeps, imports) or a queued task
(django-tasks' database result) has got, stops polling by itself once the work is finished,
and says so plainly when no task worker is running instead of waiting forever.

Whether a worker runs: its heartbeat (apps.operations, the row /healthz reads) when that app is
installed; otherwise the task database — a worker is taken to be running when it picked up a
task recently or nothing has been waiting for it longer than the grace period.
"""

import datetime
from dataclasses import dataclass

from django.apps import apps as django_apps
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy

#: a task waiting longer than this with no worker seen means no worker is running
WAITING_GRACE = datetime.timedelta(seconds=60)
#: how often the page asks again
POLL_SECONDS = 2


@dataclass(frozen=True)
class WorkerState:
    running: bool
    last_seen: datetime.datetime | None
    checked: bool = True  # False: the installation runs tasks in the request (no worker)


def _heartbeat_state(now) -> WorkerState | None:
    if not django_apps.is_installed("apps.operations"):
        return None
    try:
        from apps.operations.models import Heartbeat
        from apps.operations.tasks import WORKER
    except ImportError:
        return None
    max_age = getattr(settings, "WIPP_WORKER_HEARTBEAT_MAX_AGE_SECONDS", 300)
    if not max_age:
        return WorkerState(running=True, last_seen=None, checked=False)
    beat = Heartbeat.objects.filter(name=WORKER).first()
    if beat is None:
        return WorkerState(running=False, last_seen=None)
    fresh = (now - beat.beat_at) <= datetime.timedelta(seconds=max_age)
    return WorkerState(running=fresh, last_seen=beat.beat_at)


def _task_database_state(now) -> WorkerState:
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if "django_tasks_db" not in backend:
        # The immediate backend runs a task inside the request: nothing ever waits.
        return WorkerState(running=True, last_seen=None, checked=False)
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    last = DBTaskResult.objects.exclude(started_at=None).order_by("-started_at").first()
    last_seen = last.started_at if last else None
    oldest_waiting = (
        DBTaskResult.objects.filter(status=TaskResultStatus.READY, run_after__lte=now)
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    stuck = oldest_waiting is not None and now - oldest_waiting > WAITING_GRACE
    return WorkerState(running=not stuck, last_seen=last_seen)


def worker_state(*, now: datetime.datetime | None = None) -> WorkerState:
    now = now or timezone.now()
    return _heartbeat_state(now) or _task_database_state(now)


@dataclass(frozen=True)
class Progress:
    """What the partial shows, whatever the kind of work."""

    label: str
    done: int
    total: int
    finished: bool
    failed: bool
    error: str
    started_at: datetime.datetime | None
    updated_at: datetime.datetime | None

    @property
    def percent(self) -> int:
        if self.finished and not self.failed:
            return 100
        return 0 if not self.total else min(100, self.done * 100 // self.total)


def batch_progress_of(run) -> Progress:
    from apps.batches.models import BatchStatus

    return Progress(
        label=run.label or run.kind,
        done=run.done,
        total=run.total,
        finished=run.status != BatchStatus.RUNNING,
        failed=run.status == BatchStatus.FAILED,
        error=run.error,
        started_at=run.started_at,
        updated_at=run.updated_at,
    )


# What a queued task is called on the page (its Python name otherwise).
TASK_LABELS = {
    "apps.screening.tasks.screening_run_task": gettext_lazy("Preliminary review checks"),
}


def task_progress_of(result) -> Progress:
    from django_tasks.base import TaskResultStatus

    finished = result.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)
    return Progress(
        label=TASK_LABELS.get(
            result.task_path, result.task_path.rsplit(".", 1)[-1].replace("_", " ")
        ),
        done=1 if finished else 0,
        total=1,
        finished=finished,
        failed=result.status == TaskResultStatus.FAILED,
        error=result.exception_class_path.rsplit(".", 1)[-1] if result.exception_class_path else "",
        started_at=result.started_at,
        updated_at=result.finished_at or result.started_at,
    )


def progress_context(progress: Progress, *, url: str) -> dict:
    """The partial's context: the figures, whether to poll again, and the worker's state while
    the work is not finished (a stalled page says that no worker is running)."""
    worker = None if progress.finished else worker_state()
    return {
        "progress": progress,
        "poll_url": url,
        "poll": not progress.finished,
        "poll_seconds": POLL_SECONDS,
        "worker": worker,
    }
