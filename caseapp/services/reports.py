"""Manager reports: where cases stand, where they stall, what is due, what it costs.

Every figure is computed by the database (GROUP BY, window functions, conditional sums) through one
code path for SQLite and PostgreSQL; Python only pivots the handful of grouped rows and fills empty
months with zeros. The two things the dialects spell differently (month of a date, whole days
between two timestamps) are small SQL constructs compiled per dialect below.

Period and scope: the date range is the reporting period. Throughput and costs count what happened
in it (default: the current month and the eleven before). The snapshot sections (cases per stage,
time in stage, stalled cases, deadlines, workload) cover the cases that were open at some time in
the period when a date is given, all cases otherwise. Program, owner and nationality narrow every
section.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, and_, case, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from caseapp.models import (
    EXITS,
    OPEN_STAGES,
    Case,
    CostLine,
    FollowupContact,
    InterpreterBooking,
    LodgingBooking,
    Patient,
    Program,
    Setting,
    StaffUser,
    StageHistory,
    VisaApplication,
)
from caseapp.models.base import UTCDateTime
from caseapp.services.context import ServiceContext
from caseapp.services.deadlines import BEFORE_TRAVEL, IN_CHINA
from caseapp.services.errors import NotFound, ValidationError
from caseapp.services.interpreters import CHINA_TZ
from caseapp.services.visa import add_months

# A select of any columns (Select is generic over its column types).
AnySelect = Select[*tuple[Any, ...]]

SECTIONS = (
    "cases_per_stage",
    "time_in_stage",
    "stalled_cases",
    "deadlines",
    "workload",
    "throughput",
    "costs",
)
DEFAULT_STALL_THRESHOLDS: dict[str, int] = {
    "records": 21,
    "eligibility": 14,
    "visa": 30,
    "lodging": 14,
    "interpreters": 7,
    "treatment": 90,
    "followup": 400,
}
STALL_SETTING = "stall_thresholds"
DEADLINE_HORIZON_DAYS = 14
PASSPORT_MONTHS = 6
THROUGHPUT_KINDS = ("opened", "advanced", "closed", "declined", "withdrawn")
DEADLINE_KINDS = ("visa entry", "passport", "check-out", "appointment", "follow-up")
CENT = Decimal("0.01")

# Which stage entry counts as which movement: entering records opens a case; entering any later
# open stage is an advance; closed, declined and withdrawn end it.
_MOVE_OF_STAGE = {
    "records": "opened",
    **{s: "advanced" for s in OPEN_STAGES[1:]},
    "closed": "closed",
    "declined": "declined",
    "withdrawn": "withdrawn",
}


# ---- dialect-specific SQL pieces -----------------------------------------------------------


class DateMonth(FunctionElement[int]):
    """year * 12 + month - 1 of a DATE column, so months compare and subtract as integers."""

    type = Integer()
    inherit_cache = True
    name = "date_month"


class UtcMonth(FunctionElement[int]):
    """The same month number for a timestamp, taken in UTC (how timestamps are stored)."""

    type = Integer()
    inherit_cache = True
    name = "utc_month"


class WholeDays(FunctionElement[int]):
    """Whole days from the first timestamp to the second (floored, like timedelta.days)."""

    type = Integer()
    inherit_cache = True
    name = "whole_days"


def _args(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> list[str]:
    return [compiler.process(arg, **kw) for arg in element.clauses]


@compiles(DateMonth)
def _date_month(element: DateMonth, compiler: SQLCompiler, **kw: Any) -> str:
    (x,) = _args(element, compiler, **kw)
    return f"CAST(EXTRACT(YEAR FROM {x}) * 12 + EXTRACT(MONTH FROM {x}) - 1 AS INTEGER)"


@compiles(UtcMonth)
def _utc_month(element: UtcMonth, compiler: SQLCompiler, **kw: Any) -> str:
    (x,) = _args(element, compiler, **kw)
    utc = f"({x} AT TIME ZONE 'UTC')"
    return f"CAST(EXTRACT(YEAR FROM {utc}) * 12 + EXTRACT(MONTH FROM {utc}) - 1 AS INTEGER)"


@compiles(DateMonth, "sqlite")
@compiles(UtcMonth, "sqlite")
def _month_sqlite(element: FunctionElement[int], compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite stores dates and timestamps as ISO text ('YYYY-MM-DD...', timestamps in UTC), so
    # the month is in the text; substr is four times faster than strftime over 40,000 rows.
    (x,) = _args(element, compiler, **kw)
    return f"(CAST(substr({x}, 1, 4) AS INTEGER) * 12 + CAST(substr({x}, 6, 2) AS INTEGER) - 1)"


@compiles(WholeDays)
def _whole_days(element: WholeDays, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _args(element, compiler, **kw)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM ({end} - {start})) / 86400) AS INTEGER)"


@compiles(WholeDays, "sqlite")
def _whole_days_sqlite(element: WholeDays, compiler: SQLCompiler, **kw: Any) -> str:
    # julianday() differences are floats that can land just under a whole day: round to whole
    # seconds first, then divide as integers.
    start, end = _args(element, compiler, **kw)
    return f"(CAST((julianday({end}) - julianday({start})) * 86400 + 0.5 AS INTEGER) / 86400)"


def month_number(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_label(number: int) -> str:
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


# ---- read models ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFilters:
    """What the manager narrowed the report to; every field optional."""

    date_from: date | None = None
    date_to: date | None = None
    program: str | None = None  # program code
    owner: str | None = None  # staff login
    nationality: str | None = None


@dataclass(frozen=True)
class StageCount:
    stage: str
    group: str  # open | closed | exit
    count: int


@dataclass(frozen=True)
class StageTime:
    """Stays in one stage (finished ones and the current ones, counted to now)."""

    stage: str
    stays: int
    current: int
    median_days: float | None
    p90_days: float | None
    threshold: int
    stalled: int


@dataclass(frozen=True)
class StalledCase:
    ref: str
    patient: str
    stage: str
    days: int
    threshold: int
    owner: str
    owner_name: str


@dataclass(frozen=True, order=True)
class DeadlineItem:
    due: date
    kind: str
    ref: str
    patient: str
    detail: str
    overdue: bool


@dataclass(frozen=True)
class WorkloadRow:
    """Open cases of one owner; `by_stage` follows OPEN_STAGES."""

    owner: str
    owner_name: str
    by_stage: tuple[int, ...]
    total: int


@dataclass(frozen=True)
class ThroughputMonth:
    month: str  # YYYY-MM
    opened: int = 0
    advanced: int = 0
    closed: int = 0
    declined: int = 0
    withdrawn: int = 0


@dataclass(frozen=True)
class ExitReason:
    exit: str  # declined | withdrawn
    reason: str
    count: int


@dataclass(frozen=True)
class CostFigure:
    """Sums in CNY for a month or a category; `actual` covers the lines with an actual amount."""

    key: str
    estimated: Decimal
    actual: Decimal
    lines: int
    lines_with_actual: int


@dataclass(frozen=True)
class PipelineReport:
    generated_at: datetime
    today: date
    filters: ReportFilters
    period_from: date
    period_to: date
    thresholds: dict[str, int]
    cases_per_stage: tuple[StageCount, ...]
    time_in_stage: tuple[StageTime, ...]
    stalled_cases: tuple[StalledCase, ...]
    deadlines: tuple[DeadlineItem, ...]
    workload: tuple[WorkloadRow, ...]
    throughput: tuple[ThroughputMonth, ...]
    exit_reasons: tuple[ExitReason, ...]
    costs_by_month: tuple[CostFigure, ...]
    costs_by_category: tuple[CostFigure, ...]
    stages: tuple[str, ...] = field(default=OPEN_STAGES)


@dataclass(frozen=True)
class FilterChoices:
    """Values the dashboard's filter boxes offer."""

    programs: tuple[tuple[str, str], ...]  # code, name
    owners: tuple[tuple[str, str], ...]  # login, full name
    nationalities: tuple[str, ...]


