"""What a pipeline report holds: its filters and the rows of each section (plain data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from caseapp.models import (
    OPEN_STAGES,
)

SECTIONS = (
    "cases_per_stage",
    "time_in_stage",
    "stalled_cases",
    "deadlines",
    "workload",
    "throughput",
    "costs",
)
THROUGHPUT_KINDS = ("opened", "advanced", "closed", "declined", "withdrawn")
DEADLINE_KINDS = ("visa entry", "passport", "check-out", "appointment", "follow-up")


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
