"""Steps of the pre-start package (HB §13: the agency uploads, the office of the project's level
reviews) and of the monthly report (HB §14)."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.core.levels import Level
from apps.core.workflow import Transition, TransitionTable

from .models import PackageStatus as P
from .models import ReportStatus as R

AGENCY = frozenset({Role.IMPLEMENTER})
OFFICE = frozenset({Role.OFFICE})

PRESTART_WORKFLOW = TransitionTable(
    field="status",
    transitions=[
        Transition(
            "submit",
            P.DRAFT,
            P.SUBMITTED,
            AGENCY,
            Level.ORGANISATION,
            clause="HB §13",
            label=_("Submit the package"),
        ),
        Transition(
            "submit",
            P.RETURNED,
            P.SUBMITTED,
            AGENCY,
            Level.ORGANISATION,
            clause="HB §13",
            label=_("Submit the package again"),
        ),
        Transition(
            "approve",
            P.SUBMITTED,
            P.APPROVED,
            OFFICE,
            Level.OWN,
            clause="HB §13; SPEC §3 step 10",
            label=_("Approve"),
        ),
        Transition(
            "return",
            P.SUBMITTED,
            P.RETURNED,
            OFFICE,
            Level.OWN,
            note_required=True,
            clause="HB §13; SPEC §3 step 10",
            label=_("Return with a reason"),
        ),
    ],
)

REPORT_WORKFLOW = TransitionTable(
    field="status",
    transitions=[
        Transition(
            "submit",
            R.DUE,
            R.SUBMITTED,
            AGENCY,
            Level.ORGANISATION,
            clause="HB §14 (三)",
            label=_("Submit the monthly report"),
        ),
    ],
)
