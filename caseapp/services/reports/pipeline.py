"""The entry points: the whole report, the cases behind one figure, filter choices, letterhead."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from caseapp.models import (
    OPEN_STAGES,
    Case,
    CostLine,
    Patient,
    Program,
    StaffUser,
    StageHistory,
)
from caseapp.services.context import ServiceContext
from caseapp.services.errors import ValidationError
from caseapp.services.reports.period import (
    MOVE_OF_STAGE,
    costs,
    exit_reasons,
    moves_select,
    throughput,
)
from caseapp.services.reports.read_models import (
    SECTIONS,
    FilterChoices,
    PipelineReport,
    ReportFilters,
)
from caseapp.services.reports.scope import prepare_query
from caseapp.services.reports.snapshot import (
    cases_per_stage,
    deadlines,
    stalled_cases,
    stalled_select,
    time_in_stage,
    workload,
)
from caseapp.services.reports.sql import AnySelect, UtcMonth


def pipeline_report(ctx: ServiceContext, filters: ReportFilters | None = None) -> PipelineReport:
    """Every figure of the manager dashboard and the exports, for one set of filters."""
    ctx.require("reports.view")
    with ctx.read() as s:
        q = prepare_query(s, ctx, filters or ReportFilters())
        by_month, by_category = costs(s, q)
        return PipelineReport(
            generated_at=q.now,
            today=q.today,
            filters=q.filters,
            period_from=q.start,
            period_to=q.end,
            thresholds=dict(q.thresholds),
            cases_per_stage=cases_per_stage(s, q),
            time_in_stage=time_in_stage(s, q),
            stalled_cases=stalled_cases(s, q),
            deadlines=deadlines(s, q),
            workload=workload(s, q),
            throughput=throughput(s, q),
            exit_reasons=exit_reasons(s, q),
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
        q = prepare_query(s, ctx, filters or ReportFilters())
        if section == "cases_per_stage":
            return _refs(s, select(Case.ref).where(Case.stage == key, *q.scope(snapshot=True)))
        if section in ("time_in_stage", "stalled_cases"):
            query = stalled_select(q)
            if section == "time_in_stage" and key:
                query = query.where(StageHistory.stage == key)
            if section == "stalled_cases" and key:
                query = query.where(Case.ref == key)
            return _refs(s, query)
        if section == "deadlines":
            items = deadlines(s, q)
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
            moved = [st for st, k in MOVE_OF_STAGE.items() if not kind or k == kind]
            query = (
                moves_select(q)
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