# ---- settings ------------------------------------------------------------------------------


def _thresholds(s: Session) -> dict[str, int]:
    setting = s.get(Setting, STALL_SETTING)
    stored = setting.value if setting is not None else {}
    return {
        stage: int(stored.get(stage, default))
        for stage, default in DEFAULT_STALL_THRESHOLDS.items()
    }


def stall_thresholds(ctx: ServiceContext) -> dict[str, int]:
    """Days after which a case counts as stalled in each open stage (defaults filled in)."""
    ctx.require("reports.view")
    with ctx.read() as s:
        return _thresholds(s)


def set_stall_thresholds(ctx: ServiceContext, thresholds: dict[str, int]) -> dict[str, int]:
    """Store new thresholds (any subset of the open stages); returns the full set now in force."""
    ctx.require("settings.edit")
    clean: dict[str, int] = {}
    for stage, days in thresholds.items():
        if stage not in DEFAULT_STALL_THRESHOLDS:
            raise ValidationError(
                f"{stage!r} is not an open stage; thresholds exist for "
                f"{', '.join(DEFAULT_STALL_THRESHOLDS)}.",
                "stall_thresholds",
            )
        try:
            value = int(days)
        except (TypeError, ValueError):
            raise ValidationError(
                f"The {stage} threshold must be a whole number of days, not {days!r}.",
                "stall_thresholds",
            ) from None
        if not 1 <= value <= 3650:
            raise ValidationError(
                f"The {stage} threshold must be between 1 and 3650 days.", "stall_thresholds"
            )
        clean[stage] = value
    with ctx.unit_of_work() as uow:
        setting = uow.session.get(Setting, STALL_SETTING)
        merged = {**_thresholds(uow.session), **clean}
        if setting is None:
            uow.session.add(Setting(key=STALL_SETTING, value=merged))
        else:
            setting.value = merged
        return merged


