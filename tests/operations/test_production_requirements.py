"""Issue 16 item 1: the production install is its own hash-locked file, in step with what the
test suite runs on.

- requirements-prod.txt lists exactly pyproject.toml's runtime dependencies and its `prod`
  extra — nothing of the test tools;
- requirements-prod.lock pins every package with hashes, at the very version requirements.lock
  (the test suite's environment) pins it: production runs what CI tested;
- `pip install --require-hashes --no-deps -r requirements-prod.lock` resolves: a dry run from
  the package index (CI's network, about 40 s the first time, then pip's cache) downloads every
  wheel, checks its hash and would install exactly the locked set.
"""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def _name(text: str) -> str:
    """PEP 503 normalised name of a requirement line (`psycopg[binary]>=3.2` → psycopg)."""
    match = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)", text)
    assert match, text
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        match = PIN.match(line)
        if match:
            pins[_name(match.group(1))] = match.group(2)
    return pins


def _lock_entries(path: Path) -> dict[str, list[str]]:
    """{name: [hashes]} of a pip-compile --generate-hashes file."""
    entries, current = {}, None
    for line in path.read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = _name(match.group(1))
            entries[current] = []
        elif current and line.strip().startswith("--hash=sha256:"):
            entries[current].append(line.strip().removeprefix("--hash=sha256:").rstrip(" \\"))
        elif not line.startswith((" ", "\t")):
            current = None
    return entries


def _listed(path: Path) -> set[str]:
    return {
        _name(line)
        for line in path.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    }


def test_the_production_list_is_pyprojects_runtime_and_prod_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    prod = {_name(r) for r in project["optional-dependencies"]["prod"]}
    test_tools = {_name(r) for r in project["optional-dependencies"]["test"]}
    listed = _listed(ROOT / "requirements-prod.txt")
    assert listed == runtime | prod
    assert not listed & test_tools


def test_every_locked_package_has_hashes_and_the_version_ci_tested():
    lock = _lock_entries(ROOT / "requirements-prod.lock")
    tested = _pins(ROOT / "requirements.lock")
    assert len(lock) > 40
    assert [name for name, hashes in lock.items() if not hashes] == []
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for hashes in lock.values() for h in hashes)
    prod_pins = _pins(ROOT / "requirements-prod.lock")
    differ = {
        name: (version, tested.get(name))
        for name, version in prod_pins.items()
        if tested.get(name) != version
    }
    assert differ == {}, f"requirements-prod.lock pins other versions than CI's: {differ}"
    # Every direct requirement is in the lock, and no test tool slipped in.
    assert _listed(ROOT / "requirements-prod.txt") <= set(lock)
    assert not {"pytest", "moto", "schemathesis", "playwright", "ruff"} & set(lock)


def test_a_pin_that_differs_from_ci_is_caught(tmp_path):
    """The version comparison reads pins as pip-compile writes them."""
    (tmp_path / "a.lock").write_text("Django==5.2.1 \\\n    --hash=sha256:" + "0" * 64 + "\n")
    assert _pins(tmp_path / "a.lock") == {"django": "5.2.1"}
    assert _lock_entries(tmp_path / "a.lock") == {"django": ["0" * 64]}


def test_the_hash_locked_install_resolves(tmp_path):
    """`pip install --require-hashes --no-deps -r requirements-prod.lock`, dry run: every wheel
    is found for this Python and platform, matches its hash, and the set is the lock's."""
    report = tmp_path / "report.json"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--ignore-installed",
            "--no-deps",
            "--require-hashes",
            "--quiet",
            "--target",
            str(tmp_path / "target"),
            "--report",
            str(report),
            "-r",
            str(ROOT / "requirements-prod.lock"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if completed.returncode and "NewConnectionError" in completed.stderr:
        pytest.fail("No package index reachable: this check needs CI's network.")
    assert completed.returncode == 0, completed.stderr[-3000:]
    installed = {
        _name(item["metadata"]["name"]): item["metadata"]["version"]
        for item in json.loads(report.read_text())["install"]
    }
    assert installed == _pins(ROOT / "requirements-prod.lock")
    assert not (tmp_path / "target").exists()
