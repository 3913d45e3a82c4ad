from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.operations.backup import BackupError
from apps.operations.restore import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup (manage.py backup) into an empty installation, then verify it: the "
        "manifest's signature and files, each table's rows and SHA-256, each evidence file, "
        "and the audit chain in full. Exits non-zero when anything differs. A verified "
        "restore is recorded in the audit log as --actor (an account of the restored "
        "installation), else as the OS user."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="the wipp-backup-<time> directory")
        parser.add_argument(
            "--force", action="store_true", help="replace an installation that is not empty"
        )
        parser.add_argument(
            "--actor",
            default="",
            help="username of the account (in the backup) the restore is recorded as; "
            "default: the OS user running the command",
        )

    def handle(self, *args, directory, force=False, actor="", **options):
        try:
            report = backup_restore(Path(directory), force=force, actor=actor)
        except BackupError as error:
            raise CommandError(f"Not restored: {error}") from error
        self.stdout.write(
            f"Restored {report.tables} tables ({report.rows} rows) and {report.files} files."
        )
        for line in report.table_mismatches + report.file_mismatches:
            self.stdout.write(f"  differs: {line}")
        reason = f" — {report.audit_reason}" if report.audit_reason else ""
        self.stdout.write(
            f"Audit chain: {report.audit_result} ({report.audit_entries_checked} entries "
            f"checked, {report.audit_pending} not chained yet){reason}."
        )
        if report.extra_checkpoints:
            self.stdout.write(
                f"Checkpoints newer than the backup kept in the checkpoint directory: "
                f"{', '.join(report.extra_checkpoints)} (RUNBOOK: restore)."
            )
        if not report.intact:
            raise CommandError("The restored installation does NOT match the backup.")
        self.stdout.write(self.style.SUCCESS("Restore verified: the installation matches."))
        if report.actor_missing:
            self.stdout.write(
                f"No account {report.actor_missing!r} in the restored installation: "
                "the restore is recorded as the OS user."
            )
        self.stdout.write(
            f"Recorded in the audit log: restore #{report.record_id}, chain position "
            f"{report.record_position}."
        )