# ---- scope and period ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Query:
    """Everything the section queries share, worked out once per report."""

    filters: ReportFilters
    now: datetime
    today: date
    start: date
    end: date
    thresholds: dict[str, int]

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(), UTC)

    @property
    def end_before(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time(), UTC)

    @property
    def first_month(self) -> int:
        return month_number(self.start)

    @property
    def last_month(self) -> int:
        return month_number(self.end)

    @property
    def horizon(self) -> date:
        return self.today + timedelta(days=DEADLINE_HORIZON_DAYS)

    def scope(self, *, snapshot: bool) -> list[ColumnElement[bool]]:
        """Conditions on Case for the filters; `snapshot` adds "open at some time in the period"."""
        f = self.filters
        out: list[ColumnElement[bool]] = []
        if f.program:
            out.append(
                Case.program_id
                == select(Program.id).where(Program.code == f.program).scalar_subquery()
            )
        if f.owner:
            out.append(
                Case.owner_id
                == select(StaffUser.id).where(StaffUser.login == f.owner).scalar_subquery()
            )
        if f.nationality:
            out.append(
                Case.patient_id.in_(
                    select(Patient.id).where(
                        func.lower(Patient.nationality) == f.nationality.lower()
                    )
                )
            )
        if snapshot and (f.date_from or f.date_to):
            out.append(Case.created_at < self.end_before)
            out.append(or_(Case.stage.in_(OPEN_STAGES), Case.stage_entered_at >= self.start_at))
        return out

    def stay_days(self) -> ColumnElement[int]:
        now = func.coalesce(StageHistory.left_at, _now_param(self.now))
        return WholeDays(StageHistory.entered_at, now)

    def threshold_of(self, stage: Any) -> ColumnElement[int]:
        return case(self.thresholds, value=stage, else_=10**6)

    def cost_month(self) -> ColumnElement[int]:
        # A line's month: when it was incurred; else the planned arrival (when treatment spends);
        # else the month the case was opened.
        return func.coalesce(
            DateMonth(CostLine.incurred_on),
            DateMonth(Case.planned_arrival),
            UtcMonth(Case.created_at),
        )

    def cny(self, amount: Any) -> ColumnElement[Any]:
        # Lines are in CNY or in the case's home currency (as the cost estimate document assumes).
        return case((CostLine.currency == "CNY", amount), else_=amount * Case.cny_per_home_unit)


def _now_param(now: datetime) -> ColumnElement[datetime]:
    return literal(now, UTCDateTime())


