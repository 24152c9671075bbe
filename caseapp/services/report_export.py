"""The pipeline report as JSON and CSV: the same figures as the dashboard, keyed by section.

`report_to_json` is also the plain data the PDF renderer takes (docs never sees the services'
dataclasses), so the three exports cannot drift apart. `export_bytes` is the one place that turns
a report into a file's bytes, for the command line and the dashboard's Export button alike.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from caseapp.services import reports
from caseapp.services.context import ServiceContext
from caseapp.services.errors import ValidationError
from caseapp.services.reports import PipelineReport

if TYPE_CHECKING:
    from caseapp.docs.data import DocumentSettings

CURRENCY = "CNY"
FORMATS = ("json", "csv", "pdf")
# Cells a spreadsheet would run as a formula; such text gets a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def report_to_json(report: PipelineReport) -> dict[str, Any]:
    """Plain JSON-ready dict; top-level keys are named after the report's sections."""
    f = report.filters
    stages = list(report.stages)
    return {
        "report": "pipeline",
        "generated_at": report.generated_at.isoformat(timespec="seconds"),
        "today": report.today.isoformat(),
        "period": {"from": report.period_from.isoformat(), "to": report.period_to.isoformat()},
        "filters": {
            "from": f.date_from.isoformat() if f.date_from else None,
            "to": f.date_to.isoformat() if f.date_to else None,
            "program": f.program,
            "owner": f.owner,
            "nationality": f.nationality,
        },
        "stall_thresholds": dict(report.thresholds),
        "cases_per_stage": [
            {"stage": c.stage, "group": c.group, "count": c.count} for c in report.cases_per_stage
        ],
        "time_in_stage": [
            {
                "stage": t.stage,
                "stays": t.stays,
                "current": t.current,
                "median_days": t.median_days,
                "p90_days": t.p90_days,
                "threshold": t.threshold,
                "stalled": t.stalled,
            }
            for t in report.time_in_stage
        ],
        "stalled_cases": [
            {
                "ref": c.ref,
                "patient": c.patient,
                "stage": c.stage,
                "days": c.days,
                "threshold": c.threshold,
                "owner": c.owner,
                "owner_name": c.owner_name,
            }
            for c in report.stalled_cases
        ],
        "deadlines": [
            {
                "date": d.due.isoformat(),
                "kind": d.kind,
                "ref": d.ref,
                "patient": d.patient,
                "detail": d.detail,
                "overdue": d.overdue,
            }
            for d in report.deadlines
        ],
        "workload": [
            {
                "owner": w.owner,
                "owner_name": w.owner_name,
                **dict(zip(stages, w.by_stage, strict=True)),
                "total": w.total,
            }
            for w in report.workload
        ],
        "throughput": {
            "months": [
                {
                    "month": m.month,
                    "opened": m.opened,
                    "advanced": m.advanced,
                    "closed": m.closed,
                    "declined": m.declined,
                    "withdrawn": m.withdrawn,
                }
                for m in report.throughput
            ],
            "reasons": [
                {"exit": r.exit, "reason": r.reason, "count": r.count} for r in report.exit_reasons
            ],
        },
        "costs": {
            "currency": CURRENCY,
            "by_month": [
                {
                    "month": c.key,
                    "estimated": _money(c.estimated),
                    "actual": _money(c.actual),
                    "lines": c.lines,
                    "lines_with_actual": c.lines_with_actual,
                }
                for c in report.costs_by_month
            ],
            "by_category": [
                {
                    "category": c.key,
                    "estimated": _money(c.estimated),
                    "actual": _money(c.actual),
                    "lines": c.lines,
                    "lines_with_actual": c.lines_with_actual,
                }
                for c in report.costs_by_category
            ],
        },
    }


