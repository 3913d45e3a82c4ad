"""Writes of determination and filing (HB §6), budget years (HB §8), the annual arrangement and
its adjustments (HB §7). Every write is one transaction: a refused step leaves nothing behind.

Who acts: the office, the HRSS department and the member units of the call's *own* level
(本级 / 同级). The province sees its cities' determinations but does not take their steps;
another city's call is not even visible (selectors scope it away, services refuse it).

The package is split by sub-domain: `proposal` (proposal, joint meeting, approval, filing),
`budget_years` (budget lines per year and re-splits), `arrangement` (the province's annual
arrangement), `adjustments` (its adjustments) and `common` (shared helpers). Everything other
code uses is importable from `apps.determination.services`.
"""

from .adjustments import adjustment_decide_consent, adjustment_publish, adjustment_request
from .arrangement import arrangement_compile, arrangement_publish, arrangement_title
from .budget_years import budget_exception_decide, budget_years_resplit
from .common import PROCUREMENT_ITEMS, PROJECT_TYPES
from .proposal import (
    current_entries,
    determination_decide,
    determination_file,
    determination_propose,
    determination_record_meeting,
    determination_revise,
    determination_submit,
)

__all__ = [
    "PROCUREMENT_ITEMS",
    "PROJECT_TYPES",
    "adjustment_decide_consent",
    "adjustment_publish",
    "adjustment_request",
    "arrangement_compile",
    "arrangement_publish",
    "arrangement_title",
    "budget_exception_decide",
    "budget_years_resplit",
    "current_entries",
    "determination_decide",
    "determination_file",
    "determination_propose",
    "determination_record_meeting",
    "determination_revise",
    "determination_submit",
]