def _prepare(s: Session, ctx: ServiceContext, filters: ReportFilters) -> _Query:
    today = ctx.today()
    f = ReportFilters(
        filters.date_from,
        filters.date_to,
        (filters.program or "").strip().upper() or None,
        (filters.owner or "").strip().lower() or None,
        (filters.nationality or "").strip() or None,
    )
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise ValidationError("The report's start date must be on or before its end date.", "from")
    end = f.date_to or max(today, f.date_from or today)
    start = f.date_from or date(end.year - (1 if end.month < 12 else 0), end.month % 12 + 1, 1)
    if f.program and s.scalar(select(Program.id).where(Program.code == f.program)) is None:
        raise NotFound(f"There is no program {f.program!r}.")
    if f.owner and s.scalar(select(StaffUser.id).where(StaffUser.login == f.owner)) is None:
        raise NotFound(f"There is no staff member with the login {f.owner!r}.")
    return _Query(f, ctx.now(), today, start, end, _thresholds(s))


# ---- the sections --------------------------------------------------------------------------


def _cases_per_stage(s: Session, q: _Query) -> tuple[StageCount, ...]:
    counts = dict(
        s.execute(
            select(Case.stage, func.count()).where(*q.scope(snapshot=True)).group_by(Case.stage)
        ).all()
    )
    groups = [(st, "open") for st in OPEN_STAGES] + [("closed", "closed")]
    groups += [(st, "exit") for st in EXITS]
    return tuple(StageCount(st, g, int(counts.get(st, 0))) for st, g in groups)


def _open_stays(q: _Query) -> AnySelect:
    """Stays in open stages of the cases in scope, with their length in whole days."""
    cond: list[ColumnElement[bool]] = [StageHistory.stage.in_(OPEN_STAGES)]
    if q.filters.date_from or q.filters.date_to:
        cond += [
            StageHistory.entered_at < q.end_before,
            or_(StageHistory.left_at.is_(None), StageHistory.left_at >= q.start_at),
        ]
    query = select(
        StageHistory.case_id,
        StageHistory.stage,
        q.stay_days().label("days"),
        case((StageHistory.left_at.is_(None), 1), else_=0).label("current"),
    ).where(*cond)
    scope = q.scope(snapshot=True)
    if scope:
        query = query.join(Case, Case.id == StageHistory.case_id).where(*scope)
    return query


def _percentile(ranked: Any, num: int, den: int) -> ColumnElement[Any]:
    """Linear-interpolated percentile num/den (as PERCENTILE_CONT) from row numbers and counts.

    The value sits at 0-based position h = (n - 1) * num / den: the row at floor(h) weighs
    1 - frac(h), the next row frac(h). Integer division and modulo give floor and frac on both
    SQLite and PostgreSQL.
    """
    h = (ranked.c.n - 1) * num
    lo = h // den
    frac = (h % den) * (1.0 / den)
    return func.sum(
        case(
            (ranked.c.i == lo, ranked.c.days * (1.0 - frac)),
            (ranked.c.i == lo + 1, ranked.c.days * frac),
            else_=0.0,
        )
    )


def _time_in_stage(s: Session, q: _Query) -> tuple[StageTime, ...]:
    stays = _open_stays(q).subquery()
    ranked = select(
        stays.c.stage,
        stays.c.days,
        stays.c.current,
        (func.row_number().over(partition_by=stays.c.stage, order_by=stays.c.days) - 1).label("i"),
        func.count().over(partition_by=stays.c.stage).label("n"),
    ).subquery()
    rows = s.execute(
        select(
            ranked.c.stage,
            func.count(),
            func.sum(ranked.c.current),
            _percentile(ranked, 1, 2),
            _percentile(ranked, 9, 10),
            func.sum(
                case(
                    (
                        and_(ranked.c.current == 1, ranked.c.days > q.threshold_of(ranked.c.stage)),
                        1,
                    ),
                    else_=0,
                )
            ),
        ).group_by(ranked.c.stage)
    ).all()
    by_stage = {r[0]: r for r in rows}
    out = []
    for stage in OPEN_STAGES:
        r = by_stage.get(stage)
        out.append(
            StageTime(
                stage,
                int(r[1]) if r else 0,
                int(r[2] or 0) if r else 0,
                round(float(r[3]), 1) if r else None,
                round(float(r[4]), 1) if r else None,
                q.thresholds[stage],
                int(r[5] or 0) if r else 0,
            )
        )
    return tuple(out)


