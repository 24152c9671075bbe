"""Pipeline report figures against a hand-built database whose answers are worked out by hand.

Clock: 2026-11-26 09:00 UTC (tests/conftest.py). Program ALPHA holds the time-in-stage cases,
BETA the deadline cases, GAMMA the throughput and cost cases, so each check can filter to its own.
Runs on PostgreSQL too when CASEAPP_TEST_PG_URL is set (conftest's db fixture).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from caseapp.cli.report import add_report_parser, run_report
from caseapp.db import Database
from caseapp.models import (
    Case,
    CostLine,
    FollowupContact,
    InterpreterBooking,
    LodgingBooking,
    Patient,
    Program,
    StaffUser,
    StageHistory,
    VisaApplication,
    VisaType,
)
from caseapp.security import SYSTEM, Actor
from caseapp.services import reports
from caseapp.services.context import ServiceContext
from caseapp.services.errors import NotFound, PermissionDenied, ValidationError
from caseapp.services.report_export import report_to_csv, report_to_json
from caseapp.services.reports import ReportFilters, cases_behind, pipeline_report
from tests.conftest import Clock

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 26)
ALPHA, BETA, GAMMA = (ReportFilters(program=p) for p in ("ALPHA", "BETA", "GAMMA"))


def ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


def at(text_: str) -> datetime:
    return datetime.fromisoformat(text_).replace(tzinfo=UTC)


class Builder:
    """Direct ORM inserts: exactly the rows each test reasons about, nothing else."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self.staff = {
            login: StaffUser(login=login, full_name=name, role="facilitator")
            for login, name in (("anna", "Anna Berg"), ("ben", "Ben Cole"))
        }
        self.programs = {
            code: Program(
                code=code,
                name=f"{code} study",
                targets=["CD33"],
                hospital_en="Hospital",
                hospital_zh="医院",
                city_en="Shanghai",
                city_zh="上海",
                address_en="1 Road",
                address_zh="路1号",
            )
            for code in ("ALPHA", "BETA", "GAMMA")
        }
        session.add_all(
            [*self.staff.values(), *self.programs.values(), VisaType(code="S2", name="S2")]
        )

    def case(
        self,
        ref: str,
        program: str,
        path: list[tuple[str, datetime]],
        *,
        owner: str = "anna",
        nationality: str = "Kazakhstan",
        reason: str = "",
        arrival: date | None = None,
        departure: date | None = None,
        passport_expiry: date = date(2035, 1, 1),
    ) -> Case:
        """A case that entered each stage of `path` at the time given; the last stay is open."""
        patient = Patient(
            full_name=f"Patient {ref}",
            sex="F",
            date_of_birth=date(1980, 1, 1),
            nationality=nationality,
            passport_number=f"P{ref}",
            passport_expiry=passport_expiry,
            languages=["ru"],
        )
        stage, entered = path[-1]
        case = Case(
            ref=ref,
            patient=patient,
            program=self.programs[program],
            owner=self.staff[owner],
            stage=stage,
            stage_entered_at=entered,
            exit_reason=reason,
            planned_arrival=arrival,
            planned_departure=departure,
            home_currency="USD",
            cny_per_home_unit=Decimal("7.0"),
            followup_plan_days=[28],
            created_at=path[0][1],
        )
        for i, (name, when) in enumerate(path):
            left = path[i + 1][1] if i + 1 < len(path) else None
            case.history.append(StageHistory(stage=name, entered_at=when, left_at=left))
        self.s.add(case)
        self.s.flush()
        return case


