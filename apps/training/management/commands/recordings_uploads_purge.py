"""Daily: deletes recording uploads (tus) never finished before they expired — their part
files and rows — with one audit entry per chunk. Idempotent and resumable."""

from django.core.management.base import BaseCommand

from apps.core.context import ActorContext, acting_as
from apps.training.recordings import orphan_part_files_delete, uploads_expired_purge


class Command(BaseCommand):
    help = "Delete unfinished recording uploads past their expiry (part files and rows)."

    def handle(self, *args, **options):
        with acting_as(ActorContext(username="recordings-uploads-purge", via="task")):
            purged = uploads_expired_purge()
            orphans = orphan_part_files_delete()
        self.stdout.write(f"{purged} expired uploads deleted, {orphans} orphan part files")