def _stalled_select(q: _Query) -> AnySelect:
    days = q.stay_days()
    threshold = q.threshold_of(StageHistory.stage)
    return (
        select(
            Case.ref,
            Patient.full_name,
            StageHistory.stage,
            days.label("days"),
            threshold.label("threshold"),
            StaffUser.login,
            StaffUser.full_name,
        )
        .join(Case, Case.id == StageHistory.case_id)
        .join(Patient, Patient.id == Case.patient_id)
        .join(StaffUser, StaffUser.id == Case.owner_id)
        .where(
            StageHistory.left_at.is_(None),
            StageHistory.stage.in_(OPEN_STAGES),
            days > threshold,
            *q.scope(snapshot=True),
        )
        .order_by(StageHistory.entered_at, Case.ref)
    )


def _stalled_cases(s: Session, q: _Query) -> tuple[StalledCase, ...]:
    return tuple(
        StalledCase(r[0], r[1], r[2], int(r[3]), int(r[4]), r[5], r[6])
        for r in s.execute(_stalled_select(q))
    )


def _case_columns() -> AnySelect:
    return select(Case.ref, Patient.full_name).join(Patient, Patient.id == Case.patient_id)


def _deadlines(s: Session, q: _Query) -> tuple[DeadlineItem, ...]:
    """Due within DEADLINE_HORIZON_DAYS days (that day included) or overdue."""
    today, horizon = q.today, q.horizon
    scope = q.scope(snapshot=True)
    items: list[DeadlineItem] = []
    # Visa entry deadlines of approved visas for patients who have not travelled yet.
    for ref, patient, until, vtype in s.execute(
        _case_columns()
        .add_columns(VisaApplication.entry_until, VisaApplication.visa_type)
        .join(VisaApplication, VisaApplication.case_id == Case.id)
        .where(
            Case.stage.in_(BEFORE_TRAVEL),
            VisaApplication.status == "approved",
            VisaApplication.entry_until <= horizon,
            *scope,
        )
    ):
        items.append(
            DeadlineItem(
                until, "visa entry", ref, patient, f"last day to enter on the {vtype} visa",
                until < today,
            )
        )  # fmt: skip
    # Passports that will not be valid six months past the planned return, due by travel.
    # SQL narrows to the month; the exact day rule (as the visa gate applies it) is checked here.
    for ref, patient, expiry, arrival, departure in s.execute(
        _case_columns()
        .add_columns(Patient.passport_expiry, Case.planned_arrival, Case.planned_departure)
        .where(
            Case.stage.in_(BEFORE_TRAVEL),
            Case.planned_arrival <= horizon,
            Case.planned_departure.is_not(None),
            DateMonth(Patient.passport_expiry)
            <= DateMonth(Case.planned_departure) + PASSPORT_MONTHS,
            *scope,
        )
    ):
        needed = add_months(departure, PASSPORT_MONTHS)
        if expiry < needed:
            items.append(
                DeadlineItem(
                    arrival,
                    "passport",
                    ref,
                    patient,
                    f"passport expires {expiry.isoformat()}; travel needs it valid to "
                    f"{needed.isoformat()} (six months after the planned return)",
                    arrival < today,
                )
            )
    # Lodging check-outs of patients in China or about to go.
    for ref, patient, check_out, place in s.execute(
        _case_columns()
        .add_columns(LodgingBooking.check_out, LodgingBooking.property_name)
        .join(LodgingBooking, LodgingBooking.case_id == Case.id)
        .where(
            Case.stage.in_(IN_CHINA),
            LodgingBooking.check_out >= today,
            LodgingBooking.check_out <= horizon,
            *scope,
        )
    ):
        items.append(DeadlineItem(check_out, "check-out", ref, patient, place, False))
    # Appointments, on their day in China.
    first = datetime.combine(today, time(), CHINA_TZ)
    after = datetime.combine(horizon + timedelta(days=1), time(), CHINA_TZ)
    for ref, patient, starts, title in s.execute(
        _case_columns()
        .add_columns(InterpreterBooking.starts_at, InterpreterBooking.title)
        .join(InterpreterBooking, InterpreterBooking.case_id == Case.id)
        .where(
            Case.stage.in_(IN_CHINA),
            InterpreterBooking.starts_at >= first,
            InterpreterBooking.starts_at < after,
            *scope,
        )
    ):
        local = starts.astimezone(CHINA_TZ)
        items.append(
            DeadlineItem(local.date(), "appointment", ref, patient, f"{local:%H:%M} {title}", False)
        )
    # Follow-up contacts neither done nor marked missed.
    for ref, patient, due, offset in s.execute(
        _case_columns()
        .add_columns(FollowupContact.due_on, FollowupContact.day_offset)
        .join(FollowupContact, FollowupContact.case_id == Case.id)
        .where(
            Case.stage.in_(OPEN_STAGES),
            FollowupContact.done_on.is_(None),
            FollowupContact.missed.is_(False),
            FollowupContact.due_on <= horizon,
            *scope,
        )
    ):
        items.append(
            DeadlineItem(due, "follow-up", ref, patient, f"day +{offset} contact", due < today)
        )
    items.sort(key=lambda d: (d.due, DEADLINE_KINDS.index(d.kind), d.ref))
    return tuple(items)


