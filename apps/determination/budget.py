"""Budget years (HB §8): 项目实施周期1年以上的严格按照预计实施进度和支出计划分年度安排预算.

The split: one line per calendar year that the schedule touches. Where the application's
budget list gives the year of spending of every line (its 支出计划), each year gets its
lines' share of the approved amount (`split_by_plan`); otherwise the approved amount is shared
by the scheduled days in each year (start and end day included, `split_by_days`) and the
filed record says so. Each share is rounded down to the fen, the remainder on the last year —
so the lines always add up to the approved amount exactly.

No carry-over (原则上不得调整及跨年结转): a year is *closed* once it has ended (31 December
passed, in the platform's time zone). A closed year's line is final: a re-split may neither
lower it (moving its money into a later year is a carry-over) nor raise it (spending of a
past year cannot be re-planned). Money moves only between open years, and the total stays the
approved amount.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from apps.core.money import CENT


@dataclass(frozen=True)
class YearShare:
    year: int
    days: int
    amount: Decimal


def days_by_year(start: datetime.date, end: datetime.date) -> list[tuple[int, int]]:
    """[(year, scheduled days in it)] for start..end, both days included."""
    if end < start:
        raise ValueError("end before start")
    result = []
    for year in range(start.year, end.year + 1):
        first = max(start, datetime.date(year, 1, 1))
        last = min(end, datetime.date(year, 12, 31))
        result.append((year, (last - first).days + 1))
    return result


def split_by_days(amount: Decimal, start: datetime.date, end: datetime.date) -> list[YearShare]:
    spans = days_by_year(start, end)
    total_days = sum(days for _year, days in spans)
    shares, allocated = [], Decimal("0.00")
    for index, (year, days) in enumerate(spans):
        if index == len(spans) - 1:
            share = amount - allocated
        else:
            share = (amount * days / total_days).quantize(CENT, rounding=ROUND_DOWN)
            allocated += share
        shares.append(YearShare(year=year, days=days, amount=share))
    return shares


def year_closed(year: int, today: datetime.date) -> bool:
    return today > datetime.date(year, 12, 31)


def split_by_plan(
    amount: Decimal, start: datetime.date, end: datetime.date, planned: dict[int, Decimal]
) -> list[YearShare] | None:
    """The approved amount shared by the applicant's spending plan ({year: planned yuan}),
    one line per year of the schedule — or None when the plan cannot be used (no money
    planned, or a year outside the schedule)."""
    spans = days_by_year(start, end)
    years = {year for year, _days in spans}
    planned_total = sum(planned.values(), Decimal("0"))
    if not planned or planned_total <= 0 or not set(planned) <= years:
        return None
    shares, allocated = [], Decimal("0.00")
    for index, (year, days) in enumerate(spans):
        if index == len(spans) - 1:
            share = amount - allocated
        else:
            share = (amount * planned.get(year, Decimal("0")) / planned_total).quantize(
                CENT, rounding=ROUND_DOWN
            )
            allocated += share
        shares.append(YearShare(year=year, days=days, amount=share))
    return shares
