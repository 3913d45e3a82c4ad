import time

from django.core.management.base import BaseCommand

from apps.audit.sequencer import audit_chain_pending
from apps.core.context import ActorContext, acting_as


class Command(BaseCommand):
    help = (
        "Link the committed, not yet chained audit entries into the keyed chain and write a "
        "signed checkpoint when one is due (WIPP_AUDIT_CHECKPOINT_MIN_INTERVAL / _MIN_ENTRIES; "
        "run from a timer, or with --every N seconds as a service)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=None, help="entries per transaction")
        parser.add_argument(
            "--every", type=float, default=0, help="repeat every N seconds until stopped"
        )
        parser.add_argument(
            "--checkpoint",
            action="store_true",
            help="write a checkpoint now if the chain moved on since the last one",
        )

    def handle(self, *args, batch=None, every=0, checkpoint=False, **options):
        with acting_as(ActorContext(username="audit-sequencer", via="system")):
            while True:
                run = audit_chain_pending(batch=batch, checkpoint=True if checkpoint else None)
                if run.chained or not every:
                    self.stdout.write(
                        f"Chained {run.chained} entries (last position {run.last_seq}); "
                        f"checkpoint {run.checkpoint or '—'}."
                    )
                if not every:
                    return
                time.sleep(every)