def _workload(s: Session, q: _Query) -> tuple[WorkloadRow, ...]:
    rows = s.execute(
        select(StaffUser.login, StaffUser.full_name, Case.stage, func.count())
        .join(StaffUser, StaffUser.id == Case.owner_id)
        .where(Case.stage.in_(OPEN_STAGES), *q.scope(snapshot=True))
        .group_by(StaffUser.login, StaffUser.full_name, Case.stage)
    ).all()
    names: dict[str, str] = {}
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for login, name, stage, n in rows:
        names[login] = name
        counts[login][stage] = int(n)
    out = [
        WorkloadRow(
            login,
            names[login],
            tuple(counts[login].get(st, 0) for st in OPEN_STAGES),
            sum(counts[login].values()),
        )
        for login in names
    ]
    out.sort(key=lambda r: (-r.total, r.owner))
    return tuple(out)


def _moves_select(q: _Query) -> AnySelect:
    """Stage entries inside the period, with their UTC month number."""
    return (
        select(UtcMonth(StageHistory.entered_at).label("month"), StageHistory.stage)
        .join(Case, Case.id == StageHistory.case_id)
        .where(
            StageHistory.entered_at >= q.start_at,
            StageHistory.entered_at < q.end_before,
            *q.scope(snapshot=False),
        )
    )


def _throughput(s: Session, q: _Query) -> tuple[ThroughputMonth, ...]:
    moves = _moves_select(q).subquery()
    rows = s.execute(
        select(moves.c.month, moves.c.stage, func.count()).group_by(moves.c.month, moves.c.stage)
    ).all()
    per_month: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(THROUGHPUT_KINDS, 0))
    for month, stage, n in rows:
        per_month[int(month)][_MOVE_OF_STAGE[stage]] += int(n)
    return tuple(
        ThroughputMonth(month_label(m), **per_month[m])
        for m in range(q.first_month, q.last_month + 1)
    )


