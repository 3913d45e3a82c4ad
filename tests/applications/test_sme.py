"""Enterprise size classification by 中小企业划型标准规定 (工信部联企业〔2011〕300号).

The expected results come from HAND_TABLE below, typed from the standard's article 4 (1)–(16)
independently of the data file, so that a typo in the JSON fails a test.
"""

import copy
import json
from decimal import Decimal

import pytest

from apps.applications.sme import (
    DEFAULT_PATH,
    SIZE_LABELS,
    SizeClassification,
    classify_enterprise,
    load_sme_standard,
)

E, R, A = "employees", "revenue", "assets"

# code: (name, {measure: (large bound, medium ≥, small ≥)}) — persons / 万元.
HAND_TABLE: dict[str, tuple[str, dict[str, tuple[int, int, int]]]] = {
    "agriculture": ("农、林、牧、渔业", {R: (20000, 500, 50)}),
    "industry": ("工业", {E: (1000, 300, 20), R: (40000, 2000, 300)}),
    "construction": ("建筑业", {R: (80000, 6000, 300), A: (80000, 5000, 300)}),
    "wholesale": ("批发业", {E: (200, 20, 5), R: (40000, 5000, 1000)}),
    "retail": ("零售业", {E: (300, 50, 10), R: (20000, 500, 100)}),
    "transport": ("交通运输业", {E: (1000, 300, 20), R: (30000, 3000, 200)}),
    "warehousing": ("仓储业", {E: (200, 100, 20), R: (30000, 1000, 100)}),
    "postal": ("邮政业", {E: (1000, 300, 20), R: (30000, 2000, 100)}),
    "accommodation": ("住宿业", {E: (300, 100, 10), R: (10000, 2000, 100)}),
    "catering": ("餐饮业", {E: (300, 100, 10), R: (10000, 2000, 100)}),
    "information_transmission": ("信息传输业", {E: (2000, 100, 10), R: (100000, 1000, 100)}),
    "software_it": ("软件和信息技术服务业", {E: (300, 100, 10), R: (10000, 1000, 50)}),
    "real_estate": ("房地产开发经营", {R: (200000, 1000, 100), A: (10000, 5000, 2000)}),
    "property_management": ("物业管理", {E: (1000, 300, 100), R: (5000, 1000, 500)}),
    "leasing_business": ("租赁和商务服务业", {E: (300, 100, 10), A: (120000, 8000, 100)}),
    "other": ("其他未列明行业", {E: (300, 100, 10)}),
}

CLASSES = ("large", "medium", "small")
NEXT_LOWER = {"large": "medium", "medium": "small", "small": "micro"}
STEP = {E: Decimal(1), R: Decimal("0.01"), A: Decimal("0.01")}
LABEL = {E: "从业人员", R: "营业收入", A: "资产总额"}
UNIT = {E: "人", R: "万元", A: "万元"}


def _threshold(code: str, size: str, measure: str) -> Decimal:
    return Decimal(HAND_TABLE[code][1][measure][CLASSES.index(size)])


def _classify(code: str, figures: dict[str, Decimal], **kwargs) -> SizeClassification:
    employees = figures.get(E)
    return classify_enterprise(
        industry=code,
        employees=int(employees) if employees is not None else None,
        revenue_wan=figures.get(R),
        assets_wan=figures.get(A),
        **kwargs,
    )


def _boundary_cases():
    for code, (_name, measures) in HAND_TABLE.items():
        for size in CLASSES:
            for measure in measures:
                for where in ("below", "at", "above"):
                    for others in ("at", "far_above"):
                        if others == "far_above" and len(measures) == 1:
                            continue
                        yield pytest.param(
                            code, size, measure, where, others,
                            id=f"{code}-{size}-{measure}-{where}-others_{others}",
                        )  # fmt: skip


# --- the table --------------------------------------------------------------------------------


def test_hand_table_is_a_valid_standard_shape():
    """Sanity of the oracle: per measure, large > medium > small by more than one step."""
    assert len(HAND_TABLE) == 16
    for code, (_name, measures) in HAND_TABLE.items():
        for measure, (large, medium, small) in measures.items():
            assert large - STEP[measure] > medium > medium - STEP[measure] > small > 0, code


def test_data_file_header():
    standard = load_sme_standard()
    assert standard.source == "工信部联企业〔2011〕300号"
    assert standard.version == "2011"
    raw = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert raw["version"] == "2011"
    assert raw["source"] == "工信部联企业〔2011〕300号"


