#!/usr/bin/env bash
# Create the environment, install CaseApp, load demo data into an empty embedded database, open it.
# The install runs only when .venv is missing or pyproject.toml changed since the last install
# (a stamp file inside .venv remembers which pyproject.toml was installed), so a second start
# goes straight to the window.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
STAMP=.venv/.caseapp-installed
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
WANT="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -x .venv/bin/caseapp ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e .
    echo "$WANT" > "$STAMP"
fi
# Demo data into the embedded database the first time (a real office uses the welcome wizard),
# in the same process as the window. Global options only (e.g. --db URL).
exec .venv/bin/caseapp "$@" gui --demo-if-empty
