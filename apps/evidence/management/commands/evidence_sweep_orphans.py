from datetime import timedelta

from django.core.management.base import BaseCommand

from apps.evidence.services import evidence_orphans_sweep


class Command(BaseCommand):
    help = (
        "Deletes stored evidence objects that no StoredBlob row references (left behind when "
        "a caller's transaction rolled back after an upload). Safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-hours",
            type=float,
            default=24.0,
            help="Only objects older than this are deleted (default: 24).",
        )

    def handle(self, *args, older_than_hours, **options):
        deleted = evidence_orphans_sweep(older_than=timedelta(hours=older_than_hours))
        for name in deleted:
            self.stdout.write(name)
        self.stdout.write(self.style.SUCCESS(f"{len(deleted)} unreferenced object(s) deleted."))