def build(session: Session) -> None:
    b = Builder(session)
    # ALPHA: records stays 10, 20, 30, 40, 25 (current), 5; eligibility 3 (current), 15 (current),
    # 14 (current), 6; visa 31 (current).
    b.case("A-1", "ALPHA", [("records", ago(13)), ("eligibility", ago(3))])
    b.case("A-2", "ALPHA", [("records", ago(35)), ("eligibility", ago(15))])
    b.case("A-3", "ALPHA", [("records", ago(44)), ("eligibility", ago(14))])
    b.case(
        "A-4",
        "ALPHA",
        [("records", ago(77)), ("eligibility", ago(37)), ("visa", ago(31))],
        owner="ben",
        nationality="Egypt",
    )
    b.case("A-5", "ALPHA", [("records", ago(25))])
    b.case(
        "A-6",
        "ALPHA",
        [("records", ago(7)), ("declined", ago(2))],
        reason="Not eligible: CD33 below threshold.",
    )

    # BETA: deadlines around the 14-day edge (2026-12-10 included, 2026-12-11 excluded).
    recent = [("records", ago(30)), ("eligibility", ago(20))]
    for ref, until in (("B-1", date(2026, 12, 10)), ("B-2", date(2026, 12, 11))):
        c = b.case(ref, "BETA", [*recent, ("visa", ago(10))])
        session.add(
            VisaApplication(case_id=c.id, visa_type="S2", status="approved", entry_until=until)
        )
    c = b.case("B-3", "BETA", [*recent, ("visa", ago(9)), ("lodging", ago(8))])
    session.add(
        VisaApplication(
            case_id=c.id, visa_type="S2", status="approved", entry_until=date(2026, 11, 20)
        )
    )
    c = b.case("B-4", "BETA", [*recent, ("treatment", ago(5))])
    for day in (date(2026, 12, 10), date(2026, 12, 11), date(2026, 11, 25)):
        session.add(
            LodgingBooking(
                case_id=c.id,
                property_name=f"Flat {day.day}",
                address_en="x",
                check_in=day - timedelta(days=20),
                check_out=day,
            )
        )
    c = b.case("B-5", "BETA", [*recent, ("treatment", ago(5))])
    for title, starts in (
        ("Infusion", at("2026-12-10T02:00")),  # 10:00 in China on the 10th: included
        ("Late review", at("2026-12-10T15:30")),  # 23:30 in China on the 10th: included
        ("Day +28", at("2026-12-11T00:00")),  # 08:00 in China on the 11th: excluded
        ("Yesterday", at("2026-11-25T02:00")),  # past: not a deadline
    ):
        session.add(
            InterpreterBooking(
                case_id=c.id, title=title, starts_at=starts, ends_at=starts + timedelta(hours=1)
            )
        )
    c = b.case("B-6", "BETA", [*recent, ("followup", ago(100))])
    for offset, due, done, missed in (
        (28, date(2026, 11, 1), None, False),  # overdue
        (60, date(2026, 12, 10), None, False),  # edge: included
        (90, date(2026, 12, 11), None, False),  # day 15: excluded
        (180, date(2026, 11, 10), date(2026, 11, 10), False),  # done
        (365, date(2026, 11, 12), None, True),  # missed
    ):
        session.add(
            FollowupContact(
                case_id=c.id, day_offset=offset, due_on=due, done_on=done, missed=missed
            )
        )
    # Passports: must be valid to six months after the planned return (2027-02-10 -> 2027-08-10).
    b.case(
        "B-7",
        "BETA",
        [("records", ago(3))],
        arrival=date(2026, 12, 10),
        departure=date(2027, 2, 10),
        passport_expiry=date(2027, 8, 9),
    )
    b.case(
        "B-8",
        "BETA",
        [("records", ago(3))],
        arrival=date(2026, 12, 5),
        departure=date(2027, 2, 10),
        passport_expiry=date(2027, 8, 10),
    )
    b.case(
        "B-9",
        "BETA",
        [("records", ago(3))],
        arrival=date(2026, 12, 11),
        departure=date(2027, 2, 10),
        passport_expiry=date(2027, 3, 1),
    )

    # GAMMA: throughput with empty months, costs per month and category.
    g1 = b.case(
        "G-1",
        "GAMMA",
        [("records", at("2026-03-10T10:00")), ("withdrawn", at("2026-05-05T10:00"))],
        reason="The family could not fund the stay.",
        owner="ben",
    )
    g2 = b.case(
        "G-2",
        "GAMMA",
        [
            ("records", at("2025-11-15T10:00")),
            ("eligibility", at("2026-01-10T10:00")),
            ("visa", at("2026-02-01T10:00")),
            ("lodging", at("2026-03-01T10:00")),
            ("interpreters", at("2026-03-15T10:00")),
            ("treatment", at("2026-04-01T10:00")),
            ("followup", at("2026-07-01T10:00")),
            ("closed", at("2026-11-01T10:00")),
        ],
        arrival=date(2026, 3, 28),
        departure=date(2026, 6, 1),
    )
    for case_id, category, est, actual, currency, incurred in (
        (g2.id, "apheresis", "1000", "1100", "CNY", date(2026, 4, 5)),
        (g2.id, "manufacturing", "5000", None, "CNY", None),  # -> planned arrival, March
        (g2.id, "lodging", "100", "110", "USD", date(2026, 4, 20)),  # x 7.0
        (g2.id, "travel", "2000", "2100", "CNY", date(2025, 10, 1)),  # before the period
        (g1.id, "travel", "300", None, "CNY", None),  # -> month opened, March
    ):
        session.add(
            CostLine(
                case_id=case_id,
                category=category,
                estimated=Decimal(est),
                actual=Decimal(actual) if actual else None,
                currency=currency,
                incurred_on=incurred,
            )
        )


