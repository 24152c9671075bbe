"""`caseapp report pipeline`: the manager's pipeline report as JSON, CSV or a PDF."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from caseapp.services import reports
from caseapp.services.context import ServiceContext
from caseapp.services.errors import ValidationError
from caseapp.services.report_export import report_to_csv, report_to_json

if TYPE_CHECKING:
    from caseapp.docs.data import DocumentSettings

FORMATS = ("json", "csv", "pdf")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def add_report_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add `report pipeline ...` to the CLI's subparsers; returns the `report` parser."""
    report = subparsers.add_parser("report", help="manager reports (pipeline)")
    kinds = report.add_subparsers(dest="report_kind", metavar="REPORT", required=True)
    p = kinds.add_parser(
        "pipeline",
        help="where cases stand, what is stuck, what is due, what it costs",
        description="The pipeline report: the dashboard's figures as JSON, CSV or PDF.",
    )
    p.add_argument("--format", choices=FORMATS, default="json", help="output format (json)")
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (PDF default: pipeline-DATE.pdf)"
    )
    p.add_argument("--from", dest="date_from", type=_day, metavar="D", help="period start")
    p.add_argument("--to", dest="date_to", type=_day, metavar="D", help="period end")
    p.add_argument("--program", metavar="P", help="only this program code")
    p.add_argument("--owner", metavar="L", help="only cases owned by this login")
    p.add_argument("--nationality", metavar="N", help="only patients of this nationality")
    return report


def filters_from_args(args: argparse.Namespace) -> reports.ReportFilters:
    return reports.ReportFilters(
        date_from=args.date_from,
        date_to=args.date_to,
        program=args.program,
        owner=args.owner,
        nationality=args.nationality,
    )


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
    page = stored["page_size"] if stored["page_size"] in ("A4", "Letter") else "A4"
    return DocumentSettings(letterhead=letterhead, page_size=page)


def run_report(args: argparse.Namespace, ctx: ServiceContext, out: TextIO) -> int:
    """Compute the report once and write it in the asked format; returns the exit code."""
    if getattr(args, "report_kind", "pipeline") != "pipeline":
        raise ValidationError(f"Unknown report {args.report_kind!r}; try 'pipeline'.", "report")
    report = reports.pipeline_report(ctx, filters_from_args(args))
    output: str | None = args.output
    if args.format == "pdf":
        # Imported here: the document package costs a quarter second that JSON and CSV skip.
        from caseapp.docs.report import render_pipeline_report

        pdf = render_pipeline_report(report_to_json(report), document_settings(ctx))
        path = Path(output or f"pipeline-{report.today.isoformat()}.pdf")
        if output == "-":
            buffer = getattr(out, "buffer", None) or sys.stdout.buffer
            buffer.write(pdf)
            buffer.flush()
            return 0
        path.write_bytes(pdf)
        print(f"Wrote {path} ({len(pdf) // 1024 + 1} KB).", file=out)
        return 0
    if args.format == "csv":
        text = report_to_csv(report)
        if output and output != "-":
            # The BOM tells spreadsheet programs the file is UTF-8 (names in any script).
            Path(output).write_text(text, encoding="utf-8-sig", newline="")
            print(f"Wrote {output}.", file=out)
        else:
            out.write(text)
        return 0
    text = json.dumps(report_to_json(report), ensure_ascii=False, indent=2) + "\n"
    if output and output != "-":
        Path(output).write_text(text, encoding="utf-8")
        print(f"Wrote {output}.", file=out)
    else:
        out.write(text)
    return 0
