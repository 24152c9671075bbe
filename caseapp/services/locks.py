"""Where a service checks what is there and then writes, concurrent writers take turns.

Two workstations booking the same interpreter, or numbering new cases, both read before either
commits; at READ COMMITTED (PostgreSQL) both checks pass. Taking the lock first makes the
second writer wait for the first commit, then read it: its clash check sees the booking, its
case number follows. SQLite has one writer at a time: taking its write lock is the turn.
"""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from caseapp.models import Interpreter

CASE_NUMBERS = 4243  # advisory lock key (4242 is the audit chain's)


def _sqlite_write_lock(s: Session, table: str) -> None:
    s.execute(text(f"UPDATE {table} SET id = id WHERE 0"))


def numbering_turn(s: Session) -> None:
    """Before reading the last case number: one new case at a time is numbered."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CASE_NUMBERS})
    else:
        _sqlite_write_lock(s, "cases")


def interpreter_turn(s: Session, interpreter_id: int) -> None:
    """Before checking an interpreter's bookings for a clash: lock the interpreter's row.

    Taken before the booking is written, and as FOR NO KEY UPDATE: the booking's foreign key
    holds a KEY SHARE lock on the same row, which a plain FOR UPDATE would deadlock against.
    """
    with s.no_autoflush:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(
                select(Interpreter.id)
                .where(Interpreter.id == interpreter_id)
                .with_for_update(key_share=True)
            )
        else:
            _sqlite_write_lock(s, "interpreters")
