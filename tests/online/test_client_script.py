"""The reference client (scripts/online_platform_client.py) against a running server."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from apps.audit.models import AuditEntry
from apps.online.models import LearningRecord
from tests.online.world import build_online, learning_row

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "online_platform_client.py"


def run(live_server, online, rows_file, *extra):
    return subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            str(rows_file),
            "--url",
            live_server.url,
            "--project",
            str(online.world.project.pk),
            "--batch-size",
            "2",
            *extra,
        ],
        env={"WIPP_API_KEY": online.key, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_client_pushes_batches_end_to_end(live_server, tmp_path):
    online = build_online()
    rows = [learning_row(t, n) for n, t in enumerate(online.trainees)]
    rows_file = tmp_path / "rows.json"
    rows_file.write_text(json.dumps(rows, ensure_ascii=False))
    entries = AuditEntry.unscoped.filter(object_type="online.LearningRecord")

    result = run(live_server, online, rows_file)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("new") == 2  # 3 rows in batches of 2
    assert LearningRecord.unscoped.count() == 3
    assert entries.count() == 2  # one per batch

    again = run(live_server, online, rows_file)
    assert again.returncode == 0 and "received before" in again.stdout
    assert LearningRecord.unscoped.count() == 3

    rows[0]["seconds_watched"] = -1
    rows_file.write_text(json.dumps(rows, ensure_ascii=False))
    refused = run(live_server, online, rows_file)
    assert refused.returncode == 1
    assert "row 0 (L-0)" in refused.stderr and "seconds_watched" in refused.stderr
