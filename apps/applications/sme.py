"""Enterprise size classification by 中小企业划型标准规定 (工信部联企业〔2011〕300号).

Used by the SZ preliminary review P1 ①: only large (大型) and medium (中型) enterprises may
apply. (Industry associations are eligible by their registration kind, not by size; that is
decided elsewhere.)

The table is data (``data/sme_classification_2011.json``), so a revised standard is a new
data file rather than a code change. Every class has the same shape: ``{"all_at_least":
{measure: threshold}}``. Classes are tried large → medium → small; the first one whose every
named threshold is met (≥, "及以上") decides, and anything else is micro (微型). "Large" is
the standard's SME upper bound read the other way round: an enterprise is large when it is
NOT below the bound on any named measure.

Units: employees in persons, revenue (营业收入) and assets (资产总额) in 万元. All figures and
thresholds are Decimal; floats are refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from typing import Any

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "sme_classification_2011.json"

LARGE, MEDIUM, SMALL, MICRO = "large", "medium", "small", "micro"
#: Classes that a data file must define, from the highest down. Micro is what is left.
CLASS_ORDER: tuple[str, ...] = (LARGE, MEDIUM, SMALL)
SIZES: tuple[str, ...] = (*CLASS_ORDER, MICRO)
ELIGIBLE_SIZES = frozenset({LARGE, MEDIUM})

SIZE_LABELS: MappingProxyType[str, str] = MappingProxyType(
    {LARGE: "大型", MEDIUM: "中型", SMALL: "小型", MICRO: "微型"}
)

EMPLOYEES, REVENUE, ASSETS = "employees", "revenue", "assets"
#: Measure → (Chinese name, unit).
MEASURES: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        EMPLOYEES: ("从业人员", "人"),
        REVENUE: ("营业收入", "万元"),
        ASSETS: ("资产总额", "万元"),
    }
)
MEASURE_LABELS: MappingProxyType[str, str] = MappingProxyType(
    {measure: label for measure, (label, _unit) in MEASURES.items()}
)
_MEASURE_ORDER = tuple(MEASURES)
_RULE_SHAPE = "all_at_least"


@dataclass(frozen=True)
class IndustryRule:
    """One row of the standard: the thresholds of each class for one industry."""

    code: str
    name: str
    #: Class ("large"/"medium"/"small") → measure → threshold (≥).
    thresholds: MappingProxyType[str, MappingProxyType[str, Decimal]]
    article: str = ""

    @property
    def measures(self) -> tuple[str, ...]:
        """The measures this industry is classified by, in a fixed order."""
        named = self.thresholds[LARGE]
        return tuple(m for m in _MEASURE_ORDER if m in named)


@dataclass(frozen=True)
class SmeStandard:
    """A loaded, validated version of the classification table."""

    version: str
    source: str
    title: str
    rules: MappingProxyType[str, IndustryRule]

    def industries(self) -> list[tuple[str, str]]:
        """(code, Chinese name) of every industry, in the order of the standard."""
        return [(rule.code, rule.name) for rule in self.rules.values()]

    def rule(self, industry: str) -> IndustryRule:
        try:
            return self.rules[industry]
        except KeyError:
            raise ValueError(
                f"Unknown industry {industry!r} in SME standard {self.version} ({self.source})."
            ) from None

    def measures_for(self, industry: str) -> tuple[str, ...]:
        return self.rule(industry).measures


@dataclass(frozen=True)
class SizeClassification:
    """The outcome of classifying one enterprise."""

    industry: str
    #: "large" / "medium" / "small" / "micro", or None when a needed figure is missing.
    size: str | None
    #: True only for large and medium enterprises.
    eligible: bool
    #: What decided it, in Chinese, naming the figures and thresholds.
    rule: str
    standard_version: str
    #: Measures the industry needs that were not given (empty when classified).
    missing: tuple[str, ...] = ()

    @property
    def size_label(self) -> str:
        return SIZE_LABELS.get(self.size, "") if self.size else ""


# --- loading --------------------------------------------------------------------------------


def load_sme_standard(path: str | Path | None = None) -> SmeStandard:
    """Loads and validates a classification table; cached per (resolved) path.

    Raises ValueError naming the bad entry when the file is malformed.
    """
    resolved = Path(path).resolve() if path is not None else DEFAULT_PATH
    return _load_cached(str(resolved))


def clear_sme_standard_cache() -> None:
    _load_cached.cache_clear()


@lru_cache(maxsize=16)
def _load_cached(path: str) -> SmeStandard:
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(
            text, parse_float=Decimal, parse_int=Decimal, object_pairs_hook=_no_duplicate_keys
        )
    except json.JSONDecodeError as exc:
        raise ValueError(f"SME standard {path}: not valid JSON ({exc}).") from exc
    return _parse_standard(data, where=path)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"SME standard: key {key!r} appears twice in one object.")
        result[key] = value
    return result


def _parse_standard(data: Any, *, where: str) -> SmeStandard:
    if not isinstance(data, dict):
        raise ValueError(f"SME standard {where}: top level must be an object.")
    header = {}
    for key in ("version", "source"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"SME standard {where}: header {key!r} must be a non-empty string.")
        header[key] = value.strip()
    title = data.get("title", "")
    if not isinstance(title, str):
        raise ValueError(f"SME standard {where}: header 'title' must be a string.")

    entries = data.get("industries")
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"SME standard {where}: 'industries' must be a non-empty list.")
    rules: dict[str, IndustryRule] = {}
    for index, entry in enumerate(entries):
        rule = _parse_industry(entry, index=index, where=where)
        if rule.code in rules:
            raise ValueError(f"SME standard {where}: industry {rule.code!r} is listed twice.")
        rules[rule.code] = rule
    return SmeStandard(
        version=header["version"],
        source=header["source"],
        title=title,
        rules=MappingProxyType(rules),
    )


def _parse_industry(entry: Any, *, index: int, where: str) -> IndustryRule:
    if not isinstance(entry, dict):
        raise ValueError(f"SME standard {where}: industries[{index}] must be an object.")
    code = entry.get("code")
    if not isinstance(code, str) or not code.strip():
        raise ValueError(f"SME standard {where}: industries[{index}] has no 'code'.")
    label = f"SME standard {where}: industry {code!r}"
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{label} has no 'name'.")
    article = entry.get("article", "")
    if not isinstance(article, str):
        raise ValueError(f"{label}: 'article' must be a string.")

    thresholds: dict[str, MappingProxyType[str, Decimal]] = {}
    for size in CLASS_ORDER:
        spec = entry.get(size)
        if not isinstance(spec, dict):
            raise ValueError(f"{label} has no {size!r} class.")
        if set(spec) != {_RULE_SHAPE}:
            raise ValueError(
                f"{label}, class {size!r}: expected exactly {{{_RULE_SHAPE!r}: {{...}}}}, "
                f"got keys {sorted(spec)}."
            )
        named = spec[_RULE_SHAPE]
        if not isinstance(named, dict) or not named:
            raise ValueError(f"{label}, class {size!r}: {_RULE_SHAPE!r} must name measures.")
        parsed: dict[str, Decimal] = {}
        for measure, raw in named.items():
            if measure not in MEASURES:
                raise ValueError(
                    f"{label}, class {size!r}: unknown measure {measure!r} "
                    f"(known: {', '.join(MEASURES)})."
                )
            parsed[measure] = _parse_threshold(raw, context=f"{label}, {size}.{measure}")
            if measure == EMPLOYEES and parsed[measure] != parsed[measure].to_integral_value():
                raise ValueError(f"{label}, {size}.{measure}: headcount must be whole, got {raw}.")
        thresholds[size] = MappingProxyType({m: parsed[m] for m in _MEASURE_ORDER if m in parsed})

    measure_sets = {size: set(thresholds[size]) for size in CLASS_ORDER}
    if len({frozenset(s) for s in measure_sets.values()}) != 1:
        described = "; ".join(f"{s}: {sorted(m)}" for s, m in measure_sets.items())
        raise ValueError(f"{label}: every class must name the same measures ({described}).")
    for measure in thresholds[LARGE]:
        for higher, lower in pairwise(CLASS_ORDER):
            if thresholds[higher][measure] < thresholds[lower][measure]:
                raise ValueError(
                    f"{label}: {measure} threshold increases from {higher} "
                    f"({_fmt(thresholds[higher][measure])}) to {lower} "
                    f"({_fmt(thresholds[lower][measure])}); thresholds must not increase "
                    "from large to medium to small."
                )
    return IndustryRule(
        code=code, name=name.strip(), thresholds=MappingProxyType(thresholds), article=article
    )


def _parse_threshold(raw: Any, *, context: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, Decimal | int | str):
        raise ValueError(f"{context}: threshold must be a number, got {raw!r}.")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"{context}: threshold {raw!r} is not a number.") from None
    if not value.is_finite() or value <= 0:
        raise ValueError(f"{context}: threshold must be a positive number, got {raw}.")
    return value


# --- classifying ----------------------------------------------------------------------------


def classify_enterprise(
    *,
    industry: str,
    employees: int | None,
    revenue_wan: Decimal | None,
    assets_wan: Decimal | None,
    standard: SmeStandard | None = None,
) -> SizeClassification:
    """Classifies an enterprise as large / medium / small / micro.

    ``employees`` is a headcount, ``revenue_wan`` and ``assets_wan`` are in 万元 (Decimal or
    int; float is refused). Figures the industry does not use are ignored. When a figure the
    industry needs is None, ``size`` is None, ``eligible`` False and ``missing`` names it.
    Raises ValueError for an unknown industry or a negative figure.
    """
    standard = standard or load_sme_standard()
    rule = standard.rule(industry)
    given = {
        EMPLOYEES: _figure(employees, EMPLOYEES),
        REVENUE: _figure(revenue_wan, REVENUE),
        ASSETS: _figure(assets_wan, ASSETS),
    }

    missing = tuple(m for m in rule.measures if given[m] is None)
    if missing:
        names = "、".join(MEASURE_LABELS[m] for m in missing)
        return SizeClassification(
            industry=rule.code,
            size=None,
            eligible=False,
            rule=f"{rule.name}：缺少{names}，无法划型",
            standard_version=standard.version,
            missing=missing,
        )

    figures: dict[str, Decimal] = {m: given[m] for m in rule.measures}  # type: ignore[misc]
    unmet_above: list[str] = []  # the unmet conditions of the class just above the result
    for size in CLASS_ORDER:
        named = rule.thresholds[size]
        unmet = [m for m in named if figures[m] < named[m]]
        if not unmet:
            text = " 且 ".join(_condition(m, figures[m], named[m], met=True) for m in named)
            text = f"{rule.name}：{text} → {SIZE_LABELS[size]}"
            if unmet_above:
                text += f"（未达{SIZE_LABELS[_above(size)]}：{'、'.join(unmet_above)}）"
            return _result(standard, rule, size, text)
        unmet_above = [_condition(m, figures[m], named[m], met=False) for m in unmet]

    text = f"{rule.name}：{' 或 '.join(unmet_above)} → {SIZE_LABELS[MICRO]}"
    return _result(standard, rule, MICRO, text)


def _result(standard: SmeStandard, rule: IndustryRule, size: str, text: str) -> SizeClassification:
    return SizeClassification(
        industry=rule.code,
        size=size,
        eligible=size in ELIGIBLE_SIZES,
        rule=text,
        standard_version=standard.version,
    )


def _above(size: str) -> str:
    return CLASS_ORDER[CLASS_ORDER.index(size) - 1]


def _figure(value: Any, measure: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"{measure} must be an int or Decimal, not {type(value).__name__}.")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{measure} must be a finite number, got {value}.")
    if measure == EMPLOYEES and number != number.to_integral_value():
        raise ValueError(f"employees must be a whole number, got {value}.")
    if number < 0:
        raise ValueError(f"{measure} must not be negative, got {value}.")
    return number


def _condition(measure: str, value: Decimal, threshold: Decimal, *, met: bool) -> str:
    label, unit = MEASURES[measure]
    return f"{label} {_fmt(value)} {unit} {'≥' if met else '<'} {_fmt(threshold)}"


def _fmt(number: Decimal) -> str:
    """Plain notation without a trailing zero tail: 50000, 299.99, never 5E+4."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
