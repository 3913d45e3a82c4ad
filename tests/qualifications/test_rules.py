"""The requirements file: the one in force loads, and a wrong edit is refused with its path."""

import copy
import json

import pytest

from apps.qualifications.rules import (
    RULES_PATH,
    RulesError,
    requirements,
    rules_from_raw,
    rules_load,
)


@pytest.fixture
def raw():
    return json.loads(RULES_PATH.read_text(encoding="utf-8"))


def test_the_file_in_force_holds_the_hb10_thresholds():
    rules = requirements()
    assert rules.cameras.min_count == 2
    assert rules.cameras.min_resolution_lines == 1080
    assert rules.cameras.audio_capture and rules.cameras.internet_connected
    assert rules.cameras.min_rotation_degrees == 90
    assert rules.cameras.min_storage_gb == 64
    assert rules.recorders.min_count == 2
    assert rules.projectors.min_count == 1
    assert set(rules.platform_functions.required) == {
        "online_learning",
        "system_administration",
        "government_supervision",
        "security_operations",
    }
    assert rules.province_contract.required and rules.integration.required
    assert rules.geo_devices.min_count == 1
    assert rules.no_same_area_implementation.required
    assert rules.cameras.cite == "HB §10 (一) 1"
    assert rules.no_same_area_implementation.cite == "HB §17"


def _problems(raw) -> list[str]:
    with pytest.raises(RulesError) as error:
        rules_from_raw(raw)
    return error.value.problems


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("offline_training", "cameras", "min_count"), 0, "cameras.min_count: expected a whole"),
        (("offline_training", "cameras", "min_count"), True, "cameras.min_count: expected a whole"),
        (("offline_training", "cameras", "min_count"), "2", "cameras.min_count: expected a whole"),
        (("offline_training", "cameras", "min_rotation_degrees"), 400, "at most 360"),
        (("offline_training", "cameras", "audio_capture"), "yes", "audio_capture: expected true"),
        (("offline_training", "recorders", "min_count"), -1, "recorders.min_count"),
        (("offline_training", "projectors", "cite"), "", "projectors.cite: expected non-empty"),
        (("online_platform", "functions", "required"), ["online_learning", "chat"], "'chat'"),
        (("online_platform", "functions", "required"), [], "expected a non-empty list"),
        (
            ("online_platform", "functions", "required"),
            ["online_learning", "online_learning"],
            "listed twice",
        ),
        (("evaluation_agency", "business_scope", "any_of"), ["gaming"], "'gaming'"),
        (("evaluation_agency", "geo_devices", "min_count"), 0.5, "geo_devices.min_count"),
    ],
)
def test_a_wrong_value_is_named_with_its_path(raw, path, value, expected):
    target = raw
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    problems = _problems(raw)
    assert any(expected in problem for problem in problems), problems


def test_missing_and_unknown_keys_are_refused_all_at_once(raw):
    del raw["offline_training"]["cameras"]["min_storage_gb"]
    raw["online_platform"]["integration"]["optional"] = True
    del raw["evaluation_agency"]["no_same_area_implementation"]
    problems = _problems(raw)
    assert "offline_training.cameras.min_storage_gb: missing" in problems
    assert "online_platform.integration.optional: unknown key" in problems
    assert "evaluation_agency.no_same_area_implementation: missing" in problems


def test_a_section_that_is_not_an_object_is_refused(raw):
    raw["offline_training"] = ["cameras"]
    assert "offline_training: expected an object" in _problems(raw)


def test_a_broken_file_is_a_rules_error(tmp_path, raw):
    broken = tmp_path / "rules.json"
    broken.write_text("{ not json", encoding="utf-8")
    with pytest.raises(RulesError):
        rules_load(broken)
    good = tmp_path / "good.json"
    changed = copy.deepcopy(raw)
    changed["offline_training"]["cameras"]["min_count"] = 3
    good.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    assert rules_load(good).cameras.min_count == 3
