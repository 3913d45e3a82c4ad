from django.core.management.base import BaseCommand

from demo.seed import DEMO_PASSWORD, USERS, demo_seed


class Command(BaseCommand):
    help = "Load the demo province (Hebei + Shenzhen), one account per role, and projects."

    def handle(self, *args, **options):
        demo_seed()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Logins (password for all: {DEMO_PASSWORD}):")
        )
        for username, full_name, role, _org in USERS:
            self.stdout.write(f"  {username:<16} {role.label:<34} {full_name}")
