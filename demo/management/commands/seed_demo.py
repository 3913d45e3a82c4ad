from django.core.management.base import BaseCommand

from apps.audit.sequencer import audit_chain_pending
from demo.seed import DEMO_PASSWORD, USERS, demo_seed


class Command(BaseCommand):
    help = "Load the demo province (Hebei + Shenzhen), one account per role, and projects."

    def handle(self, *args, **options):
        demo_seed()
        # The seed's audit entries are chained (and checkpointed) at once, so the demo's audit
        # page and `verify_audit_log` start from a chained log.
        chained = audit_chain_pending()
        self.stdout.write(f"Audit log: {chained.chained} entries chained.")
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Logins (password for all: {DEMO_PASSWORD}):")
        )
        for username, full_name, role, _org in USERS:
            self.stdout.write(f"  {username:<16} {role.label:<34} {full_name}")
