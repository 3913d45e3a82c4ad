from django.core.management.base import BaseCommand

from apps.accounts.services import security_events_summarise
from apps.core.context import ActorContext, acting_as


class Command(BaseCommand):
    help = (
        "Writes one audit entry per closed security-event window that counted repeats "
        "(refusals, OTP failures, lockouts). The next event summarises them anyway; run this "
        "from a timer so that a quiet period does not leave counts outside the log."
    )

    def handle(self, *args, **options):
        with acting_as(ActorContext(via="system")):
            written = security_events_summarise()
        self.stdout.write(f"{written} summary entries written")
