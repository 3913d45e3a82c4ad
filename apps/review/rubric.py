"""评审标准 — the rubric as versioned data: one JSON file per jurisdiction and year under
`data/rubrics/<code>.json`, read into frozen dataclasses and checked on load.

A sheet row is the unit an expert scores: an indicator scored by conformity level (e.g. 2.1),
or one item of an indicator scored by items (e.g. 1.2②). Row kinds:

- ``levels``: pick a level; a level has a fixed score or a range the expert picks within;
- ``yes_no``: meets the criterion or not, for fixed points;
- ``counted``: points per person or project by attribute (title, degree…), up to a cap —
  computed from the application's structured data (see computed.py).

The checks on load are what make a file trustworthy: first-level maxima add up to 100 and
the bonus to 10 (SZ 2), every indicator's maximum equals what its levels or items can give,
ranges lie inside the maximum and on the scoring step; a bad file is refused with an error
naming the entry.
"""

import functools
import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

RUBRIC_DIR = Path(__file__).resolve().parent / "data" / "rubrics"
BASE_TOTAL = Decimal("100")
BONUS_TOTAL = Decimal("10")
ZERO = Decimal("0")
VETO_SOURCES = {"expert", "screening_p1", "screening_p4", "zero_indicator"}
COMBINATIONS = {"mean", "trimmed_mean"}
ZERO_VETO_SCOPES = {"first_level", "any_indicator"}
COUNTED_SUBJECTS = {"leader", "team_member", "past_project"}
COMPUTED_BONUS = {"injury_rate_falling"}
DIVISION_CODE = re.compile(r"^\d{6}$")


class RubricError(ValueError):
    """A rubric file that cannot be used; the message names the bad entry."""


@dataclass(frozen=True)
class Level:
    code: str
    label: str
    low: Decimal
    high: Decimal

    @property
    def is_range(self) -> bool:
        return self.low != self.high

    def display(self) -> str:
        if self.is_range:
            return _("%(label)s: %(low)s–%(high)s points") % {
                "label": self.label,
                "low": _fmt(self.low),
                "high": _fmt(self.high),
            }
        return _("%(label)s: %(score)s points") % {"label": self.label, "score": _fmt(self.low)}


@dataclass(frozen=True)
class SheetRow:
    """One scorable line of an expert's sheet."""

    code: str
    indicator_code: str
    first_level_code: str
    label: str
    standard: str
    kind: str  # levels | yes_no | counted
    maximum: Decimal
    levels: tuple[Level, ...] = ()
    computed: str = ""
    subject: str = ""
    attribute: str = ""
    points: dict = field(default_factory=dict)
    per_unit: Decimal | None = None
    relevant_fields: bool = False
    min_years: int = 0
    window_years: int = 0

    def level(self, code: str) -> Level | None:
        return next((level for level in self.levels if level.code == code), None)

    @property
    def bottom_level(self) -> Level | None:
        return min(self.levels, key=lambda level: level.high) if self.levels else None

    @property
    def has_range(self) -> bool:
        return any(level.is_range for level in self.levels)

    @property
    def is_computed(self) -> bool:
        return self.kind == "counted" or bool(self.computed)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    maximum: Decimal
    review_points: tuple[str, ...]
    rows: tuple[SheetRow, ...]


@dataclass(frozen=True)
class FirstLevel:
    code: str
    name: str
    maximum: Decimal
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class BonusItem:
    code: str
    label: str
    standard: str
    low: Decimal
    high: Decimal
    computed: str = ""
    window_years: int = 0


@dataclass(frozen=True)
class Deduction:
    code: str
    label: str
    standard: str
    points: Decimal
    event: str
    within_years: int


@dataclass(frozen=True)
class Veto:
    code: str
    label: str
    source: str


