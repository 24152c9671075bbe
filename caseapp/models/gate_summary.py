"""Each case's gate result kept between list loads, and the session hook that marks it old.

Every flush of any Session marks the summary of each case whose rows it added, changed or
deleted (the case, its child rows, its patient and companions, interpreters it books, its
program's reference rows) in the same transaction, so no service can forget it. A row type the
hook does not know marks every summary. Marking bumps `token`; a list load stores what it
computed only while the token is still the one it read first (a change that commits meanwhile
wins), see caseapp.services.gate_summary.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import (
    Connection,
    ForeignKey,
    Select,
    Text,
    event,
    inspect,
    literal,
    select,
)
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from caseapp.models.audit import AuditCheckpoint, AuditEntry
from caseapp.models.base import Base
from caseapp.models.cases import Case
from caseapp.models.eligibility import EligibilityReview
from caseapp.models.interpreters import Interpreter, InterpreterBooking
from caseapp.models.lodging import LodgingBooking
from caseapp.models.patients import Patient
from caseapp.models.programs import Program, Setting, VisaType
from caseapp.models.staff import StaffSession, StaffUser
from caseapp.models.visa import VisaApplication


class GateSummary(Base):
    """One open case's current gate: counts, first blocker sentences, next deadline."""

    __tablename__ = "case_gate_summaries"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    token: Mapped[int] = mapped_column(default=0, server_default="0")
    computed_on: Mapped[date | None]  # empty: marked old, compute again
    valid_until: Mapped[date | None]  # the last day it holds; empty: no date makes it old
    blockers: Mapped[int] = mapped_column(default=0, server_default="0")
    warnings: Mapped[int] = mapped_column(default=0, server_default="0")
    first_blockers: Mapped[str] = mapped_column(Text, default="", server_default="")  # lines
    next_deadline: Mapped[date | None]
    next_deadline_what: Mapped[str] = mapped_column(Text, default="", server_default="")


# Rows no gate reads: changing them leaves every summary as it is.
UNRELATED = (AuditEntry, AuditCheckpoint, StaffSession, StaffUser, Setting, GateSummary)
UNRELATED_TABLES = frozenset(m.__tablename__ for m in UNRELATED)
# Rows that belong to cases through a parent: column -> the cases it reaches.
_THROUGH: dict[str, Any] = {
    "patient_id": lambda ids: select(Case.id).where(Case.patient_id.in_(ids)),
    "program_id": lambda ids: select(Case.id).where(Case.program_id.in_(ids)),
    "booking_id": lambda ids: select(LodgingBooking.case_id).where(LodgingBooking.id.in_(ids)),
    "review_id": lambda ids: select(EligibilityReview.case_id).where(EligibilityReview.id.in_(ids)),
    "application_id": lambda ids: select(VisaApplication.case_id).where(
        VisaApplication.id.in_(ids)
    ),
    # An interpreter's bookings in other cases can start or stop clashing with this one.
    "interpreter_id": lambda ids: select(InterpreterBooking.case_id).where(
        InterpreterBooking.interpreter_id.in_(ids)
    ),
}
_SELF = {Case: "id", Patient: "patient_id", Program: "program_id", Interpreter: "interpreter_id"}
ALL = "*"
_PENDING = "gate_summary_marks"


def _values(obj: Any, key: str) -> set[Any]:
    """The attribute's value now and before this flush (a row can move to another case)."""
    state = inspect(obj)
    if key not in state.attrs:
        return set()
    hist = state.attrs[key].history
    found = {*hist.added, *hist.unchanged, *hist.deleted}
    if not found and key in state.dict:
        found = {state.dict[key]}
    return {v for v in found if v is not None}


def _marks(obj: Any) -> Iterable[tuple[str, set[Any]]]:
    """(how, ids) pairs naming the cases one changed row belongs to; ALL when unknown."""
    if isinstance(obj, UNRELATED):
        return []
    own = _SELF.get(type(obj))
    if own is not None:
        ident = inspect(obj).identity or ()
        ids = {i for i in ident if i is not None} or _values(obj, "id")
        return [(own if own != "id" else "case_id", ids)]
    if isinstance(obj, VisaType):
        return [(ALL, set())]
    keys = ["case_id", "interpreter_id"] if hasattr(obj, "case_id") else list(_THROUGH)
    found = [(k, _values(obj, k)) for k in keys if hasattr(obj, k)]
    return found or [(ALL, set())]


def _collect(session: Session, objects: Iterable[Any]) -> None:
    pending: dict[str, set[Any]] = session.info.setdefault(_PENDING, {})
    for obj in objects:
        for how, ids in _marks(obj):
            pending.setdefault(how, set()).update(ids)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    # Changed and deleted rows: their old values are still readable before the flush.
    _collect(session, (*session.dirty, *session.deleted))


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    # New rows have their ids and foreign keys only now.
    _collect(session, session.new)
    pending = session.info.pop(_PENDING, {})
    if pending:
        mark_old(session.connection(), pending)


@event.listens_for(Session, "do_orm_execute")
def _bulk(state: ORMExecuteState) -> None:
    """An UPDATE or DELETE statement over a table gates read marks every summary."""
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) not in UNRELATED_TABLES:
        mark_old(state.session.connection(), {ALL: set()})


def mark_old(conn: Connection, pending: dict[str, set[Any]]) -> None:
    """Bump the token of every summary the pending marks reach (making rows that are missing)."""
    if ALL in pending:
        cases: Select[Any] = select(Case.id)
    else:
        parts: list[Select[Any]] = []
        direct = pending.get("case_id", set())
        for how, ids in pending.items():
            if ids and how != "case_id":
                parts.append(_THROUGH[how](list(ids)))
        through = {row[0] for part in parts for row in conn.execute(part)}
        wanted = sorted((direct | through) - {None})
        if not wanted:
            return
        for i in range(0, len(wanted), 900):
            _upsert(conn, select(Case.id).where(Case.id.in_(wanted[i : i + 900])))
        return
    _upsert(conn, cases)


def _upsert(conn: Connection, cases: Select[Any]) -> None:
    """One statement: bump the rows there are, make the missing ones already marked.

    A list load that makes a missing row at the same moment conflicts with this insert, so one
    of the two waits for the other (PostgreSQL on the row, SQLite on its write lock) and the
    token is bumped either way.
    """
    table: Any = GateSummary.__table__
    rows = cases.add_columns(literal(1)).where(literal(True))  # SQLite: WHERE before ON
    insert = _dialect_insert(conn.dialect.name)
    stmt = insert(table).from_select(["case_id", "token"], rows)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[table.c.case_id],
            set_={"token": table.c.token + 1, "computed_on": None},
        )
    )


def _dialect_insert(name: str) -> Any:
    from sqlalchemy.dialects import postgresql, sqlite

    return postgresql.insert if name == "postgresql" else sqlite.insert