def _safe(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _table(
    writer: Any, section: str, columns: Sequence[str], rows: Iterable[dict[str, Any]]
) -> None:
    writer.writerow(["section", *columns])
    for row in rows:
        writer.writerow([section, *(_safe(row.get(c)) for c in columns)])
    writer.writerow([])


def report_to_csv(report: PipelineReport) -> str:
    """One CSV a spreadsheet opens: each section is a block with its own header row, the first
    column naming the section, and a blank line between blocks."""
    data = report_to_json(report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    about = [
        {"key": "generated_at", "value": data["generated_at"]},
        {"key": "period_from", "value": data["period"]["from"]},
        {"key": "period_to", "value": data["period"]["to"]},
        *({"key": f"filter_{k}", "value": v} for k, v in data["filters"].items() if v),
        {"key": "currency", "value": CURRENCY},
    ]
    _table(writer, "report", ["key", "value"], about)
    _table(writer, "cases_per_stage", ["stage", "group", "count"], data["cases_per_stage"])
    _table(
        writer,
        "time_in_stage",
        ["stage", "stays", "current", "median_days", "p90_days", "threshold", "stalled"],
        data["time_in_stage"],
    )
    _table(
        writer,
        "stalled_cases",
        ["ref", "patient", "stage", "days", "threshold", "owner", "owner_name"],
        data["stalled_cases"],
    )
    _table(
        writer,
        "deadlines",
        ["date", "kind", "ref", "patient", "detail", "overdue"],
        data["deadlines"],
    )
    _table(writer, "workload", ["owner", "owner_name", *report.stages, "total"], data["workload"])
    _table(
        writer,
        "throughput",
        ["month", "opened", "advanced", "closed", "declined", "withdrawn"],
        data["throughput"]["months"],
    )
    _table(writer, "exit_reasons", ["exit", "reason", "count"], data["throughput"]["reasons"])
    money = ["estimated", "actual", "lines", "lines_with_actual"]
    _table(writer, "costs_by_month", ["month", *money], data["costs"]["by_month"])
    _table(writer, "costs_by_category", ["category", *money], data["costs"]["by_category"])
    return out.getvalue()


def report_to_json_text(report: PipelineReport) -> str:
    """The JSON export as text (names in any script kept readable)."""
    return json.dumps(report_to_json(report), ensure_ascii=False, indent=2) + "\n"


def document_settings(ctx: ServiceContext) -> DocumentSettings:
    """Letterhead and page size from settings, with a plain default while none is stored."""
    from caseapp.docs.data import DocumentSettings, Letterhead

    stored = reports.report_letterhead(ctx)
    head = stored["letterhead"]
    letterhead = (
        Letterhead(
            agency_name=str(head.get("agency_name", "CaseApp")),
            address=str(head.get("address", "")),
            phone=str(head.get("phone", "")),
            email=str(head.get("email", "")),
            logo_path=head.get("logo_path") or None,
        )
        if head
        else Letterhead(agency_name="CaseApp", address="", phone="", email="")
    )
    page: Literal["A4", "Letter"] = "Letter" if stored["page_size"] == "Letter" else "A4"
    return DocumentSettings(letterhead=letterhead, page_size=page)


def report_to_pdf(ctx: ServiceContext, report: PipelineReport) -> bytes:
    """The PDF export, on the office letterhead (ctx reads the document settings)."""
    # Imported here: the document package costs a quarter second that JSON and CSV skip.
    from caseapp.docs.report import render_pipeline_report

    return render_pipeline_report(report_to_json(report), document_settings(ctx))


def export_bytes(ctx: ServiceContext, report: PipelineReport, fmt: str) -> bytes:
    """The bytes of an export file; CSV starts with a BOM so spreadsheets read it as UTF-8."""
    if fmt == "pdf":
        return report_to_pdf(ctx, report)
    if fmt == "csv":
        return report_to_csv(report).encode("utf-8-sig")
    if fmt == "json":
        return report_to_json_text(report).encode("utf-8")
    raise ValidationError(f"Unknown format {fmt!r}; choose json, csv or pdf.", "format")
