"""The scope and period of one report: which cases count and which months, as SQL conditions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from caseapp.models import (
    OPEN_STAGES,
    Case,
    CostLine,
    Patient,
    Program,
    StaffUser,
    StageHistory,
)
from caseapp.models.base import UTCDateTime
from caseapp.services.context import ServiceContext
from caseapp.services.errors import NotFound, ValidationError
from caseapp.services.reports.read_models import ReportFilters
from caseapp.services.reports.sql import DateMonth, UtcMonth, WholeDays, month_number
from caseapp.services.reports.thresholds import read_thresholds
from caseapp.services.validation import check_date, quoted

DEADLINE_HORIZON_DAYS = 14


@dataclass(frozen=True)
class ReportQuery:
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


def prepare_query(s: Session, ctx: ServiceContext, filters: ReportFilters) -> ReportQuery:
    today = ctx.today()
    f = ReportFilters(
        filters.date_from,
        filters.date_to,
        (filters.program or "").strip().upper() or None,
        (filters.owner or "").strip().lower() or None,
        (filters.nationality or "").strip() or None,
    )
    for day, key in ((f.date_from, "report_from"), (f.date_to, "report_to")):
        if day is not None:
            check_date(day, key)
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise ValidationError("The report's start date must be on or before its end date.", "from")
    end = f.date_to or max(today, f.date_from or today)
    start = f.date_from or date(end.year - (1 if end.month < 12 else 0), end.month % 12 + 1, 1)
    if f.program and s.scalar(select(Program.id).where(Program.code == f.program)) is None:
        raise NotFound(f"There is no program {quoted(f.program)}.")
    if f.owner and s.scalar(select(StaffUser.id).where(StaffUser.login == f.owner)) is None:
        raise NotFound(f"There is no staff member with the login {quoted(f.owner)}.")
    return ReportQuery(f, ctx.now(), today, start, end, read_thresholds(s))
