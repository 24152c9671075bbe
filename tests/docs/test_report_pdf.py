"""The management report PDF, read back with pypdf: it states the figures of the JSON export."""

from __future__ import annotations

from typing import Any

from caseapp.docs.data import DocumentSettings
from caseapp.docs.report import render_pipeline_report
from tests.docs.conftest import read_pdf

STAGES = ("records", "eligibility", "visa", "lodging", "interpreters", "treatment", "followup")


def report_data(stalled: int = 3) -> dict[str, Any]:
    """A small report in the shape of services.report_export.report_to_json."""
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    return {
        "report": "pipeline",
        "generated_at": "2026-11-26T09:00:00+00:00",
        "today": "2026-11-26",
        "period": {"from": "2026-01-01", "to": "2026-12-31"},
        "filters": {"from": None, "to": None, "program": "CD33-SH", "owner": None,
                    "nationality": None},
        "stall_thresholds": {"records": 21},
        "cases_per_stage": [
            *({"stage": s, "group": "open", "count": i + 1} for i, s in enumerate(STAGES)),
            {"stage": "closed", "group": "closed", "count": 4},
            {"stage": "declined", "group": "exit", "count": 2},
            {"stage": "withdrawn", "group": "exit", "count": 1},
        ],
        "time_in_stage": [
            {"stage": s, "stays": 10, "current": 2, "median_days": 22.5, "p90_days": 35.0,
             "threshold": 21, "stalled": 1 if s == "records" else 0}
            for s in STAGES
        ],
        "stalled_cases": [
            {"ref": f"CA-2026-{i:04d}", "patient": f"Aigerim Patient {i}", "stage": "visa",
             "days": 60 - i, "threshold": 30, "owner": "omar", "owner_name": "Omar Haddad"}
            for i in range(stalled)
        ],
        "deadlines": [
            {"date": "2026-11-01", "kind": "follow-up", "ref": "CA-2026-0007",
             "patient": "Nadia Hussain", "detail": "day +28 contact", "overdue": True},
            {"date": "2026-12-10", "kind": "visa entry", "ref": "CA-2026-0008",
             "patient": "Мария Иванова", "detail": "last day to enter on the S2 visa",
             "overdue": False},
        ],
        "workload": [
            {"owner": "omar", "owner_name": "Omar Haddad", **dict.fromkeys(STAGES, 1),
             "total": 7},
        ],
        "throughput": {
            "months": [
                {"month": m, "opened": 3 if m == "2026-03" else 0, "advanced": 5, "closed": 0,
                 "declined": 1 if m == "2026-05" else 0, "withdrawn": 0}
                for m in months
            ],
            "reasons": [
                {"exit": "declined", "reason": "LVEF below the program's minimum.", "count": 1}
            ],
        },
        "costs": {
            "currency": "CNY",
            "by_month": [
                {"month": m, "estimated": "125000.00" if m == "2026-04" else "0.00",
                 "actual": "131500.00" if m == "2026-04" else "0.00",
                 "lines": 2 if m == "2026-04" else 0,
                 "lines_with_actual": 2 if m == "2026-04" else 0}
                for m in months
            ],
            "by_category": [
                {"category": "manufacturing", "estimated": "125000.00", "actual": "131500.00",
                 "lines": 2, "lines_with_actual": 2}
            ],
        },
    }  # fmt: skip


def test_report_pdf_states_every_section(settings: DocumentSettings) -> None:
    pdf = read_pdf(render_pipeline_report(report_data(), settings))
    text = pdf.text
    assert pdf.reader.metadata is not None and pdf.reader.metadata.title == "Pipeline report"
    for heading in (
        "Where cases stand",
        "Time in stage",
        "Stalled cases (3)",
        "Deadlines: next 14 days and overdue (2)",
        "Workload: open cases per owner",
        "Throughput per month",
        "Decline and withdrawal reasons",
        "Costs: estimated and actual",
    ):
        assert heading in text
    assert "Period 1 Jan 2026 to 31 Dec 2026 · program CD33-SH" in text
    assert "28 open cases; 4 closed, 2 declined and 1 withdrawn" in text
    assert "CA-2026-0000 Aigerim Patient 0 visa 60 30 Omar Haddad" in text
    assert "1 Nov 2026 follow-up CA-2026-0007 Nadia Hussain day +28 contact" in text
    assert "Мария Иванова" in text
    assert "2026-04 125,000 131,500 2 of 2" in text
    assert "manufacturing 125,000 131,500 2 of 2" in text
    assert "LVEF below the program's minimum." in text
    assert f"Page 1 of {len(pdf.pages)}" in pdf.page_text(1)
    assert all(
        "Pipeline report · Internal · Confidential" in pdf.page_text(n)
        for n in range(1, len(pdf.pages) + 1)
    )


def test_long_lists_are_cut_with_a_pointer_to_the_exports(settings: DocumentSettings) -> None:
    pdf = read_pdf(render_pipeline_report(report_data(stalled=55), settings))
    assert "Stalled cases (55)" in pdf.text
    assert "and 15 more; the CSV and JSON exports list every stalled case" in pdf.text
    assert "CA-2026-0039" in pdf.text and "CA-2026-0040" not in pdf.text


def test_empty_report_still_renders(settings: DocumentSettings) -> None:
    data = report_data(stalled=0)
    data["deadlines"] = []
    data["workload"] = []
    data["throughput"]["reasons"] = []
    text = read_pdf(render_pipeline_report(data, settings)).text
    assert "No case is over its stage's threshold." in text
    assert "Nothing is due in the next 14 days and nothing is overdue." in text
    assert "No case was declined or withdrawn in the period." in text
