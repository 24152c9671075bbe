"""Start-up loads only what it needs: ReportLab on the first document, Alembic only to migrate.

Each check runs a fresh interpreter and reads sys.modules (no timing).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def loaded_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    script = code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen", **(env or {})),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {line.split(".")[0] for line in out.splitlines()}


def test_services_window_and_cli_do_not_load_reportlab() -> None:
    mods = loaded_after(
        "import caseapp.cli, caseapp.services.documents, caseapp.services.reports,"
        " caseapp.ui.main_window"
    )
    assert "caseapp" in mods
    assert "reportlab" not in mods
    assert "alembic" not in mods


def test_rendering_a_document_loads_reportlab() -> None:
    code = (
        "from caseapp import docs\n"
        "try:\n"
        "    docs.DOCUMENT_KINDS['packet'].render(None, None)\n"
        "except Exception:\n"
        "    pass\n"
    )
    assert "reportlab" in loaded_after(code)


def test_opening_a_migrated_database_skips_alembic(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("sqlite"):
        return  # the subprocess has no keyring for a PostgreSQL database made here
    keyring_file = tmp_path / "keyring.json"
    env = {
        "PYTHON_KEYRING_BACKEND": "tests.keyring_file.FileKeyring",
        "CASEAPP_TEST_KEYRING_FILE": str(keyring_file),
        "PYTHONPATH": str(ROOT),
    }
    first = loaded_after(f"from caseapp.db import open_database\nopen_database({db_url!r})", env)
    assert "alembic" in first  # a new database is migrated
    again = loaded_after(f"from caseapp.db import open_database\nopen_database({db_url!r})", env)
    assert "alembic" not in again and "reportlab" not in again
