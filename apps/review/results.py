"""Combining the experts' sheets into one result per application, and ranking (product).

Each expert's sheet gives a total of indicators 1–6 and a bonus; the rubric's combination
setting (mean, or mean without the highest and lowest from five experts) combines them.
Deductions (SZ 7.2) come from the applicant's recorded events of the last three years;
vetoes (SZ 7.3) from the experts' flags, the combined zero scores and the preliminary review.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import mean, pstdev

ZERO = Decimal("0")


def indicator_code_of(item_code: str) -> str:
    """ "1.2①" → "1.2"; "2.3" → "2.3"; "5" → "5"."""
    return re.match(r"^[\d.]+", item_code).group(0).rstrip(".")


def first_level_code_of(item_code: str) -> str:
    return indicator_code_of(item_code).split(".")[0]


@dataclass(frozen=True)
class SheetTotals:
    expert_id: int
    by_first_level: dict[str, Decimal]
    by_indicator: dict[str, Decimal]
    base: Decimal
    bonus: Decimal

    @property
    def total(self) -> Decimal:
        return self.base + self.bonus


def sheet_totals(assignment, bonus_cap: Decimal) -> SheetTotals:
    by_first, by_indicator = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    for score in assignment.scores.all():
        by_first[first_level_code_of(score.item_code)] += score.score
        by_indicator[indicator_code_of(score.item_code)] += score.score
    bonus = min(sum((Decimal(v) for v in assignment.bonus.values()), ZERO), bonus_cap)
    return SheetTotals(
        expert_id=assignment.expert_id,
        by_first_level=dict(by_first),
        by_indicator=dict(by_indicator),
        base=sum(by_first.values(), ZERO),
        bonus=bonus,
    )


def combined_scores(rubric, sheets: list[SheetTotals]) -> dict:
    first_levels = sorted({code for s in sheets for code in s.by_first_level})
    indicators = sorted({code for s in sheets for code in s.by_indicator})
    return {
        "base": rubric.combine([s.base for s in sheets]),
        "bonus": rubric.combine([s.bonus for s in sheets]),
        "first_level": {
            c: rubric.combine([s.by_first_level.get(c, ZERO) for s in sheets]) for c in first_levels
        },
        "indicator": {
            c: rubric.combine([s.by_indicator.get(c, ZERO) for s in sheets]) for c in indicators
        },
    }


def years_before(day, years: int):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def deductions_for(rubric, events, *, reference_day) -> list[dict]:
    """One deduction per reason, whatever the number of events, each counting the events
    within its own window before the reference day (SZ 7.2: 近三年内)."""
    result = []
    for deduction in rubric.deductions:
        since = years_before(reference_day, deduction.within_years)
        matching = [e for e in events if e.kind == deduction.event and e.occurred_on >= since]
        if matching:
            result.append(
                {
                    "code": deduction.code,
                    "points": str(deduction.points),
                    "events": [f"{e.occurred_on} {e.description}" for e in matching],
                }
            )
    return result


def zero_vetoes(rubric, combined) -> list[dict]:
    scores = (
        combined["indicator"]
        if rubric.zero_veto_scope == "any_indicator"
        else combined["first_level"]
    )
    zeros = [code for code, value in scores.items() if value == ZERO]
    if not zeros:
        return []
    code = next(v.code for v in rubric.vetoes if v.source == "zero_indicator")
    return [{"code": code, "reason": "、".join(zeros) + " = 0"}]


def rank_key(result):
    """Ties: higher score of indicators 1–6, then smaller amount, then earlier submission."""
    application = result.application
    return (
        -result.final_score,
        -result.base_score,
        result.amount,
        application.submitted_at,
        application.number,
    )


def propose_within_budget(results, budget: Decimal) -> None:
    """Greedy: walk the ranking and take every project that still fits the budget."""
    remaining = budget
    for result in results:
        result.proposed = not result.vetoed and result.amount <= remaining
        if result.proposed:
            remaining -= result.amount


@dataclass(frozen=True)
class ExpertStatistics:
    expert_id: int
    sheets: int
    mean_total: Decimal
    spread: Decimal
    flagged: int


def deviation_flags(sheets_by_application: dict[int, list[SheetTotals]], margin: Decimal):
    """(application id, expert id, deviation) where a total strays from the others' mean."""
    flags = []
    for application_id, sheets in sheets_by_application.items():
        if len(sheets) < 2:
            continue
        for sheet in sheets:
            others = [s.total for s in sheets if s is not sheet]
            deviation = sheet.total - sum(others) / len(others)
            if abs(deviation) > margin:
                flags.append(
                    (
                        application_id,
                        sheet.expert_id,
                        deviation.quantize(Decimal("0.01"), ROUND_HALF_UP),
                    )
                )
    return flags


def expert_statistics(sheets_by_application, flags) -> list[ExpertStatistics]:
    totals = defaultdict(list)
    for sheets in sheets_by_application.values():
        for sheet in sheets:
            totals[sheet.expert_id].append(float(sheet.total))
    flagged = defaultdict(int)
    for _application, expert_id, _deviation in flags:
        flagged[expert_id] += 1
    return [
        ExpertStatistics(
            expert_id,
            len(values),
            Decimal(str(round(mean(values), 2))),
            Decimal(str(round(pstdev(values), 2))),
            flagged[expert_id],
        )
        for expert_id, values in sorted(totals.items())
    ]
