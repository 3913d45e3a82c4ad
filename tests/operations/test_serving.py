"""The production path (issue 16 item 1): the hash-locked production requirements hold the
runtime dependencies and the application server and no test tool; gunicorn serves the WSGI
application; the deploy/ units run commands that exist."""

import os
import re
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"^([A-Za-z0-9_.-]+)")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _names(lines) -> set[str]:
    names = set()
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(_canonical(NAME.match(line).group(1)))
    return names


def test_production_requirements_are_the_runtime_ones_plus_the_server_and_hash_locked():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = _names(project["dependencies"]) | _names(project["optional-dependencies"]["prod"])
    listed = _names((ROOT / "requirements-prod.txt").read_text().splitlines())
    assert listed == runtime
    lock = (ROOT / "requirements-prod.lock").read_text()
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+) \\$", lock, flags=re.M))
    pinned = {_canonical(name) for name in pins}
    assert runtime <= pinned
    # Every pin carries hashes (pip install --require-hashes).
    blocks = re.split(r"^(?=[A-Za-z0-9_.-]+==)", lock, flags=re.M)[1:]
    assert blocks and all("--hash=sha256:" in block for block in blocks)
    # The versions the test suite ran on.
    tested = dict(
        line.split("==", 1)
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if "==" in line
    )
    tested = {_canonical(k): v for k, v in tested.items()}
    assert {n: v for n, v in pins.items() if _canonical(n) in tested} == {
        n: tested[_canonical(n)] for n in pins if _canonical(n) in tested
    }
    test_tools = _names(project["optional-dependencies"]["test"])
    assert not (test_tools & pinned), test_tools & pinned


def test_deploy_units_run_commands_that_exist():
    commands = set(get_commands())
    used = set()
    for unit in (ROOT / "deploy" / "systemd").glob("*.service"):
        used |= set(re.findall(r"manage\.py (\w+)", unit.read_text()))
    assert {"wipp_worker", "audit_chain", "verify_audit_log", "deadline_sweep"} <= used
    assert {"evidence_sweep_orphans", "backup"} <= used
    assert used <= commands, used - commands
    timers = {p.stem for p in (ROOT / "deploy" / "systemd").glob("*.timer")}
    services = {p.stem for p in (ROOT / "deploy" / "systemd").glob("*.service")}
    assert timers <= services


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_serves_healthz_and_never_creates_the_database(tmp_path):
    """The production server, DEBUG off, a SQLite file that is not there: /healthz answers
    503 with JSON naming it, and the file is still not there."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    port = _free_port()
    database = tmp_path / "not-created.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WIPP_", "DATABASE_URL"))}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{database}",
            "WIPP_VAR_DIR": str(tmp_path),
            "WIPP_SECRET_KEY": "test-serving-secret-key-0123456789-abcdefghijklmnop",
            "WIPP_FIELD_KEYS": "test-serving-field-key-0123456789",
            "WIPP_BLIND_INDEX_KEY": "test-serving-blind-index-key-0123",
            "WIPP_AUDIT_KEYS": "test-serving-audit-key-0123456789",
            "WIPP_TRUSTED_PROXIES": "127.0.0.1",
        }
    )
    server = subprocess.Popen(
        [str(gunicorn), "wipp.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/healthz",
                headers={"X-Request-ID": "0123456789abcdef", "X-Forwarded-For": "203.0.113.9"},
            )
            try:
                urllib.request.urlopen(request, timeout=60)
                pytest.fail("healthz answered 200 without a database")
            except urllib.error.HTTPError as error:
                status, headers, body = error.code, error.headers, error.read().decode()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(server.stdout.read().decode()[-3000:] if server.stdout else "")
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert status == 503
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Request-ID"] == "0123456789abcdef"
    assert '"database": "error: database file missing"' in body
    assert not database.exists()
