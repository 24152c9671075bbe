"""The rooms stay apart (import-linter) and the migrations build exactly the models' schema."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from caseapp.db import SCHEMA_REVISION, alembic_config, open_database
from caseapp.models import Base

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_migrations_produce_the_models_schema(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                Base.metadata)  # fmt: skip
    assert diff == []
    assert set(inspect(db.engine).get_table_names()) >= set(Base.metadata.tables)


def test_schema_revision_constant_is_alembic_head(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'h.sqlite3'}")
    head = ScriptDirectory.from_config(alembic_config(db.engine)).get_current_head()
    assert head == SCHEMA_REVISION


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_architecture_page_names_only_files_that_exist() -> None:
    """docs/ARCHITECTURE.md answers "where does X live": every path it names must be there."""
    import re

    page = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    named = {m.split(" ")[0] for m in re.findall(r"`([\w./-]+(?:\.py|\.toml|\.j2|\.md|/))", page)}
    assert len(named) > 40
    missing = [
        p for p in sorted(named)
        if not any((base / p.replace("*", "")).exists() for base in (ROOT, ROOT / "caseapp"))
        and "NNNN" not in p
    ]  # fmt: skip
    assert missing == []
    assert "docs/ARCHITECTURE.md" in (ROOT / "README.md").read_text(encoding="utf-8")
