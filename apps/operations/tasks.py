"""The task worker's heartbeat: a task that records the time it ran and queues its next run.

A heartbeat written by the worker's own loop would only prove the process is alive; written by
a task, it proves the worker still claims and runs tasks from the queue. `manage.py wipp_worker`
queues the first one when the worker starts; each run queues the next
`WIPP_WORKER_HEARTBEAT_SECONDS` later unless one is already waiting (several workers share one
chain).
"""

import datetime
import os
import socket

from django.conf import settings
from django.utils import timezone
from django_tasks import task

WORKER = "task-worker"


def heartbeat_record(*, name: str = WORKER, detail: str = ""):
    from .models import Heartbeat

    beat, _created = Heartbeat.objects.update_or_create(
        name=name, defaults={"beat_at": timezone.now(), "detail": detail[:200]}
    )
    return beat


def heartbeat_waiting() -> bool:
    """Is a heartbeat task already queued on the database backend?"""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=worker_heartbeat.module_path, status="READY"
    ).exists()


def heartbeat_enqueue(*, delay_seconds: float | None = None) -> bool:
    """Queues the next heartbeat unless one is waiting; True if it queued one."""
    backend = settings.TASKS["default"]["BACKEND"]
    if backend == "django_tasks_db.DatabaseBackend" and heartbeat_waiting():
        return False
    if delay_seconds is None:
        delay_seconds = settings.WIPP_WORKER_HEARTBEAT_SECONDS
    # Only a backend that runs tasks later keeps the chain (the immediate one would recurse).
    chain = worker_heartbeat.get_backend().supports_defer
    beat = worker_heartbeat
    if delay_seconds and chain:
        beat = beat.using(run_after=timezone.now() + datetime.timedelta(seconds=delay_seconds))
    beat.enqueue(chain=chain)
    return True


@task()
def worker_heartbeat(*, chain: bool = True) -> str:
    beat = heartbeat_record(detail=f"{socket.gethostname()} pid {os.getpid()}")
    if chain:
        heartbeat_enqueue()
    return beat.beat_at.isoformat()
