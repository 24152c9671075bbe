#!/usr/bin/env bash
# Create the environment, install CaseApp, load demo data into an empty embedded database, open it.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
# Demo data into the embedded database the first time (a real office uses the welcome wizard).
# Global options only (e.g. --db URL): they apply to both commands.
.venv/bin/caseapp "$@" demo --if-empty >/dev/null
exec .venv/bin/caseapp "$@"