@pytest.fixture
def ctx(db: Database, clock: Clock) -> ServiceContext:
    """The hand-built database (SQLite, or PostgreSQL when CASEAPP_TEST_PG_URL is set)."""
    with db.session_factory.begin() as session:
        build(session)
    return ServiceContext(db.session_factory, SYSTEM, clock)


# ---- cases per stage, time in stage, stalled -------------------------------------------------


def test_cases_per_stage_keeps_open_stages_and_exits_apart(ctx: ServiceContext) -> None:
    counts = {(c.stage, c.group): c.count for c in pipeline_report(ctx, ALPHA).cases_per_stage}
    assert counts == {
        ("records", "open"): 1,
        ("eligibility", "open"): 3,
        ("visa", "open"): 1,
        ("lodging", "open"): 0,
        ("interpreters", "open"): 0,
        ("treatment", "open"): 0,
        ("followup", "open"): 0,
        ("closed", "closed"): 0,
        ("declined", "exit"): 1,
        ("withdrawn", "exit"): 0,
    }
    assert cases_behind(ctx, "cases_per_stage", "eligibility", ALPHA) == ["A-1", "A-2", "A-3"]


def test_time_in_stage_medians_percentiles_and_stalled_counts(ctx: ServiceContext) -> None:
    times = {t.stage: t for t in pipeline_report(ctx, ALPHA).time_in_stage}
    # records: 5, 10, 20, 25, 30, 40 -> median (20+25)/2; p90 at 4.5 -> 30 + 0.5 * 10
    assert (times["records"].stays, times["records"].median_days) == (6, 22.5)
    assert times["records"].p90_days == 35.0
    assert (times["records"].current, times["records"].stalled) == (1, 1)  # 25 > 21
    # eligibility: 3, 6, 14, 15 -> median 6 + 0.5 * 8 = 10; p90 at 2.7 -> 14 + 0.7 * 1 = 14.7
    assert (times["eligibility"].median_days, times["eligibility"].p90_days) == (10.0, 14.7)
    assert times["eligibility"].stalled == 1  # 15 > 14 stalls; exactly 14 does not
    assert (times["visa"].median_days, times["visa"].p90_days, times["visa"].stalled) == (
        31.0,
        31.0,
        1,
    )
    assert times["lodging"] == reports.StageTime("lodging", 0, 0, None, None, 14, 0)


def test_stalled_cases_oldest_first_and_thresholds_from_settings(ctx: ServiceContext) -> None:
    stalled = pipeline_report(ctx, ALPHA).stalled_cases
    assert [(c.ref, c.stage, c.days, c.owner) for c in stalled] == [
        ("A-4", "visa", 31, "ben"),
        ("A-5", "records", 25, "anna"),
        ("A-2", "eligibility", 15, "anna"),
    ]
    assert reports.set_stall_thresholds(ctx, {"eligibility": 13})["eligibility"] == 13
    assert reports.stall_thresholds(ctx)["visa"] == 30
    report = pipeline_report(ctx, ALPHA)
    assert {t.stage: t.stalled for t in report.time_in_stage}["eligibility"] == 2
    assert cases_behind(ctx, "time_in_stage", "eligibility", ALPHA) == ["A-2", "A-3"]


def test_stall_thresholds_are_validated_and_need_the_settings_right(ctx: ServiceContext) -> None:
    with pytest.raises(ValidationError):
        reports.set_stall_thresholds(ctx, {"closed": 3})
    with pytest.raises(ValidationError):
        reports.set_stall_thresholds(ctx, {"visa": 0})
    manager = ctx.as_actor(Actor(id=None, login="helen", role="manager"))
    with pytest.raises(PermissionDenied):
        reports.set_stall_thresholds(manager, {"visa": 10})
    facilitator = ctx.as_actor(Actor(id=None, login="fatima", role="facilitator"))
    with pytest.raises(PermissionDenied):
        pipeline_report(facilitator)


# ---- deadlines -----------------------------------------------------------------------------


def test_deadlines_include_day_14_and_overdue_but_not_day_15(ctx: ServiceContext) -> None:
    items = [(d.due, d.kind, d.ref, d.overdue) for d in pipeline_report(ctx, BETA).deadlines]
    assert items == [
        (date(2026, 11, 1), "follow-up", "B-6", True),
        (date(2026, 11, 20), "visa entry", "B-3", True),
        (date(2026, 12, 10), "visa entry", "B-1", False),
        (date(2026, 12, 10), "passport", "B-7", False),
        (date(2026, 12, 10), "check-out", "B-4", False),
        (date(2026, 12, 10), "appointment", "B-5", False),
        (date(2026, 12, 10), "appointment", "B-5", False),
        (date(2026, 12, 10), "follow-up", "B-6", False),
    ]
    assert cases_behind(ctx, "deadlines", "overdue", BETA) == ["B-3", "B-6"]
    assert cases_behind(ctx, "deadlines", "appointment", BETA) == ["B-5"]