def _exit_reasons(s: Session, q: _Query) -> tuple[ExitReason, ...]:
    rows = s.execute(
        select(StageHistory.stage, Case.exit_reason, func.count())
        .join(Case, Case.id == StageHistory.case_id)
        .where(
            StageHistory.stage.in_(EXITS),
            StageHistory.entered_at >= q.start_at,
            StageHistory.entered_at < q.end_before,
            *q.scope(snapshot=False),
        )
        .group_by(StageHistory.stage, Case.exit_reason)
    ).all()
    out = [ExitReason(stage, reason or "(no reason given)", int(n)) for stage, reason, n in rows]
    out.sort(key=lambda r: (EXITS.index(r.exit), -r.count, r.reason))
    return tuple(out)


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def _costs(s: Session, q: _Query) -> tuple[tuple[CostFigure, ...], tuple[CostFigure, ...]]:
    """Estimated and actual CNY per month and per category of the period.

    One GROUP BY month and category (at most months x categories rows); the two views are its
    margins, added up here.
    """
    month = q.cost_month()
    rows = s.execute(
        select(
            month.label("month"),
            CostLine.category,
            func.sum(q.cny(CostLine.estimated)),
            func.sum(q.cny(func.coalesce(CostLine.actual, 0))),
            func.count(),
            func.count(CostLine.actual),
        )
        .join(Case, Case.id == CostLine.case_id)
        .where(month >= q.first_month, month <= q.last_month, *q.scope(snapshot=False))
        .group_by(month, CostLine.category)
    ).all()
    zero = (Decimal("0.00"), Decimal("0.00"), 0, 0)
    by_month: dict[str, tuple[Decimal, Decimal, int, int]] = {}
    by_category: dict[str, tuple[Decimal, Decimal, int, int]] = {}
    for m, category, est, act, lines, with_actual in rows:
        figures = (_money(est), _money(act), int(lines), int(with_actual))
        for table, key in ((by_month, month_label(int(m))), (by_category, category)):
            old = table.get(key, zero)
            table[key] = (
                old[0] + figures[0],
                old[1] + figures[1],
                old[2] + figures[2],
                old[3] + figures[3],
            )
    months = tuple(
        CostFigure(label, *by_month.get(label, zero))
        for label in map(month_label, range(q.first_month, q.last_month + 1))
    )
    categories = tuple(CostFigure(c, *by_category[c]) for c in sorted(by_category))
    return months, categories


# ---- entry points --------------------------------------------------------------------------


def pipeline_report(ctx: ServiceContext, filters: ReportFilters | None = None) -> PipelineReport:
    """Every figure of the manager dashboard and the exports, for one set of filters."""
    ctx.require("reports.view")
    with ctx.read() as s:
        q = _prepare(s, ctx, filters or ReportFilters())
        by_month, by_category = _costs(s, q)
        return PipelineReport(
            generated_at=q.now,
            today=q.today,
            filters=q.filters,
            period_from=q.start,
            period_to=q.end,
            thresholds=dict(q.thresholds),
            cases_per_stage=_cases_per_stage(s, q),
            time_in_stage=_time_in_stage(s, q),
            stalled_cases=_stalled_cases(s, q),
            deadlines=_deadlines(s, q),
            workload=_workload(s, q),
            throughput=_throughput(s, q),
            exit_reasons=_exit_reasons(s, q),
            costs_by_month=by_month,
            costs_by_category=by_category,
        )


def _refs(s: Session, query: AnySelect) -> list[str]:
    sub = query.subquery()
    return list(s.scalars(select(sub.c.ref).distinct().order_by(sub.c.ref)))


def _month_key(key: str) -> int:
    try:
        year, month = key.split("-")
        return int(year) * 12 + int(month) - 1
    except ValueError:
        raise ValidationError(f"{key!r} is not a month (YYYY-MM).", "key") from None


