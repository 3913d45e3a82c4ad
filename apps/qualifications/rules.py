"""The HB §10 / §17 requirements as data (`data/hb10_requirements.json`), checked on load.

A requirement changes by editing the file, not the code. Loading refuses a file with a missing
or unknown key, a count that is not a positive whole number, an unknown platform function or
business-scope category — each problem is named with its path in the file, so a wrong edit is
an error at start-up of the check, never a silently weaker check.
"""

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .models import ScopeCategory

RULES_PATH = Path(__file__).resolve().parent / "data" / "hb10_requirements.json"

PLATFORM_FUNCTIONS = (
    "online_learning",
    "system_administration",
    "government_supervision",
    "security_operations",
)


class RulesError(ValueError):
    """The requirements file is not usable; `problems` lists every problem found."""

    def __init__(self, problems: list[str], *, source: str = ""):
        self.problems = problems
        where = f"{source}: " if source else ""
        super().__init__(where + "; ".join(problems))


@dataclass(frozen=True)
class Cited:
    cite: str
    text: str


@dataclass(frozen=True)
class CameraRule(Cited):
    min_count: int
    internet_connected: bool
    min_resolution_lines: int
    audio_capture: bool
    min_rotation_degrees: int
    min_storage_gb: int


@dataclass(frozen=True)
class CountRule(Cited):
    min_count: int


@dataclass(frozen=True)
class FunctionsRule(Cited):
    required: tuple[str, ...]


@dataclass(frozen=True)
class ContractRule(Cited):
    required: bool
    evidence_required: bool


@dataclass(frozen=True)
class IntegrationRule(Cited):
    required: bool
    api_client_required: bool


@dataclass(frozen=True)
class ScopeRule(Cited):
    any_of: tuple[str, ...]


@dataclass(frozen=True)
class FlagRule(Cited):
    required: bool


@dataclass(frozen=True)
class Requirements:
    version: str
    source: str
    cameras: CameraRule
    recorders: CountRule
    projectors: CountRule
    platform_functions: FunctionsRule
    province_contract: ContractRule
    integration: IntegrationRule
    business_scope: ScopeRule
    geo_devices: CountRule
    no_same_area_implementation: FlagRule
    raw: dict


class _Reader:
    """Walks the raw JSON, collecting problems instead of stopping at the first."""

    def __init__(self):
        self.problems: list[str] = []

    def section(self, data, path: str, keys: set[str]) -> dict:
        if not isinstance(data, dict):
            self.problems.append(f"{path}: expected an object")
            return {}
        for key in sorted(set(data) - keys):
            self.problems.append(f"{path}.{key}: unknown key")
        for key in sorted(keys - set(data)):
            self.problems.append(f"{path}.{key}: missing")
        return data

    def text(self, data: dict, path: str, key: str) -> str:
        value = data.get(key)
        if key in data and (not isinstance(value, str) or not value.strip()):
            self.problems.append(f"{path}.{key}: expected non-empty text")
        return value if isinstance(value, str) else ""

    def positive(self, data: dict, path: str, key: str) -> int:
        value = data.get(key)
        if key in data and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            self.problems.append(f"{path}.{key}: expected a whole number of at least 1")
            return 0
        return value if isinstance(value, int) else 0

    def flag(self, data: dict, path: str, key: str) -> bool:
        value = data.get(key)
        if key in data and not isinstance(value, bool):
            self.problems.append(f"{path}.{key}: expected true or false")
            return False
        return bool(value)

    def choices(self, data: dict, path: str, key: str, allowed) -> tuple[str, ...]:
        value = data.get(key)
        if key not in data:
            return ()
        if not isinstance(value, list) or not value:
            self.problems.append(f"{path}.{key}: expected a non-empty list")
            return ()
        for item in value:
            if item not in allowed:
                self.problems.append(
                    f"{path}.{key}: unknown value {item!r} (known: {', '.join(allowed)})"
                )
        if len(set(map(str, value))) != len(value):
            self.problems.append(f"{path}.{key}: a value is listed twice")
        return tuple(value)

    def cited(self, data: dict, path: str) -> dict:
        return {"cite": self.text(data, path, "cite"), "text": self.text(data, path, "text")}


