import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.audit.models import AuditVerification, VerificationResult
from apps.audit.verification import audit_verification_run


class Command(BaseCommand):
    help = (
        "Verify the audit chain against every checkpoint (from the last verified checkpoint, "
        "or --full); exits non-zero naming the first bad entry. Reports the average size of "
        "an entry's before/after JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="walk from the beginning")

    def handle(self, *args, full=False, **options):
        record = AuditVerification.objects.create(
            started_at=timezone.now(), started_by="manage.py verify_audit_log", full=full
        )
        began = time.monotonic()
        record = audit_verification_run(verification_id=record.pk, full=full)
        seconds = time.monotonic() - began
        rate = record.entries_checked / seconds if seconds > 0 else 0
        summary = (
            f"{record.entries_checked} entries from position {record.from_seq + 1} and "
            f"{record.checkpoints_checked} checkpoints verified in {seconds:.2f} s "
            f"({rate:,.0f} entries/s); {record.pending} entries not chained yet; "
            f"average before/after size {record.average_entry_bytes} bytes per entry."
        )
        if record.result != VerificationResult.INTACT:
            bad = f"#{record.first_bad_entry}" if record.first_bad_entry else "—"
            raise CommandError(
                f"Audit log NOT intact: first bad entry {bad} ({record.reason}); {summary}"
            )
        self.stdout.write(f"Audit log intact: {summary}")
