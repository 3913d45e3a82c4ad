"""The shipped Shenzhen rubric against the seed (SZ 2, seeds/004 lines 38–410), and the checks
that refuse a bad rubric file with an error naming the bad entry."""

import copy
import json
from decimal import Decimal

import pytest
from django.utils import translation

from apps.review.rubric import RUBRIC_DIR, RubricError, load_rubric, rubric_codes, rubric_parse


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("shenzhen-2027")


# --- the seed, written out ---------------------------------------------------------------

FIRST_LEVELS = {
    "1": ("基本情况", "9"),
    "2": ("必要性和可行性", "20"),
    "3": ("实施条件", "18"),
    "4": ("绩效目标", "10"),
    "5": ("费用预算", "10"),
    "6": ("实施计划方案", "33"),
}

INDICATORS = {
    "1.1": "3",
    "1.2": "6",
    "2.1": "5",
    "2.2": "5",
    "2.3": "7",
    "2.4": "3",
    "3.1": "2",
    "3.2": "6",
    "3.3": "8",
    "3.4": "2",
    "4.1": "4",
    "4.2": "6",
    "5": "10",
    "6.1": "5",
    "6.2": "5",
    "6.3": "8",
    "6.4": "5",
    "6.5": "5",
    "6.6": "5",
}

_FIVE_12 = [  # 2.1, 2.2, 6.1: 5 / 4 / 3 / 1–2 / 0, "二项及以上"
    ("完全符合", "5"),
    ("比较符合", "4"),
    ("基本符合", "3"),
    ("有一项不符合", "1–2"),
    ("有二项及以上不符合", "0"),
]
_FIVE_12_TWO = [*_FIVE_12[:4], ("有二项不符合", "0")]  # 6.2, 6.4, 6.5, 6.6

LEVELS = {
    "1.1": [
        ("完全符合", "3"),
        ("比较符合", "2"),
        ("基本符合", "1.5"),
        ("有一项不符合", "1"),
        ("有二项不符合", "0"),
    ],
    "2.1": _FIVE_12,
    "2.2": _FIVE_12,
    "2.3": [
        ("完全符合", "7"),
        ("比较符合", "6"),
        ("基本符合", "4–5"),
        ("有一项不符合", "1–3"),
        ("有二项不符合", "0"),
    ],
    "2.4": [
        ("完全符合", "3"),
        ("比较符合", "2"),
        ("基本符合", "1.5"),
        ("有一项不符合", "1"),
        ("有二项不符合", "0"),
    ],
    "3.1": [("完全符合", "2"), ("比较符合", "1.5"), ("基本符合", "1"), ("不符合", "0")],
    "3.3②": [("完全符合", "3"), ("比较符合", "2"), ("基本符合", "1"), ("其它情况", "0")],
    "3.4": [("完全符合", "2"), ("有一项不符合", "1"), ("有二项不符合", "0")],
    "4.1": [
        ("完全符合", "4"),
        ("比较符合", "3"),
        ("基本符合", "2.5"),
        ("①项符合，②③项有一项不符合", "1.5"),
        ("①项不符合，或者有二项及以上不符合", "0"),
    ],
    "4.2": [
        ("完全符合", "6"),
        ("比较符合", "5"),
        ("基本符合", "4"),
        ("①项符合，②③④项有一项不符合", "3"),
        ("①项不符合，或者②③④项有二项及以上不符合", "0"),
    ],
    "5": [
        ("完全符合", "10"),
        ("比较符合", "8–9"),
        ("基本符合", "6–7"),
        ("①项符合，②③项有一项不符合", "1–5"),
        ("①项不符合，或者有二项及以上不符合", "0"),
    ],
    "6.1": _FIVE_12,
    "6.2": _FIVE_12_TWO,
    "6.3": [
        ("完全符合", "8"),
        ("比较符合", "6–7"),
        ("基本符合", "4–5"),
        ("有一项不符合", "2–3"),
        ("有二项不符合", "1"),
        ("有三项及以上不符合", "0"),
    ],
    "6.4": _FIVE_12_TWO,
    "6.5": _FIVE_12_TWO,
    "6.6": _FIVE_12_TWO,
}

