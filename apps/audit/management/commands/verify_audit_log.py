from django.core.management.base import BaseCommand, CommandError

from apps.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log; exits non-zero naming the first bad entry."

    def handle(self, *args, **options):
        verdict = audit_chain_verify()
        if not verdict.intact:
            raise CommandError(
                f"Audit log NOT intact: first bad entry #{verdict.first_bad_entry_id} "
                f"({verdict.reason}); {verdict.checked} entries verified before it."
            )
        self.stdout.write(f"Audit log intact: {verdict.checked} entries verified.")
