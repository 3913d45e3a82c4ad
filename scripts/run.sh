#!/usr/bin/env bash
# Sets everything up and serves WIPP with demo data on http://127.0.0.1:8000
# using the embedded defaults (SQLite, local files, the database task queue).
set -euo pipefail
cd "$(dirname "$0")/.."
# The demo runs on the development keys, which only a debug instance accepts (apps.core.checks).
export WIPP_DEBUG="${WIPP_DEBUG:-1}"
bash scripts/setup.sh
.venv/bin/python manage.py seed_demo
.venv/bin/python manage.py wipp_worker >var/worker.log 2>&1 &
worker=$!
# The daily jobs (production runs them from cron, in this order): monthly-report deadlines
# whose holiday schedule arrived later are opened before the deadline sweep (overdue findings,
# reminders); recording coverage of sessions whose upload time is over; face data past its
# retention deleted.
daily() {
  .venv/bin/python manage.py implementation_deadlines_open || echo "implementation_deadlines_open failed"
  .venv/bin/python manage.py deadline_sweep --enqueue || echo "deadline_sweep failed"
  .venv/bin/python manage.py rectification_sweep || echo "rectification_sweep failed"
  .venv/bin/python manage.py recordings_coverage_sweep || echo "recordings_coverage_sweep failed"
  .venv/bin/python manage.py recordings_uploads_purge || echo "recordings_uploads_purge failed"
  .venv/bin/python manage.py training_face_data_purge || echo "training_face_data_purge failed"
}
( while true; do daily >>var/daily.log 2>&1; sleep 86400; done ) &
sweep=$!
# Every security-event window (WIPP_SECURITY_EVENT_WINDOW_SECONDS, 600 s): the counts of repeated
# refusals, OTP failures and lockouts of closed windows into the audit log.
( while true; do .venv/bin/python manage.py security_events_summarise >>var/security_events.log 2>&1 || true; sleep 600; done ) &
events=$!
# The audit sequencer: links new audit entries into the keyed chain every 30 s.
.venv/bin/python manage.py audit_chain --every 30 >var/audit_chain.log 2>&1 &
chain=$!
trap 'kill $worker $sweep $events $chain 2>/dev/null || true' EXIT
echo "WIPP is starting on http://127.0.0.1:8000  (Ctrl+C stops it)"
.venv/bin/python manage.py runserver 127.0.0.1:8000