YES_NO = {"1.2①": "1", "3.2①": "1"}

COUNTED = {  # code: (subject, points per attribute, cap)
    "1.2②": (
        "leader",
        {"senior": "3", "deputy_senior": "2", "intermediate": "1", "junior": "0.5"}
        | {"qualification": "0.5"},
        "3",
    ),
    "1.2③": ("leader", {"doctor": "2", "master": "1.5", "bachelor": "1"}, "2"),
    "3.2②": (
        "team_member",
        {"senior": "1.5", "deputy_senior": "1.5", "intermediate": "1", "junior": "0.5"}
        | {"qualification": "0.5"},
        "3",
    ),
    "3.2③": ("team_member", {"doctor": "1", "master": "1", "bachelor": "0.5"}, "2"),
}


def _scale(levels) -> list[tuple[str, str]]:
    def fmt(value: Decimal) -> str:
        return format(value.normalize(), "f")

    return [
        (str(level.label), fmt(level.low) + (f"–{fmt(level.high)}" if level.is_range else ""))
        for level in levels
    ]


# --- the shipped rubric -------------------------------------------------------------------


def test_first_levels_are_the_seeds_six_with_their_maxima(rubric):
    shown = {fl.code: (fl.name, str(fl.maximum)) for fl in rubric.first_levels}
    assert shown == FIRST_LEVELS


def test_first_levels_add_up_to_100(rubric):
    assert sum(fl.maximum for fl in rubric.first_levels) == Decimal("100")


def test_every_indicator_has_the_seeds_maximum(rubric):
    shown = {
        ind.code: format(ind.maximum.normalize(), "f")
        for fl in rubric.first_levels
        for ind in fl.indicators
    }
    assert shown == INDICATORS


@pytest.mark.parametrize("code", sorted(LEVELS))
def test_levels_give_the_seeds_scores_and_ranges(rubric, code):
    assert _scale(rubric.row(code).levels) == LEVELS[code]


@pytest.mark.parametrize("code", sorted(YES_NO))
def test_yes_no_items_give_their_point_or_nothing(rubric, code):
    row = rubric.row(code)
    assert row.kind == "yes_no"
    assert _scale(row.levels) == [("Meets", YES_NO[code]), ("Does not meet", "0")]


@pytest.mark.parametrize("code", sorted(COUNTED))
def test_counted_items_give_the_seeds_points_per_person_and_cap(rubric, code):
    row = rubric.row(code)
    subject, points, cap = COUNTED[code]
    assert row.kind == "counted" and row.subject == subject
    assert {key: format(value.normalize(), "f") for key, value in row.points.items()} == points
    assert row.maximum == Decimal(cap)


def test_past_projects_count_one_each_of_the_last_two_years_up_to_5(rubric):
    row = rubric.row("3.3①")
    assert (row.subject, row.per_unit, row.maximum, row.window_years) == (
        "past_project",
        Decimal("1"),
        Decimal("5"),
        2,
    )


def test_only_the_leaders_and_teams_qualifications_need_a_relevant_field(rubric):
    relevant = {row.code for row in rubric.rows if row.relevant_fields}
    assert relevant == {"1.2①", "1.2②", "1.2③", "3.2②", "3.2③"}
    assert rubric.row("1.2①").min_years == 2
    assert {"工伤预防", "安全生产", "职业卫生", "宣传培训"} <= set(rubric.relevant_fields)


def test_items_of_an_indicator_add_up_to_its_maximum(rubric):
    for code in ("1.2", "3.2", "3.3"):
        indicator = next(
            ind for fl in rubric.first_levels for ind in fl.indicators if ind.code == code
        )
        assert sum(row.maximum for row in indicator.rows) == indicator.maximum