def rules_from_raw(raw, *, source: str = "") -> Requirements:
    r = _Reader()
    top = r.section(
        raw,
        "$",
        {"version", "source", "offline_training", "online_platform", "evaluation_agency"},
    )
    offline = r.section(
        top.get("offline_training", {}), "offline_training", {"cameras", "recorders", "projectors"}
    )
    online = r.section(
        top.get("online_platform", {}),
        "online_platform",
        {"functions", "province_contract", "integration"},
    )
    evaluation = r.section(
        top.get("evaluation_agency", {}),
        "evaluation_agency",
        {"business_scope", "geo_devices", "no_same_area_implementation"},
    )

    def sub(parent: dict, parent_path: str, key: str, keys: set[str]) -> tuple[dict, str]:
        path = f"{parent_path}.{key}"
        return r.section(parent.get(key, {}), path, keys | {"cite", "text"}), path

    cam, p = sub(
        offline,
        "offline_training",
        "cameras",
        {
            "min_count",
            "internet_connected",
            "min_resolution_lines",
            "audio_capture",
            "min_rotation_degrees",
            "min_storage_gb",
        },
    )
    cameras = CameraRule(
        **r.cited(cam, p),
        min_count=r.positive(cam, p, "min_count"),
        internet_connected=r.flag(cam, p, "internet_connected"),
        min_resolution_lines=r.positive(cam, p, "min_resolution_lines"),
        audio_capture=r.flag(cam, p, "audio_capture"),
        min_rotation_degrees=r.positive(cam, p, "min_rotation_degrees"),
        min_storage_gb=r.positive(cam, p, "min_storage_gb"),
    )
    if cameras.min_rotation_degrees > 360:
        r.problems.append(f"{p}.min_rotation_degrees: at most 360")

    def count_rule(parent, parent_path, key) -> CountRule:
        data, path = sub(parent, parent_path, key, {"min_count"})
        return CountRule(**r.cited(data, path), min_count=r.positive(data, path, "min_count"))

    recorders = count_rule(offline, "offline_training", "recorders")
    projectors = count_rule(offline, "offline_training", "projectors")

    fn, p = sub(online, "online_platform", "functions", {"required"})
    functions = FunctionsRule(
        **r.cited(fn, p), required=r.choices(fn, p, "required", PLATFORM_FUNCTIONS)
    )
    ct, p = sub(online, "online_platform", "province_contract", {"required", "evidence_required"})
    contract = ContractRule(
        **r.cited(ct, p),
        required=r.flag(ct, p, "required"),
        evidence_required=r.flag(ct, p, "evidence_required"),
    )
    it, p = sub(online, "online_platform", "integration", {"required", "api_client_required"})
    integration = IntegrationRule(
        **r.cited(it, p),
        required=r.flag(it, p, "required"),
        api_client_required=r.flag(it, p, "api_client_required"),
    )

    sc, p = sub(evaluation, "evaluation_agency", "business_scope", {"any_of"})
    scope = ScopeRule(**r.cited(sc, p), any_of=r.choices(sc, p, "any_of", ScopeCategory.values))
    geo = count_rule(evaluation, "evaluation_agency", "geo_devices")
    cf, p = sub(evaluation, "evaluation_agency", "no_same_area_implementation", {"required"})
    conflict = FlagRule(**r.cited(cf, p), required=r.flag(cf, p, "required"))

    version = r.text(top, "$", "version")
    origin = r.text(top, "$", "source")
    if r.problems:
        raise RulesError(r.problems, source=source)
    return Requirements(
        version=version,
        source=origin,
        cameras=cameras,
        recorders=recorders,
        projectors=projectors,
        platform_functions=functions,
        province_contract=contract,
        integration=integration,
        business_scope=scope,
        geo_devices=geo,
        no_same_area_implementation=conflict,
        raw=raw,
    )


def rules_load(path: Path | str = RULES_PATH) -> Requirements:
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise RulesError([str(error)], source=path.name) from None
    return rules_from_raw(raw, source=path.name)


@lru_cache(maxsize=1)
def requirements() -> Requirements:
    """The requirements in force (read once per process)."""
    return rules_load(RULES_PATH)