def test_industries_match_the_standard_in_order():
    assert load_sme_standard().industries() == [
        (code, name) for code, (name, _m) in HAND_TABLE.items()
    ]


@pytest.mark.parametrize("code", list(HAND_TABLE))
def test_data_file_thresholds_match_hand_table(code):
    rule = load_sme_standard().rule(code)
    _name, measures = HAND_TABLE[code]
    assert rule.measures == tuple(m for m in (E, R, A) if m in measures)
    for size in CLASSES:
        assert dict(rule.thresholds[size]) == {m: _threshold(code, size, m) for m in measures}
        assert all(isinstance(v, Decimal) for v in rule.thresholds[size].values())


def test_size_labels():
    assert dict(SIZE_LABELS) == {
        "large": "大型",
        "medium": "中型",
        "small": "小型",
        "micro": "微型",
    }


# --- boundaries -------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "size", "measure", "where", "others"), list(_boundary_cases()))
def test_boundary(code, size, measure, where, others):
    """One measure just below / at / just above a class threshold; the others at it (or far
    above large, to show that every named measure must be met)."""
    _name, measures = HAND_TABLE[code]
    figures = {}
    for m in measures:
        if m == measure:
            offset = {"below": -STEP[m], "at": Decimal(0), "above": STEP[m]}[where]
            figures[m] = _threshold(code, size, m) + offset
        elif others == "at":
            figures[m] = _threshold(code, size, m)
        else:
            figures[m] = _threshold(code, "large", m) * 10
    expected = NEXT_LOWER[size] if where == "below" else size

    result = _classify(code, figures)

    assert result.size == expected
    assert result.eligible is (expected in ("large", "medium"))
    assert result.missing == ()
    assert result.standard_version == "2011"
    assert result.rule.startswith(HAND_TABLE[code][0] + "：")
    assert f"→ {SIZE_LABELS[expected]}" in result.rule
    # The figure under test is named, with its unit, in the explanation.
    assert f"{LABEL[measure]} {figures[measure].normalize():f} {UNIT[measure]}" in result.rule


@pytest.mark.parametrize("code", list(HAND_TABLE))
def test_nothing_is_micro(code):
    figures = dict.fromkeys(HAND_TABLE[code][1], Decimal(0))
    result = _classify(code, figures)
    assert (result.size, result.eligible) == ("micro", False)


@pytest.mark.parametrize("code", list(HAND_TABLE))
def test_huge_on_every_measure_is_large(code):
    figures = {m: Decimal(10**9) for m in HAND_TABLE[code][1]}
    result = _classify(code, figures)
    assert (result.size, result.eligible) == ("large", True)


@pytest.mark.parametrize(
    ("code", "employees", "revenue", "assets", "size"),
    [
        # 工业: employees ≥ 1000 but revenue < 40000 is not large.
        ("industry", 5000, Decimal("39999.99"), None, "medium"),
        ("industry", 999, Decimal(10**7), None, "medium"),
        # …and high headcount does not save a tiny revenue from micro.
        ("industry", 5000, Decimal("299.99"), None, "micro"),
        ("industry", 299, Decimal(50000), None, "small"),
        # 建筑业: revenue huge, assets below the medium threshold → small.
        ("construction", None, Decimal(10**6), Decimal(4999), "small"),
        # 房地产: the large asset bound (10000) is low, the revenue bound (200000) high.
        ("real_estate", None, Decimal(199999), Decimal(10**6), "medium"),
        ("real_estate", None, Decimal(200000), Decimal(10000), "large"),
        ("real_estate", None, Decimal(10**6), Decimal(1999), "micro"),
        # 租赁和商务服务业 uses assets, not revenue: revenue is ignored.
        ("leasing_business", 300, Decimal(0), Decimal(120000), "large"),
        ("leasing_business", 300, Decimal(10**9), Decimal(119999), "medium"),
        # 农、林、牧、渔业 has revenue only: headcount is ignored.
        ("agriculture", 0, Decimal(20000), None, "large"),
        ("agriculture", 100000, Decimal(49), None, "micro"),
        # 其他未列明行业 has employees only.
        ("other", 300, Decimal(0), Decimal(0), "large"),
        ("other", 9, Decimal(10**9), Decimal(10**9), "micro"),
    ],
)
def test_worked_examples(code, employees, revenue, assets, size):
    result = classify_enterprise(
        industry=code, employees=employees, revenue_wan=revenue, assets_wan=assets
    )
    assert result.size == size
    assert result.eligible is (size in ("large", "medium"))