def test_bonus_items_5_then_1_to_3_then_2_with_max_10(rubric):
    items = [(item.code, item.low, item.high) for item in rubric.bonus_items]
    assert items == [
        ("7.1①", Decimal("5"), Decimal("5")),
        ("7.1②", Decimal("1"), Decimal("3")),
        ("7.1③", Decimal("2"), Decimal("2")),
    ]
    assert rubric.bonus_max == Decimal("10")


def test_deductions_are_20_each_for_their_events_within_three_years(rubric):
    shown = [(d.code, d.points, d.event, d.within_years) for d in rubric.deductions]
    assert shown == [
        ("7.2①", Decimal("20"), "failed_acceptance", 3),
        ("7.2②", Decimal("20"), "unremedied_noncompliance", 3),
        ("7.2③", Decimal("20"), "refused_supervision", 3),
    ]


def test_five_vetoes_with_where_each_comes_from(rubric):
    shown = [(veto.code, veto.source) for veto in rubric.vetoes]
    assert shown == [
        ("7.3①", "expert"),
        ("7.3②", "expert"),
        ("7.3③", "screening_p1"),
        ("7.3④", "zero_indicator"),
        ("7.3⑤", "screening_p4"),
    ]
    assert [veto.code for veto in rubric.expert_vetoes] == ["7.3①", "7.3②"]


def test_settings_half_points_trimmed_mean_from_five_zero_veto_on_first_levels(rubric):
    assert rubric.step == Decimal("0.5")
    assert (rubric.combination, rubric.trim_from) == ("trimmed_mean", 5)
    assert rubric.zero_veto_scope == "first_level"


def test_a_range_level_is_shown_with_its_range_and_a_fixed_one_with_its_score(rubric):
    levels = {level.code: level for level in rubric.row("2.3").levels}
    assert levels["basic"].display() == "基本符合: 4–5 points"
    assert levels["mostly"].display() == "比较符合: 6 points"


def test_the_bottom_level_is_the_lowest_scoring_one(rubric):
    assert rubric.row("6.3").bottom_level.label == "有三项及以上不符合"
    assert rubric.row("5").bottom_level.high == Decimal("0")


def test_the_shipped_rubric_is_listed():
    assert "shenzhen-2027" in rubric_codes()


# --- a bad file is refused, naming the entry ------------------------------------------------


def _raw() -> dict:
    return copy.deepcopy(json.loads((RUBRIC_DIR / "shenzhen-2027.json").read_text("utf-8")))


def _indicator(raw: dict, code: str) -> dict:
    return next(
        ind for fl in raw["first_levels"] for ind in fl["indicators"] if ind["code"] == code
    )


def _level(raw: dict, indicator: str, level: str) -> dict:
    return next(lv for lv in _indicator(raw, indicator)["levels"] if lv["code"] == level)


def _item(raw: dict, indicator: str, item: str) -> dict:
    return next(it for it in _indicator(raw, indicator)["items"] if it["code"] == item)


def _refused(raw: dict) -> str:
    with pytest.raises(RubricError) as error:
        rubric_parse(raw, name="bad.json")
    return str(error.value)


def test_the_unchanged_copy_parses():
    assert rubric_parse(_raw(), name="copy.json").code == "shenzhen-2027"


def test_first_levels_not_adding_to_100_are_refused():
    raw = _raw()
    raw["first_levels"] = [fl for fl in raw["first_levels"] if fl["code"] != "6"]
    assert _refused(raw) == "bad.json: the first-level indicators add up to 67, not 100."


def test_a_first_level_whose_indicators_do_not_add_up_is_refused():
    raw = _raw()
    raw["first_levels"][1]["max"] = "21"
    assert "bad.json 2: its indicators add up to 20, but the maximum is 21" in _refused(raw)


def test_a_level_range_above_the_indicators_maximum_is_refused():
    raw = _raw()
    _level(raw, "2.3", "basic")["max"] = "8"
    message = _refused(raw)
    assert "2.3 level “basic”" in message and "8 exceeds the indicator's maximum of 7" in message


def test_a_reversed_range_is_refused():
    raw = _raw()
    _level(raw, "6.3", "mostly").update({"min": "7", "max": "6"})
    assert "6.3 level “mostly”: the range 7–6 is reversed" in _refused(raw)


