"""Period sections: what happened in the reporting period (throughput, exit reasons, costs)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseapp.models import (
    EXITS,
    OPEN_STAGES,
    Case,
    CostLine,
    StageHistory,
)
from caseapp.services.reports.read_models import (
    THROUGHPUT_KINDS,
    CostFigure,
    ExitReason,
    ThroughputMonth,
)
from caseapp.services.reports.scope import ReportQuery
from caseapp.services.reports.sql import AnySelect, UtcMonth, month_label

CENT = Decimal("0.01")

# Which stage entry counts as which movement: entering records opens a case; entering any later
# open stage is an advance; closed, declined and withdrawn end it.
MOVE_OF_STAGE = {
    "records": "opened",
    **{s: "advanced" for s in OPEN_STAGES[1:]},
    "closed": "closed",
    "declined": "declined",
    "withdrawn": "withdrawn",
}


def moves_select(q: ReportQuery) -> AnySelect:
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


def throughput(s: Session, q: ReportQuery) -> tuple[ThroughputMonth, ...]:
    moves = moves_select(q).subquery()
    rows = s.execute(
        select(moves.c.month, moves.c.stage, func.count()).group_by(moves.c.month, moves.c.stage)
    ).all()
    per_month: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(THROUGHPUT_KINDS, 0))
    for month, stage, n in rows:
        per_month[int(month)][MOVE_OF_STAGE[stage]] += int(n)
    return tuple(
        ThroughputMonth(month_label(m), **per_month[m])
        for m in range(q.first_month, q.last_month + 1)
    )


def exit_reasons(s: Session, q: ReportQuery) -> tuple[ExitReason, ...]:
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


def costs(s: Session, q: ReportQuery) -> tuple[tuple[CostFigure, ...], tuple[CostFigure, ...]]:
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