# ---- workload, throughput, reasons, costs ---------------------------------------------------


def test_workload_counts_open_cases_per_owner_and_stage(ctx: ServiceContext) -> None:
    rows = pipeline_report(ctx, ALPHA).workload
    assert [(w.owner, w.by_stage, w.total) for w in rows] == [
        ("anna", (1, 3, 0, 0, 0, 0, 0), 4),
        ("ben", (0, 0, 1, 0, 0, 0, 0), 1),
    ]
    assert cases_behind(ctx, "workload", "anna/eligibility", ALPHA) == ["A-1", "A-2", "A-3"]
    assert cases_behind(ctx, "workload", "ben", ALPHA) == ["A-4"]


def test_throughput_has_every_month_of_the_period_with_zeros(ctx: ServiceContext) -> None:
    report = pipeline_report(ctx, GAMMA)
    assert (report.period_from, report.period_to) == (date(2025, 12, 1), TODAY)
    months = {m.month: m for m in report.throughput}
    assert list(months) == [
        "2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05",
        "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11",
    ]  # fmt: skip
    T = reports.ThroughputMonth
    assert months["2025-12"] == T("2025-12")  # G-2 opened in November 2025: before the period
    assert months["2026-01"] == T("2026-01", advanced=1)
    assert months["2026-03"] == T("2026-03", opened=1, advanced=2)
    assert months["2026-05"] == T("2026-05", withdrawn=1)
    assert months["2026-06"] == T("2026-06")
    assert months["2026-11"] == T("2026-11", closed=1)
    assert sum(m.advanced for m in report.throughput) == 6
    assert report.exit_reasons == (
        reports.ExitReason("withdrawn", "The family could not fund the stay.", 1),
    )
    assert cases_behind(ctx, "throughput", "2026-03/opened", GAMMA) == ["G-1"]
    assert cases_behind(ctx, "throughput", "2026-03", GAMMA) == ["G-1", "G-2"]
    assert cases_behind(ctx, "reasons", "withdrawn/The family could not fund the stay.", GAMMA) == [
        "G-1"
    ]
    alpha = {m.month: m for m in pipeline_report(ctx, ALPHA).throughput}
    assert alpha["2026-11"] == T("2026-11", opened=3, advanced=3, declined=1)


def test_costs_per_month_and_category_in_cny(ctx: ServiceContext) -> None:
    report = pipeline_report(ctx, GAMMA)
    by_month = {c.key: c for c in report.costs_by_month}
    assert len(by_month) == 12
    assert (by_month["2026-03"].estimated, by_month["2026-03"].actual) == (
        Decimal("5300.00"),
        Decimal("0.00"),
    )
    assert (by_month["2026-04"].estimated, by_month["2026-04"].actual) == (
        Decimal("1700.00"),
        Decimal("1870.00"),
    )
    assert by_month["2026-04"].lines_with_actual == 2
    assert by_month["2026-05"] == reports.CostFigure(
        "2026-05", Decimal("0.00"), Decimal("0.00"), 0, 0
    )
    cats = {c.key: (c.estimated, c.actual, c.lines) for c in report.costs_by_category}
    assert cats == {
        "apheresis": (Decimal("1000.00"), Decimal("1100.00"), 1),
        "lodging": (Decimal("700.00"), Decimal("770.00"), 1),
        "manufacturing": (Decimal("5000.00"), Decimal("0.00"), 1),
        "travel": (Decimal("300.00"), Decimal("0.00"), 1),
    }
    assert cases_behind(ctx, "costs", "2026-03", GAMMA) == ["G-1", "G-2"]
    assert cases_behind(ctx, "costs", "lodging", GAMMA) == ["G-2"]


# ---- filters -------------------------------------------------------------------------------


