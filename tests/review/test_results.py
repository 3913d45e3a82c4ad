"""Combining experts' sheets, deductions, zero vetoes, ranking, the budget cut-off and the
consistency checks — on plain values, without the database."""

import dataclasses
import datetime
from dataclasses import replace
from decimal import Decimal
from types import SimpleNamespace

import pytest

from apps.review.results import (
    SheetTotals,
    combined_scores,
    deductions_for,
    deviation_flags,
    expert_statistics,
    indicator_code_of,
    propose_within_budget,
    rank_key,
    sheet_totals,
    zero_vetoes,
)
from apps.review.rubric import load_rubric

D = Decimal


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("shenzhen-2027")


def totals(expert_id, base, bonus="0", first_level=None, indicator=None) -> SheetTotals:
    return SheetTotals(
        expert_id=expert_id,
        by_first_level={k: D(v) for k, v in (first_level or {}).items()},
        by_indicator={k: D(v) for k, v in (indicator or {}).items()},
        base=D(base),
        bonus=D(bonus),
    )


# --- one expert's sheet ----------------------------------------------------------------------


def test_item_codes_belong_to_their_indicator():
    assert [indicator_code_of(c) for c in ("1.2①", "2.3", "5", "3.3②")] == [
        "1.2",
        "2.3",
        "5",
        "3.3",
    ]


def test_a_sheet_adds_items_into_indicators_and_first_levels():
    scores = [
        SimpleNamespace(item_code=code, score=D(score))
        for code, score in [("1.1", "3"), ("1.2①", "1"), ("1.2②", "2"), ("2.3", "4.5")]
    ]
    assignment = SimpleNamespace(
        expert_id=7, scores=SimpleNamespace(all=lambda: scores), bonus={"7.1②": "2"}
    )
    sheet = sheet_totals(assignment, D("10"))
    assert sheet.by_indicator == {"1.1": D("3"), "1.2": D("3"), "2.3": D("4.5")}
    assert sheet.by_first_level == {"1": D("6"), "2": D("4.5")}
    assert (sheet.base, sheet.bonus, sheet.total) == (D("10.5"), D("2"), D("12.5"))


def test_a_sheets_bonus_is_capped_at_the_rubrics_maximum():
    assignment = SimpleNamespace(
        expert_id=7,
        scores=SimpleNamespace(all=list),
        bonus={"7.1①": "5", "7.1②": "3", "7.1③": "2", "extra": "4"},
    )
    assert sheet_totals(assignment, D("10")).bonus == D("10")


# --- combining experts -------------------------------------------------------------------------


def test_three_experts_combine_by_the_mean(rubric):
    sheets = [totals(1, "80"), totals(2, "85"), totals(3, "90.5")]
    assert combined_scores(rubric, sheets)["base"] == D("85.17")


def test_five_experts_drop_the_highest_and_the_lowest(rubric):
    sheets = [totals(i, base) for i, base in enumerate(["60", "80", "82", "84", "99"])]
    assert combined_scores(rubric, sheets)["base"] == D("82.00")


def test_four_experts_combine_by_the_plain_mean_under_trim_from_five(rubric):
    sheets = [totals(i, base) for i, base in enumerate(["60", "80", "82", "99"])]
    assert combined_scores(rubric, sheets)["base"] == D("80.25")


def test_bonus_and_each_first_level_are_combined_the_same_way(rubric):
    sheets = [
        totals(1, "80", "5", first_level={"1": "6", "2": "18"}),
        totals(2, "80", "2", first_level={"1": "7", "2": "15"}),
        totals(3, "80", "0", first_level={"1": "8", "2": "12"}),
    ]
    combined = combined_scores(rubric, sheets)
    assert combined["bonus"] == D("2.33")
    assert combined["first_level"] == {"1": D("7.00"), "2": D("15.00")}


# --- deductions (SZ 7.2) --------------------------------------------------------------------


REFERENCE_DAY = datetime.date(2026, 12, 31)


def event(kind, description, occurred_on=datetime.date(2025, 6, 1)):
    return SimpleNamespace(kind=kind, occurred_on=occurred_on, description=description)


def test_one_deduction_per_reason_however_many_events(rubric):
    events = [
        event("failed_acceptance", "2024年项目未通过验收"),
        event("failed_acceptance", "2025年项目未通过验收"),
        event("refused_supervision", "拒绝配合监督检查"),
    ]
    deductions = deductions_for(rubric, events, reference_day=REFERENCE_DAY)
    assert [(d["code"], d["points"]) for d in deductions] == [("7.2①", "20"), ("7.2③", "20")]
    assert deductions[0]["events"] == [
        "2025-06-01 2024年项目未通过验收",
        "2025-06-01 2025年项目未通过验收",
    ]


def test_no_events_no_deduction(rubric):
    assert deductions_for(rubric, [], reference_day=REFERENCE_DAY) == []


def test_each_deduction_counts_within_its_own_window(rubric):
    one_year = replace(rubric.deductions[0], within_years=1)
    narrowed = replace(rubric, deductions=(one_year, *rubric.deductions[1:]))
    events = [
        event("failed_acceptance", "两年前未通过验收", datetime.date(2024, 12, 1)),
        event("refused_supervision", "两年前拒绝配合", datetime.date(2024, 12, 1)),
    ]
    deductions = deductions_for(narrowed, events, reference_day=REFERENCE_DAY)
    assert [d["code"] for d in deductions] == ["7.2③"]


# --- zero vetoes (SZ 7.3④) -----------------------------------------------------------------


