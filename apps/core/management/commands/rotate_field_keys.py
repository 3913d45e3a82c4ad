"""Re-encrypts personal data at rest with the first key of WIPP_FIELD_KEYS.

Rotation: put the new key first in WIPP_FIELD_KEYS and keep the old ones after it (all of them
decrypt), run this command, check that `failed` is 0 everywhere, then drop the old keys.
"""

from django.core.management.base import BaseCommand, CommandError

from apps.core.crypto import field_keys_rotate


class Command(BaseCommand):
    help = "Re-encrypts every encrypted field value with the first key of WIPP_FIELD_KEYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=500,
            help="Rows read and rewritten per transaction (default 500).",
        )

    def handle(self, *args, chunk_size, **options):
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1")

        def report(label, counts):
            self.stdout.write(
                f"{label}: {counts['rotated']} re-encrypted, {counts['current']} already "
                f"under the first key, {counts['failed']} undecryptable"
            )

        results = field_keys_rotate(chunk_size=chunk_size, report=report)
        failed = sum(counts["failed"] for counts in results.values())
        if failed:
            raise CommandError(
                f"{failed} value(s) could not be decrypted with any configured key; "
                "they were left as they are"
            )
