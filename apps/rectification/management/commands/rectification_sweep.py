import datetime

from django.core.management.base import BaseCommand, CommandError

from apps.rectification.services import rectification_sweep


def _iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date: {value!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = (
        "Escalates rectification orders not remedied by their day to the office of the "
        "project's level, and records the SZ 7.2② organisation event of an agency that did "
        "not remedy after urging. Run once a day after deadline_sweep; each order is its own "
        "transaction, so a stopped run resumes and a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=_iso_date, help="Sweep as of this date (default: today, Asia/Shanghai)."
        )

    def handle(self, *args, date=None, **options):
        counts = rectification_sweep(day=date)
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['escalated']} order(s) escalated to the office, "
                f"{counts['events']} SZ 7.2② event(s) recorded."
            )
        )
