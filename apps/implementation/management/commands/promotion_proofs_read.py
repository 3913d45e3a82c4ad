"""Reads the promotion proofs still waiting to be read (uploaded before the platform read
proofs, or whose background task was lost): resolution, frame rate, colour, audio, duration."""

from django.core.management.base import BaseCommand

from apps.core.context import ActorContext, acting_as
from apps.implementation.proofs import promotion_proof_read, proofs_to_read


class Command(BaseCommand):
    help = "Reads the technical data of promotion proofs not read yet."

    def handle(self, *args, **options):
        counts: dict[str, int] = {}
        with acting_as(ActorContext(username="media-probe", via="task")):
            for proof in proofs_to_read():
                status = promotion_proof_read(proof=proof).media_status
                counts[status] = counts.get(status, 0) + 1
        self.stdout.write(
            ", ".join(f"{status}: {n}" for status, n in sorted(counts.items())) or "none waiting"
        )
