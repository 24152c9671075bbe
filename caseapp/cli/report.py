"""`caseapp report pipeline`: the manager's pipeline report as JSON, CSV or a PDF."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from caseapp.cli.invocation import Command, Invocation
from caseapp.services import reports
from caseapp.services.context import ServiceContext
from caseapp.services.errors import ValidationError
from caseapp.services.report_export import (
    FORMATS,
    document_settings,
    export_bytes,
    report_to_csv,
    report_to_json_text,
)

__all__ = [
    "COMMANDS",
    "FORMATS",
    "add_parsers",
    "add_report_parser",
    "document_settings",
    "filters_from_args",
    "run_report",
]


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


def run_report(args: argparse.Namespace, ctx: ServiceContext, out: TextIO) -> int:
    """Compute the report once and write it in the asked format; returns the exit code."""
    if getattr(args, "report_kind", "pipeline") != "pipeline":
        raise ValidationError(f"Unknown report {args.report_kind!r}; try 'pipeline'.", "report")
    report = reports.pipeline_report(ctx, filters_from_args(args))
    output: str | None = args.output
    if args.format == "pdf":
        pdf = export_bytes(ctx, report, "pdf")
        path = Path(output or f"pipeline-{report.today.isoformat()}.pdf")
        if output == "-":
            buffer = getattr(out, "buffer", None) or sys.stdout.buffer
            buffer.write(pdf)
            buffer.flush()
            return 0
        path.write_bytes(pdf)
        print(f"Wrote {path} ({len(pdf) // 1024 + 1} KB).", file=out)
        return 0
    if output and output != "-":
        Path(output).write_bytes(export_bytes(ctx, report, args.format))
        print(f"Wrote {output}.", file=out)
        return 0
    out.write(report_to_csv(report) if args.format == "csv" else report_to_json_text(report))
    return 0


def add_parsers(sub: Any) -> None:
    add_report_parser(sub)


def report(inv: Invocation) -> int:
    return run_report(inv.args, inv.context(), inv.out)


COMMANDS: dict[str, Command] = {"report": report}