def test_a_score_off_the_half_point_step_is_refused():
    raw = _raw()
    _level(raw, "1.1", "basic")["score"] = "1.25"
    assert "1.1 level “basic”: 1.25 is not a multiple of the step 0.5" in _refused(raw)


def test_a_best_level_below_the_maximum_is_refused():
    raw = _raw()
    _level(raw, "2.4", "complete")["score"] = "2.5"
    assert "2.4: the best level gives 2.5, but the maximum is 3" in _refused(raw)


def test_items_not_adding_up_to_the_indicators_maximum_are_refused():
    raw = _raw()
    _item(raw, "3.2", "3.2③")["cap"] = "1.5"
    assert "3.2: its items give at most 5.5, but the maximum is 6" in _refused(raw)


def test_counted_points_above_the_cap_are_refused():
    raw = _raw()
    _item(raw, "1.2", "1.2②")["points"]["senior"] = "3.5"
    assert "1.2②: points for senior exceed the cap 3" in _refused(raw)


def test_a_bonus_maximum_other_than_10_is_refused():
    raw = _raw()
    raw["bonus"]["max"] = "12"
    assert "7.1: the bonus maximum is 12, not 10" in _refused(raw)


def test_a_bonus_item_above_the_bonus_maximum_is_refused():
    raw = _raw()
    raw["bonus"]["items"][1]["max"] = "11"
    assert "7.1②: the points must lie within 0–10" in _refused(raw)


def test_an_unknown_veto_source_is_refused():
    raw = _raw()
    raw["vetoes"]["items"][0]["source"] = "oracle"
    assert "7.3①: unknown veto source “oracle”" in _refused(raw)


def test_a_rubric_without_the_zero_score_veto_is_refused():
    raw = _raw()
    raw["vetoes"]["items"] = [v for v in raw["vetoes"]["items"] if v["code"] != "7.3④"]
    assert "exactly one veto must be the zero-score rule" in _refused(raw)


def test_an_unknown_deduction_event_is_refused():
    raw = _raw()
    raw["deductions"]["items"][1]["event"] = "late_report"
    assert "7.2②: unknown event “late_report”" in _refused(raw)


def test_an_unknown_combination_is_refused():
    raw = _raw()
    raw["settings"]["combination"]["method"] = "median"
    assert "settings.combination: unknown combination “median”" in _refused(raw)


def test_an_unknown_zero_veto_scope_is_refused():
    raw = _raw()
    raw["settings"]["zero_veto_scope"] = "bonus"
    assert "unknown zero-veto scope “bonus”" in _refused(raw)


def test_a_missing_level_label_is_refused():
    raw = _raw()
    del _level(raw, "2.1", "basic")["label"]
    assert _refused(raw) == "bad.json 2.1 level “basic”: “label” is missing."


def test_a_missing_indicator_maximum_is_refused():
    raw = _raw()
    del _indicator(raw, "2.4")["max"]
    assert _refused(raw) == "bad.json 2.4: “max” is missing."


def test_a_missing_name_of_an_indicator_scored_by_items_is_refused():
    raw = _raw()
    del _indicator(raw, "1.2")["name"]
    assert _refused(raw) == "bad.json 1.2: “name” is missing."


def test_a_missing_year_is_refused():
    raw = _raw()
    del raw["year"]
    assert _refused(raw) == "bad.json: “year” is missing."


def test_a_score_that_is_not_a_number_is_refused():
    raw = _raw()
    _level(raw, "1.1", "complete")["score"] = "three"
    assert "1.1 level “complete”: “three” is not a number" in _refused(raw)


def test_a_file_of_another_format_is_refused():
    raw = _raw()
    raw["format"] = 2
    assert _refused(raw) == "bad.json: not a rubric file of format 1."


@pytest.mark.parametrize("code", ["guangzhou-2027", "", "../rubrics/shenzhen-2027"])
def test_an_unknown_rubric_code_is_refused(code):
    with pytest.raises(RubricError, match="There is no rubric"):
        load_rubric(code)
