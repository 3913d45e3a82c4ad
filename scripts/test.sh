#!/usr/bin/env bash
# Sets up and runs the whole test suite: lint, unit, API, S3 (moto server) and browser tests.
# DATABASE_URL selects the database (SQLite by default; postgres://… for PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
# Tests run on the development keys; with DEBUG off the system checks of migrate and
# makemigrations refuse them (apps.core.checks). pytest itself runs with DEBUG off regardless.
export WIPP_DEBUG="${WIPP_DEBUG:-1}"
WIPP_EXTRA_APT="chromium" bash scripts/setup.sh
[ -x /usr/bin/chromium ] || { echo "[wipp] /usr/bin/chromium is missing: sudo apt-get install chromium" >&2; exit 1; }
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python manage.py makemigrations --check --dry-run -v 0
.venv/bin/python -m pytest "$@"
