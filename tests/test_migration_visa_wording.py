"""Migration 0007 gives shipped visa type names the consulate's wording, and only those."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import text

from caseapp.db import SCHEMA_REVISION, alembic_config, current_revision, open_database, upgrade


def test_shipped_names_are_reworded_edited_ones_kept(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'v.sqlite3'}")
    command.downgrade(alembic_config(db.engine), "0006")
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM visa_types"))
        conn.execute(
            text("INSERT INTO visa_types (code, name, description) VALUES (:c, :n, '')"),
            [
                {"c": "M", "n": "M (business / trade)"},
                {"c": "OTHER", "n": "Other / as instructed by consulate"},
                {"c": "L", "n": "Tourist (L), our own wording"},
            ],
        )
    upgrade(db.engine)
    assert current_revision(db.engine) == SCHEMA_REVISION
    with db.engine.connect() as conn:
        names = dict(conn.execute(text("SELECT code, name FROM visa_types")).all())
    assert names == {
        "M": "Business visa (M)",
        "OTHER": "Visa of the category the consulate issues",
        "L": "Tourist (L), our own wording",
    }
