#!/usr/bin/env bash
# Sets everything up and serves WIPP with demo data on http://127.0.0.1:8000
# using the embedded defaults (SQLite, local files, the database task queue).
set -euo pipefail
cd "$(dirname "$0")/.."
# The demo runs on the development keys, which only a debug instance accepts (apps.core.checks).
export WIPP_DEBUG="${WIPP_DEBUG:-1}"
bash scripts/setup.sh
.venv/bin/python manage.py seed_demo
.venv/bin/python manage.py db_worker >var/worker.log 2>&1 &
worker=$!
# The daily deadline sweep (overdue findings, reminders); production runs it from cron.
( while true; do .venv/bin/python manage.py deadline_sweep --enqueue >>var/sweep.log 2>&1; sleep 86400; done ) &
sweep=$!
# The audit sequencer: links new audit entries into the keyed chain every 30 s.
.venv/bin/python manage.py audit_chain --every 30 >var/audit_chain.log 2>&1 &
chain=$!
trap 'kill $worker $sweep $chain 2>/dev/null || true' EXIT
echo "WIPP is starting on http://127.0.0.1:8000  (Ctrl+C stops it)"
.venv/bin/python manage.py runserver 127.0.0.1:8000
