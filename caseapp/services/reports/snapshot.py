"""Snapshot sections: cases per stage, time in stage, stalled cases, deadlines, workload."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta

from sqlalchemy import case, func, or_, select
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


def _percentile(histogram: list[tuple[int, int]], total: int, num: int, den: int) -> float:
    """Linear-interpolated percentile num/den (as PERCENTILE_CONT) of (days, count) sorted by days.

    The value sits at 0-based position h = (n - 1) * num / den: the stay at floor(h) weighs
    1 - frac(h), the next one frac(h).
    """
    h = (total - 1) * num
    lo, frac = h // den, (h % den) * (1.0 / den)
    value, seen = 0.0, 0
    for days, count in histogram:
        first, seen = seen, seen + count
        if first <= lo < seen:
            value += days * (1.0 - frac)
        if first <= lo + 1 < seen:
            value += days * frac
            break
    return value


def time_in_stage(s: Session, q: ReportQuery) -> tuple[StageTime, ...]:
    """Stays per stage and length: one GROUP BY over stage history (days are whole numbers, so
    a stage has a few hundred lengths), percentiles taken from that histogram here."""
    stays = _open_stays(q).subquery()
    rows = s.execute(
        select(stays.c.stage, stays.c.days, func.count(), func.sum(stays.c.current))
        .group_by(stays.c.stage, stays.c.days)
        .order_by(stays.c.stage, stays.c.days)
    ).all()
    histograms: dict[str, list[tuple[int, int]]] = defaultdict(list)
    current: dict[str, int] = defaultdict(int)
    stalled: dict[str, int] = defaultdict(int)
    for stage, days, count, now_in in rows:
        histograms[stage].append((int(days), int(count)))
        current[stage] += int(now_in or 0)
        if int(days) > q.thresholds.get(stage, 10**6):
            stalled[stage] += int(now_in or 0)
    out = []
    for stage in OPEN_STAGES:
        histogram = histograms.get(stage)
        total = sum(n for _, n in histogram) if histogram else 0
        out.append(
            StageTime(
                stage,
                total,
                current[stage],
                round(_percentile(histogram, total, 1, 2), 1) if histogram else None,
                round(_percentile(histogram, total, 9, 10), 1) if histogram else None,
                q.thresholds[stage],
                stalled[stage],
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
