"""Checklists as versioned data (SPEC §3, §6; HB §11, §12, §18, §22, §25).

A checklist is a JSON file in `apps/checklists/data/<code>.json`: its version, title and clause,
and its items, each with the roles that own it, whether it is required, the clause, and what
satisfies it — `{"kind": "<kind>", "value": "<what>"}`. A kind is a function an app registers
with `@satisfier("<kind>")` in its `checklist_satisfiers.py`: given the subject (the object the
checklist is about), the item's value and the context, it answers whether the item is met,
with a detail line and links to the platform's records that meet it. A new checklist (HB §22's
acceptance lists) is a new file; a new kind of evidence is one function.

Files are validated on load: an unknown kind, role or key, a repeated item code, an item
without clause or owner is an error that names the file and the item.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import get_language

from apps.accounts.roles import Role

DATA = Path(__file__).resolve().parent / "data"

ITEM_KEYS = {
    "code",
    "label",
    "label_en",
    "owner_roles",
    "required",
    "satisfied_by",
    "clause",
    "applies_to",
}
CHECKLIST_KEYS = {"code", "version", "title", "clause", "items", "note"}


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: str
    owner_roles: tuple[str, ...]
    required: bool
    kind: str
    value: str
    clause: str
    applies_to: dict = field(default_factory=dict, hash=False, compare=False)
    label_en: str = ""

    @property
    def display_label(self) -> str:
        """The item's name in the user's language (Chinese is the data's own language)."""
        if self.label_en and (get_language() or "").startswith("en"):
            return self.label_en
        return self.label

    def applies(self, context: dict) -> bool:
        """An item may apply only to some roles or organisation kinds of the subject."""
        return all(context.get(key) in allowed for key, allowed in self.applies_to.items())


@dataclass(frozen=True)
class Checklist:
    code: str
    version: str
    title: str
    clause: str
    items: tuple[ChecklistItem, ...]


@dataclass(frozen=True)
class Satisfaction:
    met: bool
    detail: str = ""
    links: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ItemResult:
    item: ChecklistItem
    met: bool
    detail: str
    links: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ChecklistResult:
    checklist: Checklist
    results: tuple[ItemResult, ...]

    @property
    def missing_required(self) -> list[ItemResult]:
        return [r for r in self.results if r.item.required and not r.met]

    @property
    def complete(self) -> bool:
        return not self.missing_required


SATISFIERS: dict[str, Callable] = {}


def satisfier(kind: str):
    """Registers the function that decides items of `kind`."""

    def register(function):
        if kind in SATISFIERS and SATISFIERS[kind] is not function:
            raise ImproperlyConfigured(f"Checklist kind {kind!r} is registered twice")
        SATISFIERS[kind] = function
        return function

    return register


def _fail(path: Path, where: str, message: str):
    raise ImproperlyConfigured(f"{path.name}: {where}: {message}")


def _item(path: Path, raw: dict, position: int) -> ChecklistItem:
    where = f"item {position} ({raw.get('code', '?')})"
    unknown = set(raw) - ITEM_KEYS
    if unknown:
        _fail(path, where, f"unknown keys {sorted(unknown)}")
    for key in ("code", "label", "clause"):
        if not str(raw.get(key, "")).strip():
            _fail(path, where, f"{key} is missing")
    roles = tuple(raw.get("owner_roles") or ())
    if not roles or any(r not in Role.values for r in roles):
        _fail(path, where, f"owner_roles must name roles of {sorted(Role.values)}")
    if not isinstance(raw.get("required"), bool):
        _fail(path, where, "required must be true or false")
    source = raw.get("satisfied_by") or {}
    if set(source) != {"kind", "value"}:
        _fail(path, where, 'satisfied_by must be {"kind": …, "value": …}')
    if source["kind"] not in SATISFIERS:
        _fail(path, where, f"no satisfier for kind {source['kind']!r}")
    applies_to = raw.get("applies_to") or {}
    if not isinstance(applies_to, dict) or not all(
        isinstance(v, list) for v in applies_to.values()
    ):
        _fail(path, where, "applies_to maps a context key to a list of values")
    return ChecklistItem(
        code=raw["code"],
        label=raw["label"],
        owner_roles=roles,
        required=raw["required"],
        kind=source["kind"],
        value=str(source["value"]),
        clause=raw["clause"],
        applies_to={k: tuple(v) for k, v in applies_to.items()},
        label_en=str(raw.get("label_en", "")),
    )


def checklist_from_file(path: Path) -> Checklist:
    raw = json.loads(path.read_text(encoding="utf-8"))
    unknown = set(raw) - CHECKLIST_KEYS
    if unknown:
        _fail(path, "checklist", f"unknown keys {sorted(unknown)}")
    for key in ("code", "version", "title", "clause"):
        if not str(raw.get(key, "")).strip():
            _fail(path, "checklist", f"{key} is missing")
    if raw["code"] != path.stem:
        _fail(path, "checklist", f"code {raw['code']!r} differs from the file name")
    items = tuple(_item(path, item, n) for n, item in enumerate(raw.get("items") or [], 1))
    if not items:
        _fail(path, "checklist", "has no items")
    codes = [i.code for i in items]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        _fail(path, "checklist", f"repeated item codes {repeated}")
    return Checklist(
        code=raw["code"],
        version=str(raw["version"]),
        title=raw["title"],
        clause=raw["clause"],
        items=items,
    )


@cache
def checklist_get(code: str) -> Checklist:
    path = DATA / f"{code}.json"
    if not path.exists():
        raise ImproperlyConfigured(f"There is no checklist {code!r} in {DATA}")
    return checklist_from_file(path)


def checklist_codes() -> list[str]:
    return sorted(p.stem for p in DATA.glob("*.json"))


def checklist_evaluate(*, code: str, subject, context: dict | None = None) -> ChecklistResult:
    """Each applicable item of the checklist, met or not, with what meets it."""
    checklist = checklist_get(code)
    context = context or {}
    results = []
    for item in checklist.items:
        if not item.applies(context):
            continue
        outcome = SATISFIERS[item.kind](subject, item.value, context)
        results.append(
            ItemResult(item=item, met=outcome.met, detail=outcome.detail, links=outcome.links)
        )
    return ChecklistResult(checklist=checklist, results=tuple(results))