def _combined(first_level, indicator):
    return {
        "first_level": {k: D(v) for k, v in first_level.items()},
        "indicator": {k: D(v) for k, v in indicator.items()},
    }


def _with_scope(rubric, scope):
    return dataclasses.replace(rubric, zero_veto_scope=scope)


def test_a_first_level_indicator_combining_to_zero_vetoes(rubric):
    combined = _combined({"1": "7", "2": "0", "3": "12"}, {"2.1": "0", "2.2": "0"})
    assert zero_vetoes(rubric, combined) == [{"code": "7.3④", "reason": "2 = 0"}]


def test_a_zero_second_level_indicator_alone_does_not_veto_under_first_level_scope(rubric):
    combined = _combined({"1": "7", "2": "12"}, {"2.1": "0", "2.3": "7"})
    assert zero_vetoes(rubric, combined) == []


def test_the_any_indicator_setting_vetoes_a_zero_second_level_indicator(rubric):
    strict = _with_scope(rubric, "any_indicator")
    combined = _combined({"1": "7", "2": "12"}, {"2.1": "0", "2.3": "7"})
    assert zero_vetoes(strict, combined) == [{"code": "7.3④", "reason": "2.1 = 0"}]


def test_one_experts_zero_among_five_is_trimmed_away(rubric):
    sheets = [
        totals(i, "80", first_level={"2": score})
        for i, score in enumerate(["0", "12", "14", "15", "16"])
    ]
    assert zero_vetoes(rubric, combined_scores(rubric, sheets)) == []


# --- ranking and the budget -------------------------------------------------------------------


def result(number, final, base=None, amount="300000", submitted=1, vetoed=False):
    return SimpleNamespace(
        final_score=D(final),
        base_score=D(base if base is not None else final),
        amount=D(amount),
        vetoed=vetoed,
        proposed=False,
        application=SimpleNamespace(
            number=number,
            submitted_at=datetime.datetime(2026, 12, submitted, 10, 0, tzinfo=datetime.UTC),
        ),
    )


def _ranked(*results):
    return [r.application.number for r in sorted(results, key=rank_key)]


def test_a_higher_final_score_ranks_first():
    assert _ranked(result("A", "80"), result("B", "85")) == ["B", "A"]


def test_a_tie_is_broken_by_the_score_of_indicators_1_to_6():
    # B has the same final score, but more of it from the bonus.
    assert _ranked(result("B", "85", base="80"), result("A", "85", base="83")) == ["A", "B"]


def test_a_tie_in_both_scores_goes_to_the_smaller_amount():
    ranked = _ranked(result("A", "85", amount="450000"), result("B", "85", amount="300000"))
    assert ranked == ["B", "A"]


def test_a_tie_in_scores_and_amount_goes_to_the_earlier_submission():
    assert _ranked(result("A", "85", submitted=20), result("B", "85", submitted=3)) == ["B", "A"]


def test_the_budget_skips_a_project_too_large_and_takes_a_later_smaller_one():
    ranked = [
        result("A", "90", amount="400000"),
        result("B", "88", amount="500000"),
        result("C", "85", amount="300000"),
    ]
    propose_within_budget(ranked, D("800000"))
    assert [r.proposed for r in ranked] == [True, False, True]


def test_a_project_exactly_filling_the_budget_is_taken():
    ranked = [result("A", "90", amount="500000"), result("B", "88", amount="300000")]
    propose_within_budget(ranked, D("800000"))
    assert [r.proposed for r in ranked] == [True, True]


def test_a_vetoed_result_is_never_proposed():
    ranked = [result("A", "90", vetoed=True), result("B", "88")]
    propose_within_budget(ranked, D("1000000"))
    assert [r.proposed for r in ranked] == [False, True]


# --- consistency: deviation flags and expert statistics -------------------------------------


def test_a_total_deviating_from_the_others_mean_beyond_the_margin_is_flagged():
    sheets = {1: [totals(11, "80"), totals(12, "84"), totals(13, "50")]}
    assert deviation_flags(sheets, D("20")) == [(1, 13, D("-32.00"))]


def test_a_deviation_of_exactly_the_margin_is_not_flagged():
    sheets = {1: [totals(11, "80"), totals(12, "60")]}
    assert deviation_flags(sheets, D("20")) == []


def test_the_bonus_counts_in_the_deviation():
    sheets = {1: [totals(11, "80", bonus="10"), totals(12, "70")]}
    assert deviation_flags(sheets, D("15")) == [(1, 11, D("20.00")), (1, 12, D("-20.00"))]


def test_a_single_sheet_is_never_flagged():
    assert deviation_flags({1: [totals(11, "10")]}, D("5")) == []


def test_expert_statistics_give_sheets_mean_spread_and_flags():
    sheets = {
        1: [totals(11, "80"), totals(12, "84"), totals(13, "50")],
        2: [totals(11, "90"), totals(12, "88"), totals(13, "86")],
    }
    flags = deviation_flags(sheets, D("20"))
    statistics = {s.expert_id: s for s in expert_statistics(sheets, flags)}
    assert (statistics[11].sheets, statistics[11].mean_total, statistics[11].spread) == (
        2,
        D("85.0"),
        D("5.0"),
    )
    assert (statistics[13].mean_total, statistics[13].flagged) == (D("68.0"), 1)
    assert statistics[12].flagged == 0


def test_combined_scores_round_half_up(rubric):
    assert rubric.combine([Decimal("80.125")]) == Decimal("80.13")
