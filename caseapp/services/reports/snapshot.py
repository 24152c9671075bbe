"""Snapshot sections: cases per stage, time in stage, stalled cases, deadlines, workload."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from caseapp.models import (
    EXITS,
    OPEN_STAGES,
    Case,
    FollowupContact,
    InterpreterBooking,
    LodgingBooking,
    Patient,
    StaffUser,
    StageHistory,
    VisaApplication,
)
from caseapp.services.deadlines import BEFORE_TRAVEL, IN_CHINA
from caseapp.services.interpreters import CHINA_TZ
from caseapp.services.reports.read_models import (
    DEADLINE_KINDS,
    DeadlineItem,
    StageCount,
    StageTime,
    StalledCase,
    WorkloadRow,
)
from caseapp.services.reports.scope import ReportQuery
from caseapp.services.reports.sql import AnySelect, DateMonth
from caseapp.services.visa import add_months

PASSPORT_MONTHS = 6


def cases_per_stage(s: Session, q: ReportQuery) -> tuple[StageCount, ...]:
    counts = dict(
        s.execute(
            select(Case.stage, func.count()).where(*q.scope(snapshot=True)).group_by(Case.stage)
        ).all()
    )
    groups = [(st, "open") for st in OPEN_STAGES] + [("closed", "closed")]
    groups += [(st, "exit") for st in EXITS]
    return tuple(StageCount(st, g, int(counts.get(st, 0))) for st, g in groups)


def _open_stays(q: ReportQuery) -> AnySelect:
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


def time_in_stage(s: Session, q: ReportQuery) -> tuple[StageTime, ...]:
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


def stalled_select(q: ReportQuery) -> AnySelect:
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


def stalled_cases(s: Session, q: ReportQuery) -> tuple[StalledCase, ...]:
    return tuple(
        StalledCase(r[0], r[1], r[2], int(r[3]), int(r[4]), r[5], r[6])
        for r in s.execute(stalled_select(q))
    )


def _case_columns() -> AnySelect:
    return select(Case.ref, Patient.full_name).join(Patient, Patient.id == Case.patient_id)


def deadlines(s: Session, q: ReportQuery) -> tuple[DeadlineItem, ...]:
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


def workload(s: Session, q: ReportQuery) -> tuple[WorkloadRow, ...]:
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
