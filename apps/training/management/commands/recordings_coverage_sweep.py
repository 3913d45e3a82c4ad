"""Daily: checks the recording coverage of every session whose upload time is over
(WIPP_RECORDING_CHECK_AFTER_HOURS after its end, looking back a week) — gaps, missing
recordings and recordings below the procured specification become findings. Idempotent:
a finding is raised once per rule and session."""

from django.core.management.base import BaseCommand

from apps.core.context import ActorContext, acting_as
from apps.training.recordings import coverage_sweep


class Command(BaseCommand):
    help = "Check session recordings against the schedule (gaps, missing, below specification)."

    def handle(self, *args, **options):
        with acting_as(ActorContext(username="recordings-coverage", via="task")):
            checked = coverage_sweep()
        self.stdout.write(f"{checked} sessions checked")
