import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.operations.reference import province_admin_create

PASSWORD_VARIABLE = "WIPP_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create the first user administrator of a province (or of a city with its own "
        "programme) in its leading-group office, creating the office if needed. The password "
        f"comes from ${PASSWORD_VARIABLE} or is asked twice; the account must set up its "
        "second factor at first login unless --no-second-factor."
    )

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", required=True, help="code of the root, e.g. 130000")
        parser.add_argument("--username", required=True)
        parser.add_argument("--full-name", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--organisation-name", default="", help="if the office is new")
        parser.add_argument("--credit-code", default="", help="if the office is new")
        parser.add_argument("--no-second-factor", action="store_true")
        parser.add_argument(
            "--no-input", action="store_true", help=f"never prompt: ${PASSWORD_VARIABLE} or fail"
        )

    def _password(self, no_input: bool) -> str:
        password = os.environ.get(PASSWORD_VARIABLE, "")
        if password:
            return password
        if no_input:
            raise CommandError(f"Set {PASSWORD_VARIABLE} or run without --no-input.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first

    def handle(self, *args, **options):
        password = self._password(options["no_input"])
        try:
            user = province_admin_create(
                jurisdiction_code=options["jurisdiction"],
                username=options["username"],
                password=password,
                full_name=options["full_name"],
                email=options["email"],
                organisation_name=options["organisation_name"],
                credit_code=options["credit_code"],
                second_factor_required=not options["no_second_factor"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"User administrator {user.username} created in {user.organisation.name} "
                f"({user.organisation.jurisdiction.name})."
            )
        )
