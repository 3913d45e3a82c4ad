from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.operations.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup, or pg_dump custom format), the evidence "
        "store and the audit checkpoints into a new directory wipp-backup-<time> under "
        "--output, with a signed manifest: rows and SHA-256 per table, SHA-256 per file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="directory to create the backup in")

    def handle(self, *args, output, **options):
        try:
            directory = backup_create(Path(output))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written: {directory}"))
