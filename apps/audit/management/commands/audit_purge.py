from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from apps.audit.retention import audit_purge, retention_days
from apps.core.context import ActorContext, acting_as


class Command(BaseCommand):
    help = (
        "Delete audit entries older than WIPP_AUDIT_RETENTION_DAYS (at least 183) — a prefix "
        "of the chain — leaving a signed purge checkpoint so verification still passes. The "
        "audit administrator's act."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--by", default="", help="the audit administrator who orders the purge (logged)"
        )

    def handle(self, *args, by="", **options):
        try:
            days = retention_days()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        with acting_as(ActorContext(username=by or "audit_purge", via="system")):
            result = audit_purge()
        self.stdout.write(
            f"Purged {result.purged} audit entries older than {days} days (through position "
            f"{result.through_seq}); checkpoint {result.checkpoint or '—'}."
        )
