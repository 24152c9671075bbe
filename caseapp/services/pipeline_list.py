"""The pipeline list: one query over cases and their stored gate summaries, 50,000 rows fast.

The gates are not evaluated here: each open case's stored summary is read with its row, and only
summaries missing or past their day are computed again (caseapp.services.gate_summary). Rows
are read through Core, with SQLite's dates taken as text and parsed by the C `fromisoformat`.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import String, select, type_coerce
from sqlalchemy.sql.elements import ColumnElement

from caseapp.models import EXITS, OPEN_STAGES, STAGES, Case, Patient, Program, StaffUser
from caseapp.models.gate_summary import GateSummary
from caseapp.security import data_key_for
from caseapp.services import gate_summary
from caseapp.services.context import ServiceContext
from caseapp.services.errors import ValidationError
from caseapp.services.lookup import get_staff
from caseapp.services.validation import check_text, quoted

ALL_STAGES = (*STAGES, *EXITS)


@dataclass(slots=True, unsafe_hash=True)
class CaseRow:
    """One line of the pipeline list: light enough to hold 50,000 of them.

    Slots, not frozen: a frozen dataclass sets each field through object.__setattr__, which
    made building 50,000 rows cost as much as reading them. Treat it as read-only all the same.
    """

    id: int
    ref: str
    patient: str
    nationality: str
    passport_number: str
    program: str
    stage: str
    owner: str
    owner_name: str
    days_in_stage: int
    blockers: int
    warnings: int
    next_deadline: date | None
    next_deadline_what: str
    overdue: bool
    version: int
    first_blockers: tuple[str, ...] = ()


def _raw(column: Any, sqlite: bool) -> ColumnElement[Any]:
    """SQLite's dates as their stored text (parsed below); other databases' as they come."""
    return type_coerce(column, String) if sqlite else column


def list_cases(
    ctx: ServiceContext,
    *,
    stage: str | None = None,
    owner: str | None = None,
    search: str | None = None,
) -> list[CaseRow]:
    """The pipeline, with blocker counts of each case's current gate and its next deadline."""
    # 50,000 rows of new objects would set off the cyclic collector many times over, each
    # pass walking every row made so far; none of them can form a cycle.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _list_cases(ctx, stage=stage, owner=owner, search=search)
    finally:
        if collecting:
            gc.enable()


def _list_cases(
    ctx: ServiceContext,
    *,
    stage: str | None = None,
    owner: str | None = None,
    search: str | None = None,
) -> list[CaseRow]:
    """The pipeline, with blocker counts of each case's current gate and its next deadline."""
    ctx.require("case.view")
    if stage is not None and stage not in ALL_STAGES:
        raise ValidationError(
            f"Unknown stage {quoted(stage)}; stages are {', '.join(ALL_STAGES)}.", "stage"
        )
    check_text(search or "", "search", 200, label="The search text")
    check_text(owner or "", "owner", 40, label="The owner's login")
    today = ctx.today()
    now = ctx.now()
    with ctx.read() as s:
        ctx_dialect = s.get_bind().dialect
        sqlite = ctx_dialect.name == "sqlite"
        g = GateSummary
        q = (
            select(
                Case.id,
                Case.ref,
                Patient.full_name,
                Patient.nationality,
                type_coerce(Patient.passport_number, String),  # decrypted below, one key
                Program.code,
                Case.stage,
                StaffUser.login,
                StaffUser.full_name,
                _raw(Case.stage_entered_at, sqlite),
                Case.version,
                g.token,
                _raw(g.computed_on, sqlite),
                _raw(g.valid_until, sqlite),
                g.blockers,
                g.warnings,
                g.first_blockers,
                _raw(g.next_deadline, sqlite),
                g.next_deadline_what,
            )
            .join(Patient, Patient.id == Case.patient_id)
            .join(Program, Program.id == Case.program_id)
            .join(StaffUser, StaffUser.id == Case.owner_id)
            .outerjoin(g, g.case_id == Case.id)
            .order_by(Case.ref)
        )
        if stage:
            q = q.where(Case.stage == stage)
        if owner:
            get_staff(s, owner)  # an unknown login is a mistake to name, not "0 cases"
            q = q.where(StaffUser.login == owner.strip().lower())
        rows: Sequence[Any] = s.connection().execute(q).all()
        if search and search.strip():
            rows = _matching(s, rows, search)
    day = date.fromisoformat if sqlite else _same
    # Days in stage from naive UTC on both sides: SQLite keeps the stamps as naive UTC text.
    naive_now = now.astimezone(UTC).replace(tzinfo=None)
    stamp = datetime.fromisoformat if sqlite else _naive_utc
    decrypt = data_key_for(ctx_dialect).decrypt_texts
    stored = {}
    open_ids = []
    for r in rows:
        if r[6] in OPEN_STAGES:
            open_ids.append(r[0])
            if r[11] is not None:
                stored[r[0]] = (
                    r[11],
                    r[12] and day(r[12]),
                    r[13] and day(r[13]),
                )
    fresh = gate_summary.summaries(ctx.session_factory, stored, open_ids, today)
    passports = decrypt([r[4] for r in rows])
    out: list[CaseRow] = []
    add = out.append
    closed = (0, 0, None, "", ())
    for (cid, ref, name, nat, _, prog, st, login, owner_name, entered, version, token, _on,
         _until, nb, nw, first, due, what), passport in zip(
             rows, passports, strict=True):  # fmt: skip
        sm = fresh.get(cid)
        if sm is not None:
            nb, nw, due, what, lines = sm.listed()
        elif token is not None and st in OPEN_STAGES:
            due = due and day(due)
            lines = tuple(first.split("\n")) if first else ()
        else:  # closed: no gate, no deadlines
            nb, nw, due, what, lines = closed
        add(
            CaseRow(
                cid, ref, name, nat, passport, prog, st, login, owner_name,
                (naive_now - stamp(entered)).days, nb, nw, due, what,
                due is not None and due < today, version, lines,
            )
        )  # fmt: skip
    return out


def _same(value: Any) -> Any:
    return value


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


def _matching(s: Any, rows: Sequence[Any], search: str) -> list[Any]:
    """Name, ref, nationality: contains. Passport: exact, through its keyed index."""
    needle = search.strip().casefold()
    index = data_key_for(s.get_bind().dialect).passport_index(search)
    by_passport = set(
        s.scalars(
            select(Case.id)
            .join(Patient, Patient.id == Case.patient_id)
            .where(Patient.passport_index == index)
        )
        if index
        else ()
    )
    return [
        r for r in rows if r[0] in by_passport or needle in f"{r[1]}\n{r[2]}\n{r[3]}".casefold()
    ]