@dataclass(frozen=True)
class Rubric:
    code: str
    jurisdiction: str
    year: int
    version: str
    title: str
    source: str
    note: str
    step: Decimal
    combination: str
    trim_from: int
    zero_veto_scope: str
    relevant_fields: tuple[str, ...]
    first_levels: tuple[FirstLevel, ...]
    bonus_items: tuple[BonusItem, ...]
    bonus_max: Decimal
    deductions: tuple[Deduction, ...]
    vetoes: tuple[Veto, ...]

    @property
    def rows(self) -> list[SheetRow]:
        return [row for fl in self.first_levels for ind in fl.indicators for row in ind.rows]

    def row(self, code: str) -> SheetRow | None:
        return next((row for row in self.rows if row.code == code), None)

    def bonus_item(self, code: str) -> BonusItem | None:
        return next((item for item in self.bonus_items if item.code == code), None)

    @property
    def expert_vetoes(self) -> list[Veto]:
        return [veto for veto in self.vetoes if veto.source == "expert"]

    def combine(self, values: list[Decimal]) -> Decimal:
        """The rubric's combination of the experts' figures for one application: the mean, or
        — from `trim_from` experts on — the mean without one highest and one lowest."""
        if not values:
            return ZERO
        ordered = sorted(values)
        if self.combination == "trimmed_mean" and len(ordered) >= self.trim_from:
            ordered = ordered[1:-1]
        # 四舍五入 to the fen of a point, as score tables are kept.
        return (sum(ordered, ZERO) / len(ordered)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _decimal(value, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError):
        raise RubricError(
            _("%(where)s: “%(value)s” is not a number.") % {"where": where, "value": value}
        ) from None
    if not number.is_finite() or number < 0:
        raise RubricError(
            _("%(where)s: %(value)s is not a non-negative number.")
            % {"where": where, "value": value}
        )
    return number


def _require(entry: dict, key: str, where: str):
    if key not in entry or entry[key] in (None, ""):
        raise RubricError(_("%(where)s: “%(key)s” is missing.") % {"where": where, "key": key})
    return entry[key]


class _Loader:
    def __init__(self, raw: dict, name: str):
        self.raw = raw
        self.name = name
        settings = raw.get("settings", {})
        self.step = _decimal(settings.get("step", "0.5"), f"{name} settings.step")
        if self.step <= 0:
            raise RubricError(
                _("%(where)s: the scoring step must be positive.")
                % {"where": f"{name} settings.step"}
            )

    def on_step(self, value: Decimal, where: str) -> Decimal:
        if value % self.step:
            raise RubricError(
                _("%(where)s: %(value)s is not a multiple of the step %(step)s.")
                % {"where": where, "value": value, "step": self.step}
            )
        return value

    def levels(self, entries, maximum: Decimal, where: str) -> tuple[Level, ...]:
        if not entries:
            raise RubricError(_("%(where)s: no levels.") % {"where": where})
        levels, codes = [], set()
        for entry in entries:
            code = _require(entry, "code", where)
            at = f"{where} level “{code}”"
            if code in codes:
                raise RubricError(_("%(where)s: the level code is repeated.") % {"where": at})
            codes.add(code)
            if "score" in entry:
                low = high = _decimal(entry["score"], at)
            else:
                low = _decimal(_require(entry, "min", at), at)
                high = _decimal(_require(entry, "max", at), at)
            if low > high:
                raise RubricError(
                    _("%(where)s: the range %(low)s–%(high)s is reversed.")
                    % {"where": at, "low": low, "high": high}
                )
            if high > maximum:
                raise RubricError(
                    _("%(where)s: %(high)s exceeds the indicator's maximum of %(max)s.")
                    % {"where": at, "high": high, "max": maximum}
                )
            self.on_step(low, at)
            self.on_step(high, at)
            levels.append(Level(code=code, label=_require(entry, "label", at), low=low, high=high))
        top = max(level.high for level in levels)
        if top != maximum:
            raise RubricError(
                _("%(where)s: the best level gives %(top)s, but the maximum is %(max)s.")
                % {"where": where, "top": top, "max": maximum}
            )
        return tuple(levels)

    def item_row(self, entry: dict, indicator: dict, first_level: str) -> SheetRow:
        code = _require(entry, "code", f"{self.name} {indicator['code']}")
        where = f"{self.name} {code}"
        kind = _require(entry, "kind", where)
        common = {
            "code": code,
            "indicator_code": indicator["code"],
            "first_level_code": first_level,
            "label": _require(entry, "label", where),
            "standard": entry.get("standard", ""),
            "kind": kind,
        }
        if kind == "yes_no":
            points = self.on_step(_decimal(_require(entry, "points", where), where), where)
            return SheetRow(
                **common,
                maximum=points,
                levels=(
                    Level("yes", gettext_lazy("Meets"), points, points),
                    Level("no", gettext_lazy("Does not meet"), ZERO, ZERO),
                ),
                computed=entry.get("computed", ""),
                relevant_fields=bool(entry.get("relevant_fields")),
                min_years=int(entry.get("min_years", 0)),
            )
        if kind == "levels":
            levels_max = max(
                _decimal(level.get("score", level.get("max", 0)), where)
                for level in entry.get("levels") or [{}]
            )
            return SheetRow(
                **common,
                maximum=levels_max,
                levels=self.levels(entry.get("levels"), levels_max, where),
            )
        if kind == "counted":
            return self.counted_row(entry, common, where)
        raise RubricError(
            _("%(where)s: unknown item kind “%(kind)s”.") % {"where": where, "kind": kind}
        )

    def counted_row(self, entry: dict, common: dict, where: str) -> SheetRow:
        subject = _require(entry, "subject", where)
        if subject not in COUNTED_SUBJECTS:
            raise RubricError(
                _("%(where)s: unknown subject “%(subject)s”.")
                % {"where": where, "subject": subject}
            )
        cap = self.on_step(_decimal(_require(entry, "cap", where), where), where)
        points = {
            key: self.on_step(_decimal(value, f"{where} {key}"), f"{where} {key}")
            for key, value in (entry.get("points") or {}).items()
        }
        per_unit = _decimal(entry["per_unit"], where) if "per_unit" in entry else None
        if not points and per_unit is None:
            raise RubricError(
                _("%(where)s: give points per attribute or per unit.") % {"where": where}
            )
        if points and not entry.get("attribute"):
            raise RubricError(
                _("%(where)s: points per attribute need the attribute.") % {"where": where}
            )
        too_big = [key for key, value in points.items() if value > cap]
        if too_big:
            raise RubricError(
                _("%(where)s: points for %(keys)s exceed the cap %(cap)s.")
                % {"where": where, "keys": ", ".join(too_big), "cap": cap}
            )
        return SheetRow(
            **common,
            maximum=cap,
            subject=subject,
            attribute=entry.get("attribute") or "",
            points=points,
            per_unit=per_unit,
            relevant_fields=bool(entry.get("relevant_fields")),
            window_years=int(entry.get("window_years", 0)),
            computed=entry.get("computed", "") or f"{subject}_{entry.get('attribute') or 'count'}",
        )

    def indicator(self, entry: dict, first_level: str) -> Indicator:
        code = _require(entry, "code", f"{self.name} {first_level}")
        where = f"{self.name} {code}"
        maximum = self.on_step(_decimal(_require(entry, "max", where), where), where)
        scale = _require(entry, "scale", where)
        if scale == "levels":
            row = SheetRow(
                code=code,
                indicator_code=code,
                first_level_code=first_level,
                label=_require(entry, "name", where),
                standard="",
                kind="levels",
                maximum=maximum,
                levels=self.levels(entry.get("levels"), maximum, where),
            )
            rows = (row,)
        elif scale == "items":
            rows = tuple(self.item_row(item, entry, first_level) for item in entry.get("items", []))
            total = sum((row.maximum for row in rows), ZERO)
            if total != maximum:
                raise RubricError(
                    _("%(where)s: its items give at most %(total)s, but the maximum is %(max)s.")
                    % {"where": where, "total": total, "max": maximum}
                )
        else:
            raise RubricError(
                _("%(where)s: unknown scale “%(scale)s”.") % {"where": where, "scale": scale}
            )
        return Indicator(
            code=code,
            name=_require(entry, "name", where),
            maximum=maximum,
            review_points=tuple(entry.get("review_points", [])),
            rows=rows,
        )

    def first_level(self, entry: dict) -> FirstLevel:
        code = _require(entry, "code", self.name)
        where = f"{self.name} {code}"
        maximum = _decimal(_require(entry, "max", where), where)
        indicators = tuple(self.indicator(item, code) for item in entry.get("indicators", []))
        total = sum((indicator.maximum for indicator in indicators), ZERO)
        if total != maximum:
            raise RubricError(
                _("%(where)s: its indicators add up to %(total)s, but the maximum is %(max)s.")
                % {"where": where, "total": total, "max": maximum}
            )
        return FirstLevel(
            code=code, name=_require(entry, "name", where), maximum=maximum, indicators=indicators
        )

    def bonus(self) -> tuple[tuple[BonusItem, ...], Decimal]:
        raw = self.raw.get("bonus") or {}
        where = f"{self.name} {raw.get('code', 'bonus')}"
        maximum = _decimal(_require(raw, "max", where), where)
        if maximum != BONUS_TOTAL:
            raise RubricError(
                _("%(where)s: the bonus maximum is %(max)s, not %(total)s.")
                % {"where": where, "max": maximum, "total": BONUS_TOTAL}
            )
        items = []
        for entry in raw.get("items", []):
            at = f"{self.name} {_require(entry, 'code', where)}"
            if "points" in entry:
                low = high = _decimal(entry["points"], at)
            else:
                low, high = (
                    _decimal(_require(entry, "min", at), at),
                    _decimal(_require(entry, "max", at), at),
                )
            if low > high or high > maximum:
                raise RubricError(
                    _("%(where)s: the points must lie within 0–%(max)s.")
                    % {"where": at, "max": maximum}
                )
            computed = entry.get("computed") or ""
            if computed and computed not in COMPUTED_BONUS:
                raise RubricError(
                    _("%(where)s: unknown computed bonus “%(computed)s”.")
                    % {"where": at, "computed": computed}
                )
            if computed and low != high:
                raise RubricError(
                    _("%(where)s: a computed bonus gives fixed points, not a range.")
                    % {"where": at}
                )
            items.append(
                BonusItem(
                    entry["code"],
                    _require(entry, "label", at),
                    entry.get("standard", ""),
                    self.on_step(low, at),
                    self.on_step(high, at),
                    computed=computed,
                    window_years=int(entry.get("window_years", 2 if computed else 0)),
                )
            )
        return tuple(items), maximum

    def deductions(self) -> tuple[Deduction, ...]:
        from .models import OrganisationEventKind

        raw = self.raw.get("deductions") or {}
        result = []
        for entry in raw.get("items", []):
            where = f"{self.name} {_require(entry, 'code', self.name)}"
            event = _require(entry, "event", where)
            if event not in OrganisationEventKind.values:
                raise RubricError(
                    _("%(where)s: unknown event “%(event)s”.") % {"where": where, "event": event}
                )
            result.append(
                Deduction(
                    entry["code"],
                    _require(entry, "label", where),
                    entry.get("standard", ""),
                    _decimal(_require(entry, "points", where), where),
                    event,
                    int(entry.get("within_years", 3)),
                )
            )
        return tuple(result)

    def vetoes(self) -> tuple[Veto, ...]:
        raw = self.raw.get("vetoes") or {}
        result = []
        for entry in raw.get("items", []):
            where = f"{self.name} {_require(entry, 'code', self.name)}"
            source = _require(entry, "source", where)
            if source not in VETO_SOURCES:
                raise RubricError(
                    _("%(where)s: unknown veto source “%(source)s”.")
                    % {"where": where, "source": source}
                )
            result.append(Veto(entry["code"], _require(entry, "label", where), source))
        if sum(1 for veto in result if veto.source == "zero_indicator") != 1:
            raise RubricError(
                _("%(where)s: exactly one veto must be the zero-score rule.") % {"where": self.name}
            )
        return tuple(result)

    def rubric(self) -> Rubric:
        settings = self.raw.get("settings", {})
        combination = settings.get("combination", {})
        method = combination.get("method", "mean")
        if method not in COMBINATIONS:
            raise RubricError(
                _("%(where)s: unknown combination “%(method)s”.")
                % {"where": f"{self.name} settings.combination", "method": method}
            )
        scope = settings.get("zero_veto_scope", "first_level")
        if scope not in ZERO_VETO_SCOPES:
            raise RubricError(
                _("%(where)s: unknown zero-veto scope “%(scope)s”.")
                % {"where": f"{self.name} settings.zero_veto_scope", "scope": scope}
            )
        first_levels = tuple(self.first_level(entry) for entry in self.raw.get("first_levels", []))
        total = sum((fl.maximum for fl in first_levels), ZERO)
        if total != BASE_TOTAL:
            raise RubricError(
                _("%(where)s: the first-level indicators add up to %(total)s, not %(expected)s.")
                % {"where": self.name, "total": total, "expected": BASE_TOTAL}
            )
        codes = [row.code for fl in first_levels for ind in fl.indicators for row in ind.rows]
        repeated = sorted({code for code in codes if codes.count(code) > 1})
        if repeated:
            raise RubricError(
                _("%(where)s: repeated codes %(codes)s.")
                % {"where": self.name, "codes": ", ".join(repeated)}
            )
        bonus_items, bonus_max = self.bonus()
        jurisdiction = str(_require(self.raw, "jurisdiction", self.name))
        if not DIVISION_CODE.match(jurisdiction):
            raise RubricError(
                _(
                    "%(where)s: the jurisdiction “%(code)s” is not the six-digit division code "
                    "of the jurisdiction root the rubric belongs to."
                )
                % {"where": self.name, "code": jurisdiction}
            )
        return Rubric(
            code=_require(self.raw, "code", self.name),
            jurisdiction=jurisdiction,
            year=int(_require(self.raw, "year", self.name)),
            version=str(self.raw.get("version", "1")),
            title=_require(self.raw, "title", self.name),
            source=self.raw.get("source", ""),
            note=self.raw.get("note", ""),
            step=self.step,
            combination=method,
            trim_from=int(combination.get("trim_from", 5)),
            zero_veto_scope=scope,
            relevant_fields=tuple(settings.get("relevant_fields", [])),
            first_levels=first_levels,
            bonus_items=bonus_items,
            bonus_max=bonus_max,
            deductions=self.deductions(),
            vetoes=self.vetoes(),
        )


def rubric_parse(raw: dict, *, name: str = "rubric") -> Rubric:
    """Reads a rubric from its JSON form, or raises RubricError naming the bad entry."""
    if not isinstance(raw, dict) or raw.get("format") != 1:
        raise RubricError(_("%(where)s: not a rubric file of format 1.") % {"where": name})
    return _Loader(raw, name).rubric()


def rubric_codes() -> list[str]:
    return sorted(path.stem for path in RUBRIC_DIR.glob("*.json"))


def rubric_raw(code: str) -> dict:
    """The rubric file's content, as a review round stores it when it opens."""
    path = RUBRIC_DIR / f"{code}.json"
    if not code or "/" in code or not path.is_file():
        raise RubricError(_("There is no rubric “%(code)s”.") % {"code": code})
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise RubricError(
            _("%(where)s: not valid JSON (%(error)s).") % {"where": path.name, "error": error}
        ) from None


def rubric_from_snapshot(raw: dict, *, name: str) -> Rubric:
    return _parse_cached(json.dumps(raw, sort_keys=True, ensure_ascii=False), name)


@functools.lru_cache(maxsize=32)
def _parse_cached(key: str, name: str) -> Rubric:
    return rubric_parse(json.loads(key), name=name)


@functools.cache
def load_rubric(code: str) -> Rubric:
    rubric = rubric_parse(rubric_raw(code), name=f"{code}.json")
    if rubric.code != code:
        raise RubricError(
            _("%(where)s: its code is “%(code)s”.") % {"where": f"{code}.json", "code": rubric.code}
        )
    return rubric


def rubrics_for(jurisdiction) -> list[Rubric]:
    """The rubrics of a jurisdiction's root (a city's calls use its province's rubrics;
    Shenzhen is a root of its own), newest year first — the choices of the call form."""
    root = jurisdiction.root.code
    found = [load_rubric(code) for code in rubric_codes()]
    return sorted(
        (rubric for rubric in found if rubric.jurisdiction == root),
        key=lambda rubric: (-rubric.year, rubric.code),
    )


def rubric_check_jurisdiction(rubric: Rubric, jurisdiction) -> None:
    """Refuses a rubric of another jurisdiction root: a Hebei call is not scored on Shenzhen's
    standard (and its “鲜明深圳特色”)."""
    root = jurisdiction.root
    if rubric.jurisdiction != root.code:
        raise RubricError(
            _(
                "The rubric “%(title)s” belongs to another jurisdiction (division code "
                "%(code)s); a call of %(root)s is reviewed on a rubric of %(root)s."
            )
            % {"title": rubric.title, "code": rubric.jurisdiction, "root": root.name}
        )


def rubric_title(code: str) -> str:
    """The rubric's title for pages, or the code itself when no such file exists any more."""
    try:
        return load_rubric(code).title if code else ""
    except RubricError:
        return code
