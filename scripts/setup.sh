#!/usr/bin/env bash
# Sets up WIPP on a fresh machine: system packages, virtualenv, Python and front-end
# dependencies, translations, database migrations and static files. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1;34m[wipp]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[wipp] %s\033[0m\n' "$*" >&2; exit 1; }

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null \
  || die "Python 3.11 is required (found: $("$PYTHON" --version 2>&1 || echo none)). Install python3.11 and retry."
command -v npm >/dev/null 2>&1 || die "npm (Node.js) is required to install the front-end libraries. Install nodejs and npm and retry."

# System libraries: gettext (translations), Pango + a CJK font (WeasyPrint PDFs in Chinese),
# ffmpeg (ffprobe reads the session recordings).
APT_PACKAGES="gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-microhei ffmpeg ${WIPP_EXTRA_APT:-}"
missing=""
for pkg in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing system packages:$missing"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    die "Missing system packages:$missing — install them with: sudo apt-get install$missing"
  fi
fi

if [ ! -x .venv/bin/python ]; then
  say "Creating the virtualenv in .venv"
  "$PYTHON" -m venv .venv
fi
say "Installing pinned Python packages (requirements.lock)"
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.lock

say "Installing front-end libraries from the npm registry (package-lock.json)"
npm ci --no-audit --no-fund --loglevel=error >/dev/null

mkdir -p var
say "Compiling translations"
.venv/bin/python manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules
say "Migrating the database"
.venv/bin/python manage.py migrate -v 0
.venv/bin/python manage.py collectstatic --noinput -v 0