def cases_behind(
    ctx: ServiceContext, section: str, key: str, filters: ReportFilters | None = None
) -> list[str]:
    """Refs of the cases behind one bar or row of the report, so a click can list them.

    Keys per section: cases_per_stage "stage"; time_in_stage "stage" (its stalled cases) or "";
    stalled_cases "" or a ref; deadlines "" (all), a kind, "overdue" or a ref; workload "login" or
    "login/stage"; throughput "YYYY-MM" or "YYYY-MM/kind" (kind: opened, advanced, ...);
    reasons "exit/reason text"; costs "YYYY-MM" or a category.
    """
    ctx.require("reports.view")
    with ctx.read() as s:
        q = _prepare(s, ctx, filters or ReportFilters())
        if section == "cases_per_stage":
            return _refs(s, select(Case.ref).where(Case.stage == key, *q.scope(snapshot=True)))
        if section in ("time_in_stage", "stalled_cases"):
            query = _stalled_select(q)
            if section == "time_in_stage" and key:
                query = query.where(StageHistory.stage == key)
            if section == "stalled_cases" and key:
                query = query.where(Case.ref == key)
            return _refs(s, query)
        if section == "deadlines":
            items = _deadlines(s, q)
            return sorted(
                {
                    d.ref
                    for d in items
                    if key in ("", d.kind, d.ref) or (key == "overdue" and d.overdue)
                }
            )
        if section == "workload":
            login, _, stage = key.partition("/")
            stages = (stage,) if stage else OPEN_STAGES
            return _refs(
                s,
                select(Case.ref)
                .join(StaffUser, StaffUser.id == Case.owner_id)
                .where(
                    StaffUser.login == login,
                    Case.stage.in_(stages),
                    *q.scope(snapshot=True),
                ),
            )
        if section == "throughput":
            month, _, kind = key.partition("/")
            moved = [st for st, k in _MOVE_OF_STAGE.items() if not kind or k == kind]
            query = (
                _moves_select(q)
                .add_columns(Case.ref)
                .where(
                    UtcMonth(StageHistory.entered_at) == _month_key(month),
                    StageHistory.stage.in_(moved),
                )
            )
            return _refs(s, query)
        if section == "reasons":
            exit_stage, _, reason = key.partition("/")
            cond = [Case.exit_reason == reason]
            if reason == "(no reason given)":
                cond = [or_(Case.exit_reason == "", Case.exit_reason.is_(None))]
            return _refs(
                s,
                select(Case.ref)
                .join(StageHistory, StageHistory.case_id == Case.id)
                .where(
                    StageHistory.stage == exit_stage,
                    StageHistory.entered_at >= q.start_at,
                    StageHistory.entered_at < q.end_before,
                    *cond,
                    *q.scope(snapshot=False),
                ),
            )
        if section == "costs":
            line_month = q.cost_month()
            key_cond = (
                line_month == _month_key(key)
                if key[:1].isdigit()
                else and_(CostLine.category == key, line_month >= q.first_month)
            )
            return _refs(
                s,
                select(Case.ref)
                .join(CostLine, CostLine.case_id == Case.id)
                .where(
                    key_cond,
                    line_month <= q.last_month,
                    line_month >= q.first_month,
                    *q.scope(snapshot=False),
                ),
            )
    raise ValidationError(
        f"Unknown report section {section!r}; sections are {', '.join(SECTIONS)} and reasons.",
        "section",
    )


def filter_choices(ctx: ServiceContext) -> FilterChoices:
    """Programs, case owners and nationalities to offer in the report filters."""
    ctx.require("reports.view")
    with ctx.read() as s:
        programs = tuple(
            (code, name)
            for code, name in s.execute(select(Program.code, Program.name).order_by(Program.code))
        )
        owners = tuple(
            (login, name)
            for login, name in s.execute(
                select(StaffUser.login, StaffUser.full_name)
                .where(StaffUser.id.in_(select(Case.owner_id)))
                .order_by(StaffUser.full_name)
            )
        )
        nationalities = tuple(
            s.scalars(select(Patient.nationality).distinct().order_by(Patient.nationality))
        )
    return FilterChoices(programs, owners, nationalities)


def report_letterhead(ctx: ServiceContext) -> dict[str, Any]:
    """The agency letterhead and page size from the settings, for the report PDF."""
    from caseapp.services.settings import agency_settings

    ctx.require("reports.view")
    agency = agency_settings(ctx)
    return {
        "letterhead": {
            "agency_name": agency.agency_name,
            "address": agency.address,
            "phone": agency.phone,
            "email": agency.email,
            "logo_path": agency.logo_path or None,
        },
        "page_size": agency.page_size,
    }


__all__: Sequence[str] = (
    "DEFAULT_STALL_THRESHOLDS",
    "SECTIONS",
    "CostFigure",
    "DeadlineItem",
    "ExitReason",
    "FilterChoices",
    "PipelineReport",
    "ReportFilters",
    "StageCount",
    "StageTime",
    "StalledCase",
    "ThroughputMonth",
    "WorkloadRow",
    "cases_behind",
    "filter_choices",
    "pipeline_report",
    "set_stall_thresholds",
    "stall_thresholds",
)
