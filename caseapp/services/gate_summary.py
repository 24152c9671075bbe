"""Gate results kept per case, so the pipeline list reads one table instead of every gate.

A summary holds from the day it was computed to its `valid_until` (the first upcoming deadline,
the last day a dated record is young enough); any change to the case marks it old in the same
transaction (caseapp.models.gate_summary). A list load recomputes only summaries that are
missing, marked or past their day, and stores them unless a change came in meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, sessionmaker

from caseapp.models import OPEN_STAGES, RecordItem, RecordRequirement
from caseapp.models.gate_summary import GateSummary, _dialect_insert
from caseapp.services.deadlines import deadlines
from caseapp.services.gates import gate_blockers, heads

# What a list load reads of the stored row, after its own columns (see cases.list_cases).
SUMMARY_COLUMNS = (
    GateSummary.token,
    GateSummary.computed_on,
    GateSummary.valid_until,
    GateSummary.blockers,
    GateSummary.warnings,
    GateSummary.first_blockers,
    GateSummary.next_deadline,
    GateSummary.next_deadline_what,
)
FIRST_BLOCKERS = 3  # sentences kept per case: enough for a tooltip, small for 50,000 rows


@dataclass(frozen=True)
class Summary:
    blockers: int
    warnings: int
    first_blockers: tuple[str, ...]
    next_deadline: date | None
    next_deadline_what: str
    valid_until: date | None

    def listed(self) -> tuple[int, int, date | None, str, tuple[str, ...]]:
        """What a pipeline list row shows of it."""
        return (
            self.blockers,
            self.warnings,
            self.next_deadline,
            self.next_deadline_what,
            self.first_blockers,
        )

    def overdue(self, today: date) -> bool:
        return self.next_deadline is not None and self.next_deadline < today


EMPTY = Summary(0, 0, (), None, "", None)


def holds(computed_on: date | None, valid_until: date | None, today: date) -> bool:
    """A stored summary holds on `today` when computed on or before it and not yet past."""
    return (
        computed_on is not None
        and computed_on <= today
        and (valid_until is None or today <= valid_until)
    )


def compute(session: Session, case_ids: Sequence[int], today: date) -> dict[int, Summary]:
    """The full gate and deadline evaluation of these cases (closed ones get EMPTY)."""
    open_heads = [h for h in heads(session, case_ids) if h.stage in OPEN_STAGES] if case_ids else []
    ids = [h.id for h in open_heads]
    found = gate_blockers(session, open_heads, today)
    due = deadlines(session, ids, today)
    records_until = _records_valid_until(
        session, [h.id for h in open_heads if h.stage == "records"], today
    )
    out = {cid: EMPTY for cid in case_ids}
    for cid in ids:
        bl = found.get(cid, [])
        items = due.get(cid, [])
        first = items[0] if items else None
        ends = [d.due for d in items if d.due >= today]  # the day after, one drops or turns overdue
        if cid in records_until:
            ends.append(records_until[cid])
        out[cid] = Summary(
            sum(b.blocks for b in bl),
            sum(not b.blocks for b in bl),
            tuple(b.message for b in bl if b.blocks)[:FIRST_BLOCKERS],
            first.due if first else None,
            first.what if first else "",
            min(ends) if ends else None,
        )
    return out


def _records_valid_until(session: Session, ids: list[int], today: date) -> dict[int, date]:
    """The last day each case's dated records all keep their status (and sentences)."""
    out: dict[int, date] = {}
    ri, rr = RecordItem, RecordRequirement
    for i in range(0, len(ids), 900):
        for cid, dated, max_age in session.execute(
            select(ri.case_id, ri.document_date, rr.max_age_days)
            .join(rr, rr.id == ri.requirement_id)
            .where(
                ri.case_id.in_(ids[i : i + 900]),
                rr.required.is_(True),
                rr.max_age_days.is_not(None),
                ri.document_date.is_not(None),
                ri.received_on.is_not(None),
                ri.waived.is_(False),
            )
        ):
            if dated is None or max_age is None:
                continue
            last = dated + timedelta(days=max_age)
            # Too old already: its sentence names the age in days, so it holds for today only.
            day = last if last >= today else today
            out[cid] = min(out.get(cid, day), day)
    return out


def summaries(
    factory: sessionmaker[Session],
    stored: dict[int, tuple[int | None, date | None, date | None]],
    open_ids: Sequence[int],
    today: date,
) -> dict[int, Summary]:
    """Summaries of the open cases whose stored row (token, computed_on, valid_until) does not
    hold today: computed now and stored unless a change marked the case since it was read."""
    stale = [cid for cid in open_ids if cid not in stored or not holds(*stored[cid][1:], today)]
    if not stale:
        return {}
    missing = [cid for cid in stale if stored.get(cid, (None,))[0] is None]
    if missing:
        _make_rows(factory, missing)
    with factory() as s:
        tokens: dict[int, int] = {}
        for i in range(0, len(stale), 900):
            tokens.update(
                s.execute(
                    select(GateSummary.case_id, GateSummary.token).where(
                        GateSummary.case_id.in_(stale[i : i + 900])
                    )
                ).all()
            )
        fresh = compute(s, stale, today)
    _store(factory, fresh, tokens, today)
    return fresh


def _make_rows(factory: sessionmaker[Session], ids: list[int]) -> None:
    """Empty rows first, so a change committing while we compute bumps their token."""
    with factory() as s, s.begin():
        conn = s.connection()
        insert = _dialect_insert(conn.dialect.name)
        table: Any = GateSummary.__table__
        for i in range(0, len(ids), 900):
            conn.execute(
                insert(table).on_conflict_do_nothing(index_elements=[table.c.case_id]),
                [{"case_id": cid, "token": 0} for cid in ids[i : i + 900]],
            )


def _store(
    factory: sessionmaker[Session],
    fresh: dict[int, Summary],
    tokens: dict[int, int],
    today: date,
) -> None:
    table: Any = GateSummary.__table__
    stmt = (
        update(table)
        .where(table.c.case_id == bindparam("cid"), table.c.token == bindparam("seen"))
        .values(
            computed_on=bindparam("on"),
            valid_until=bindparam("until"),
            blockers=bindparam("nb"),
            warnings=bindparam("nw"),
            first_blockers=bindparam("first"),
            next_deadline=bindparam("due"),
            next_deadline_what=bindparam("what"),
        )
    )
    params = [
        {
            "cid": cid,
            "seen": tokens[cid],
            "on": today,
            "until": s.valid_until,
            "nb": s.blockers,
            "nw": s.warnings,
            "first": "\n".join(s.first_blockers),
            "due": s.next_deadline,
            "what": s.next_deadline_what,
        }
        for cid, s in fresh.items()
        if cid in tokens
    ]
    if params:
        with factory() as s, s.begin():
            s.connection().execute(stmt, params)
