"""Deletes face photos and templates past WIPP_TRAINING_FACE_RETENTION_DAYS (PIPL art. 19,
47); one audit entry with the counts. Run daily from a timer."""

from django.core.management.base import BaseCommand

from apps.training.services import face_data_purge


class Command(BaseCommand):
    help = "Delete face photos and templates of projects past the retention period."

    def handle(self, *args, **options):
        counts = face_data_purge()
        self.stdout.write(
            f"projects {counts['projects']}, photos {counts['photos']}, "
            f"templates {counts['templates']} deleted"
        )
