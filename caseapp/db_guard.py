"""Writes go only into the database file that was opened, and a full disk is a sentence.

An SQLite file deleted, moved or replaced (a restored copy, a synced folder) while the app runs
keeps taking writes through the open handle, and they vanish with it: saves reported success
and were gone. Before every commit the file at the database path must still be the one opened;
otherwise nothing is committed and the user is told why.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import OperationalError

from caseapp.services.errors import DomainError


class DatabaseFileChanged(DomainError):
    """The file at the database path is not the one this process opened."""


class DiskFull(DomainError):
    """The database could not grow: nothing of this save was kept."""


def file_identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def guard_file(engine: Engine, path: Path) -> None:
    """Refuse every commit once the file at path is no longer the file opened now."""
    opened = file_identity(path)
    if opened is None:
        return

    def before_commit(_conn: Connection) -> None:
        now = file_identity(path)
        if now != opened:
            what = "deleted or moved" if now is None else "replaced by another file"
            raise DatabaseFileChanged(
                f"The database file {path} was {what} while CaseApp was running; nothing was "
                "saved. Close CaseApp and open it again to see what the file now holds."
            )

    event.listen(engine, "commit", before_commit)


DISK_FULL_CODES = ("SQLITE_FULL", "53100")  # SQLite's, PostgreSQL's disk_full


def is_disk_full(exc: OperationalError) -> bool:
    orig = exc.orig
    code = getattr(orig, "sqlite_errorname", None) or getattr(orig, "sqlstate", None)
    return code in DISK_FULL_CODES or "disk is full" in str(orig)


def disk_full_error(exc: OperationalError) -> DiskFull:
    return DiskFull(
        "The disk holding the database is full; nothing of this save was kept. Free some "
        "space (or ask the server's administrator), then save again."
    )