# --- rule text --------------------------------------------------------------------------------


def test_rule_text_large_names_every_figure():
    result = classify_enterprise(
        industry="industry", employees=1200, revenue_wan=Decimal("50000.00"), assets_wan=None
    )
    assert result.rule == "工业：从业人员 1200 人 ≥ 1000 且 营业收入 50000 万元 ≥ 40000 → 大型"


def test_rule_text_medium_says_why_not_large():
    result = classify_enterprise(
        industry="industry", employees=1200, revenue_wan=Decimal("39999.5"), assets_wan=None
    )
    assert result.size == "medium"
    assert result.rule == (
        "工业：从业人员 1200 人 ≥ 300 且 营业收入 39999.5 万元 ≥ 2000 → 中型"
        "（未达大型：营业收入 39999.5 万元 < 40000）"
    )


def test_rule_text_micro_names_the_failing_figures():
    result = classify_enterprise(
        industry="construction", employees=None, revenue_wan=Decimal(200), assets_wan=Decimal(250)
    )
    assert result.size == "micro"
    assert result.rule == "建筑业：营业收入 200 万元 < 300 或 资产总额 250 万元 < 300 → 微型"


# --- missing figures --------------------------------------------------------------------------


def _missing_cases():
    for code, (_name, measures) in HAND_TABLE.items():
        for measure in measures:
            yield pytest.param(code, measure, id=f"{code}-{measure}")


@pytest.mark.parametrize(("code", "measure"), list(_missing_cases()))
def test_missing_needed_figure(code, measure):
    figures = {m: Decimal(10**9) for m in HAND_TABLE[code][1]}
    figures[measure] = None
    result = _classify(code, figures)
    assert result.size is None
    assert result.eligible is False
    assert result.missing == (measure,)
    assert f"缺少{LABEL[measure]}" in result.rule
    assert result.rule.startswith(HAND_TABLE[code][0])


def test_all_missing_are_listed():
    result = classify_enterprise(
        industry="industry", employees=None, revenue_wan=None, assets_wan=None
    )
    assert result.missing == ("employees", "revenue")
    assert "缺少从业人员、营业收入" in result.rule


def test_figures_the_industry_does_not_use_may_be_missing():
    result = classify_enterprise(
        industry="agriculture", employees=None, revenue_wan=Decimal(500), assets_wan=None
    )
    assert (result.size, result.missing) == ("medium", ())


# --- bad input --------------------------------------------------------------------------------


def test_unknown_industry():
    with pytest.raises(ValueError, match="mining"):
        classify_enterprise(industry="mining", employees=1, revenue_wan=None, assets_wan=None)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"employees": 1000, "revenue_wan": 40000.0},
        {"employees": 1000.0, "revenue_wan": Decimal(40000)},
        {"employees": True, "revenue_wan": Decimal(40000)},
        {"employees": 1000, "revenue_wan": "40000"},
    ],
)
def test_float_and_other_types_are_refused(kwargs):
    with pytest.raises(TypeError):
        classify_enterprise(industry="industry", assets_wan=None, **kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"employees": -1, "revenue_wan": Decimal(1)},
        {"employees": 1, "revenue_wan": Decimal("-0.01")},
        {"employees": 1, "revenue_wan": Decimal("NaN")},
        {"employees": Decimal("10.5"), "revenue_wan": Decimal(1)},
    ],
)
def test_invalid_figures_are_refused(kwargs):
    with pytest.raises(ValueError):
        classify_enterprise(industry="industry", assets_wan=None, **kwargs)


def test_whole_decimal_headcount_is_accepted():
    result = classify_enterprise(
        industry="other", employees=Decimal("300"), revenue_wan=None, assets_wan=None
    )
    assert result.size == "large"


# --- loading and validating the data file -----------------------------------------------------


def _raw() -> dict:
    return json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))


def _entry(raw: dict, code: str) -> dict:
    return next(e for e in raw["industries"] if e["code"] == code)


def _write(tmp_path, raw: dict, name="standard.json"):
    path = tmp_path / name
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


def test_load_is_cached_per_path(tmp_path):
    assert load_sme_standard() is load_sme_standard(DEFAULT_PATH)
    assert load_sme_standard() is load_sme_standard(str(DEFAULT_PATH))
    copy_path = _write(tmp_path, _raw())
    other = load_sme_standard(copy_path)
    assert other is load_sme_standard(copy_path)
    assert other is not load_sme_standard()
    assert other.industries() == load_sme_standard().industries()


