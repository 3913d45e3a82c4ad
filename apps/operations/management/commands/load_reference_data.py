from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.operations.reference import reference_data_load


class Command(BaseCommand):
    help = (
        "Load the reference data of a production install — jurisdictions, key industries, "
        "deadline rules — and check the rubrics, qualification thresholds and checklists parse. "
        "Idempotent; creates no account."
    )

    def handle(self, *args, **options):
        try:
            loaded = reference_data_load()
        except (ValidationError, ValueError) as error:
            raise CommandError(f"Reference data not loaded: {error}") from error
        self.stdout.write(
            f"Jurisdictions: {loaded.jurisdictions}; key industries: {loaded.key_industries}; "
            f"deadline rules: {loaded.deadline_rules} ({loaded.deadline_rules_created} new)."
        )
        self.stdout.write(
            f"Rubrics checked: {', '.join(loaded.rubrics) or '—'}; qualification thresholds: "
            f"{loaded.qualification_rules}; checklists: {len(loaded.checklists)}."
        )
        self.stdout.write(self.style.SUCCESS("Reference data ready."))
