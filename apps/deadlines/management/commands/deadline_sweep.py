import datetime

from django.core.management.base import BaseCommand, CommandError
from django_tasks import TaskResultStatus

from apps.deadlines.tasks import deadline_sweep_task


def _iso_date(value: str) -> str:
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise CommandError(f"--date: {value!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = (
        "Marks missed deadlines overdue (raising their findings) and sends the reminders. "
        "Run it once a day, e.g. from cron; it is idempotent, so running it again is harmless."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=_iso_date, help="Sweep as of this date (default: today, Asia/Shanghai)."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the sweep to the task worker (db_worker) instead of running it now.",
        )

    def handle(self, *args, date=None, enqueue=False, **options):
        if not enqueue:
            counts = deadline_sweep_task.call(today=date)
        else:
            result = deadline_sweep_task.enqueue(today=date)
            if result.status != TaskResultStatus.SUCCESSFUL:
                self.stdout.write(f"Deadline sweep queued as task {result.id}.")
                return
            counts = result.return_value
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['overdue']} deadline(s) newly overdue, "
                f"{counts['notifications']} notification(s) sent."
            )
        )