def test_date_range_sets_the_period_and_the_cases_open_in_it(ctx: ServiceContext) -> None:
    f = ReportFilters(date(2026, 3, 1), date(2026, 5, 31), program="gamma")
    report = pipeline_report(ctx, f)
    assert [m.month for m in report.throughput] == ["2026-03", "2026-04", "2026-05"]
    counts = {c.stage: c.count for c in report.cases_per_stage if c.count}
    assert counts == {"closed": 1, "withdrawn": 1}
    # ALPHA's cases all opened after May 2026.
    assert sum(c.count for c in pipeline_report(ctx, ReportFilters(
        date(2026, 3, 1), date(2026, 5, 31), program="ALPHA")).cases_per_stage) == 0  # fmt: skip
    with pytest.raises(ValidationError):
        pipeline_report(ctx, ReportFilters(date(2026, 5, 1), date(2026, 4, 1)))


def test_owner_and_nationality_filters(ctx: ServiceContext) -> None:
    egypt = pipeline_report(ctx, ReportFilters(nationality="egypt"))
    assert {c.stage: c.count for c in egypt.cases_per_stage if c.count} == {"visa": 1}
    ben = pipeline_report(ctx, ReportFilters(owner="BEN"))
    assert [(w.owner, w.total) for w in ben.workload] == [("ben", 1)]
    with pytest.raises(NotFound):
        pipeline_report(ctx, ReportFilters(program="NOPE"))
    with pytest.raises(NotFound):
        pipeline_report(ctx, ReportFilters(owner="nobody"))


def test_every_bar_count_matches_the_cases_behind_it(ctx: ServiceContext) -> None:
    report = pipeline_report(ctx)
    for c in report.cases_per_stage:
        assert len(cases_behind(ctx, "cases_per_stage", c.stage)) == c.count
    for t in report.time_in_stage:
        assert len(cases_behind(ctx, "time_in_stage", t.stage)) == t.stalled
    for w in report.workload:
        assert len(cases_behind(ctx, "workload", w.owner)) == w.total
    with pytest.raises(ValidationError):
        cases_behind(ctx, "nonsense", "x")


# ---- exports -------------------------------------------------------------------------------


def test_json_and_csv_exports_carry_the_same_figures(ctx: ServiceContext) -> None:
    report = pipeline_report(ctx, GAMMA)
    data = report_to_json(report)
    assert set(reports.SECTIONS) <= set(data)
    json.dumps(data)  # plain JSON types only
    assert data["throughput"]["months"][3] == {
        "month": "2026-03", "opened": 1, "advanced": 2, "closed": 0, "declined": 0,
        "withdrawn": 0,
    }  # fmt: skip
    assert data["costs"]["by_month"][4]["actual"] == "1870.00"
    rows = list(csv.reader(io.StringIO(report_to_csv(report))))
    header = rows.index(
        ["section", "month", "opened", "advanced", "closed", "declined", "withdrawn"]
    )
    assert rows[header + 4] == ["throughput", "2026-03", "1", "2", "0", "0", "0"]
    costs = [r for r in rows if r and r[0] == "costs_by_category"]
    assert ["costs_by_category", "lodging", "700.00", "770.00", "1", "1"] in costs


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_report_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["report", "pipeline", *argv])


def test_run_report_writes_json_csv_and_pdf(ctx: ServiceContext, tmp_path: Path) -> None:
    out = io.StringIO()
    assert run_report(_args("--program", "ALPHA", "--format", "json"), ctx, out) == 0
    data = json.loads(out.getvalue())
    assert data["filters"]["program"] == "ALPHA"
    assert [c["ref"] for c in data["stalled_cases"]] == ["A-4", "A-5", "A-2"]

    target = tmp_path / "report.csv"
    assert run_report(_args("--format", "csv", "-o", str(target)), ctx, io.StringIO()) == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # spreadsheets read the BOM as UTF-8
    assert "cases_per_stage,eligibility,open,3" in raw.decode("utf-8-sig")

    pdf = tmp_path / "report.pdf"
    args = _args("--format", "pdf", "-o", str(pdf), "--from", "2026-01-01", "--to", "2026-11-26")
    assert run_report(args, ctx, io.StringIO()) == 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_time_in_stage_percentiles_from_the_histogram_match_percentile_cont() -> None:
    """The histogram walk gives PERCENTILE_CONT's linear interpolation, ties and all."""
    import random
    from collections import Counter

    from caseapp.services.reports.snapshot import _percentile

    rng = random.Random(3)
    for size in (1, 2, 3, 10, 11, 97):
        days = sorted(rng.choice((0, 1, 1, 2, 5, 8, 30, 31, 200)) for _ in range(size))
        histogram = sorted(Counter(days).items())
        for num, den in ((1, 2), (9, 10)):
            h = (size - 1) * num / den
            lo = int(h)
            hi = min(lo + 1, size - 1)
            expected = days[lo] + (days[hi] - days[lo]) * (h - lo)
            assert abs(_percentile(histogram, size, num, den) - expected) < 1e-9, (days, num)