def test_a_revised_standard_is_data_not_code(tmp_path):
    raw = _raw()
    raw["version"] = "2099-test"
    _entry(raw, "other")["large"]["all_at_least"]["employees"] = 500
    standard = load_sme_standard(_write(tmp_path, raw))
    result = classify_enterprise(
        industry="other", employees=300, revenue_wan=None, assets_wan=None, standard=standard
    )
    assert (result.size, result.standard_version) == ("medium", "2099-test")


def _mutations():
    def increasing(raw):
        _entry(raw, "retail")["medium"]["all_at_least"]["revenue"] = 30000  # > large 20000

    def increasing_small(raw):
        _entry(raw, "postal")["small"]["all_at_least"]["employees"] = 301  # > medium 300

    def unknown_measure(raw):
        _entry(raw, "construction")["medium"]["all_at_least"]["profit"] = 10

    def missing_class(raw):
        del _entry(raw, "warehousing")["small"]

    def zero(raw):
        _entry(raw, "catering")["small"]["all_at_least"]["revenue"] = 0

    def negative(raw):
        _entry(raw, "accommodation")["small"]["all_at_least"]["employees"] = -10

    def not_a_number(raw):
        _entry(raw, "software_it")["medium"]["all_at_least"]["revenue"] = "lots"

    def boolean(raw):
        _entry(raw, "software_it")["medium"]["all_at_least"]["revenue"] = True

    def fractional_headcount(raw):
        _entry(raw, "transport")["small"]["all_at_least"]["employees"] = 20.5

    def different_measures(raw):
        del _entry(raw, "wholesale")["small"]["all_at_least"]["revenue"]

    def empty_class(raw):
        _entry(raw, "agriculture")["large"]["all_at_least"] = {}

    def wrong_shape(raw):
        entry = _entry(raw, "real_estate")
        entry["medium"] = {"any_at_least": entry["medium"]["all_at_least"]}

    def no_name(raw):
        _entry(raw, "property_management")["name"] = ""

    def duplicate_code(raw):
        raw["industries"].append(copy.deepcopy(_entry(raw, "leasing_business")))

    return [
        ("retail", increasing),
        ("postal", increasing_small),
        ("construction", unknown_measure),
        ("warehousing", missing_class),
        ("catering", zero),
        ("accommodation", negative),
        ("software_it", not_a_number),
        ("software_it", boolean),
        ("transport", fractional_headcount),
        ("wholesale", different_measures),
        ("agriculture", empty_class),
        ("real_estate", wrong_shape),
        ("property_management", no_name),
        ("leasing_business", duplicate_code),
    ]


@pytest.mark.parametrize(
    ("code", "mutate"), [pytest.param(c, m, id=m.__name__) for c, m in _mutations()]
)
def test_validation_names_the_bad_industry(tmp_path, code, mutate):
    raw = _raw()
    mutate(raw)
    with pytest.raises(ValueError, match=f"'{code}'"):
        load_sme_standard(_write(tmp_path, raw))


def test_validation_message_for_increasing_threshold(tmp_path):
    raw = _raw()
    _entry(raw, "industry")["medium"]["all_at_least"]["employees"] = 1001
    with pytest.raises(ValueError, match=r"'industry'.*employees.*increases from large"):
        load_sme_standard(_write(tmp_path, raw))


def test_validation_message_for_unknown_measure(tmp_path):
    raw = _raw()
    _entry(raw, "other")["large"]["all_at_least"]["profit"] = 1
    with pytest.raises(ValueError, match=r"'other'.*unknown measure 'profit'"):
        load_sme_standard(_write(tmp_path, raw))


@pytest.mark.parametrize("key", ["version", "source"])
def test_validation_needs_the_header(tmp_path, key):
    raw = _raw()
    del raw[key]
    with pytest.raises(ValueError, match=key):
        load_sme_standard(_write(tmp_path, raw))


def test_validation_refuses_duplicate_keys(tmp_path):
    original = DEFAULT_PATH.read_text(encoding="utf-8")
    text = original.replace(
        '"other", "name": "其他未列明行业",', '"other", "name": "其他未列明行业", "name": "x",', 1
    )
    assert text != original
    path = tmp_path / "dup.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="'name' appears twice"):
        load_sme_standard(path)
