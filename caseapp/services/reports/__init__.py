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

Package layout: pipeline (the entry points), read_models (what a report holds), scope (which
cases and months count), snapshot and period (the sections), thresholds (the stall setting), sql
(the per-dialect SQL pieces).
"""

from caseapp.models import OPEN_STAGES
from caseapp.services.reports.pipeline import (
    cases_behind,
    filter_choices,
    pipeline_report,
    report_letterhead,
)
from caseapp.services.reports.read_models import (
    DEADLINE_KINDS,
    SECTIONS,
    THROUGHPUT_KINDS,
    CostFigure,
    DeadlineItem,
    ExitReason,
    FilterChoices,
    PipelineReport,
    ReportFilters,
    StageCount,
    StageTime,
    StalledCase,
    ThroughputMonth,
    WorkloadRow,
)
from caseapp.services.reports.thresholds import (
    DEFAULT_STALL_THRESHOLDS,
    set_stall_thresholds,
    stall_thresholds,
)

__all__ = [
    "DEADLINE_KINDS",
    "DEFAULT_STALL_THRESHOLDS",
    "OPEN_STAGES",
    "SECTIONS",
    "THROUGHPUT_KINDS",
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
    "report_letterhead",
    "set_stall_thresholds",
    "stall_thresholds",
]
