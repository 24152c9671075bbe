#!/usr/bin/env bash
# Create the environment and run the whole test suite (the README's second command; .ci/run calls it).
# When CASEAPP_TEST_PG_URL is set, the database tests run a second time against that PostgreSQL server.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check caseapp tests
.venv/bin/mypy
# On every core; loadscope keeps a module's (or class's) tests, and its module fixtures such as
# the CLI's demo database, in one worker. tests/conftest.py prints the slowest tests in one line.
PARALLEL=(-n auto --dist loadscope)
# First pass on SQLite (the embedded default), whatever the environment says.
env -u CASEAPP_TEST_PG_URL .venv/bin/python -m pytest -q -p no:cacheprovider "${PARALLEL[@]}" "$@"
if [ -n "${CASEAPP_TEST_PG_URL:-}" ]; then
    echo "--- again on PostgreSQL: database tests"
    .venv/bin/python -m pytest -q -p no:cacheprovider "${PARALLEL[@]}" -m "not slow" tests/services tests/cli
fi
