"""The daily deadline sweep, as a background task (cron runs `manage.py deadline_sweep`)."""

import datetime

from django_tasks import task

from apps.core.context import ActorContext, acting_as


@task()
def deadline_sweep_task(*, today: str | None = None) -> dict[str, int]:
    """Marks missed deadlines overdue (with their findings), then sends the reminders.
    `today` is an ISO date (task arguments are JSON); by default the local date."""
    from .services import deadline_reminders_send, deadlines_mark_overdue

    day = datetime.date.fromisoformat(today) if today else None
    with acting_as(ActorContext(username="deadline-sweep", via="task")):
        findings = deadlines_mark_overdue(today=day)
        notifications = deadline_reminders_send(today=day)
    return {"overdue": len(findings), "notifications": len(notifications)}
