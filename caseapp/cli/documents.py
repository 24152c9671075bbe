"""Document commands: `pdf` (one document of a case) and `packets` (travel packets of many)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from caseapp.cli.invocation import EXIT_OK, EXIT_USAGE, Command, Invocation
from caseapp.cli.terminal import ProgressBar, write_file
from caseapp.services import cases as case_service
from caseapp.services.read_only import CaseReadOnly

# The names of caseapp.docs.DOCUMENT_KINDS (a test keeps them equal): importing the document
# package here would load ReportLab into every command, a quarter second of start-up.
DOCUMENT_KIND_NAMES = (
    "records-checklist", "visa-checklist", "pretravel-checklist", "discharge-checklist",
    "visa-letter", "referral-letter", "handoff-letter", "cost-estimate", "packet",
)  # fmt: skip


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("pdf", help="write one document of a case as PDF")
    p.add_argument("kind", choices=DOCUMENT_KIND_NAMES, metavar="KIND",
                   help="one of: " + ", ".join(DOCUMENT_KIND_NAMES))  # fmt: skip
    p.add_argument("ref")
    p.add_argument("-o", "--output", metavar="FILE", help="PDF file (default REF-KIND.pdf)")

    p = sub.add_parser("packets", help="write the travel packets of many cases")
    p.add_argument(
        "--stage",
        help="only cases in this stage "
        "(default: lodging, interpreters and treatment: the travelling cases)",
    )
    p.add_argument("-o", "--output", metavar="DIR", required=True, help="folder for the PDFs")


def pdf(inv: Invocation) -> int:
    from caseapp.services import documents

    ctx, args = inv.context(), inv.args
    content = documents.render_document(ctx, args.kind, args.ref)
    target = Path(args.output or f"{args.ref.upper()}-{args.kind}.pdf")
    write_file(target, content)  # first: a file that cannot be written keeps nothing
    kept = ""
    try:
        documents.keep_document(ctx, args.kind, args.ref, content)
    except CaseReadOnly as exc:  # a closed case can still be printed, not changed
        kept = f"; not kept with the case: {exc.message}"
    print(f"{target} ({len(content) // 1024 + 1} KB){kept}", file=inv.out)
    return EXIT_OK


def packets(inv: Invocation) -> int:
    from caseapp.services import documents

    ctx, args = inv.context(), inv.args
    rows = case_service.list_cases(ctx, stage=args.stage)
    refs = [r.ref for r in rows if args.stage or r.stage in documents.PACKET_STAGES]
    bar = ProgressBar(inv.err, "packets")
    result = documents.write_packets(ctx, refs, Path(args.output), progress=bar)
    bar.done()
    for ref, why in result.failed:
        print(f"{ref}: {why}", file=inv.err)
    print(f"{len(result.written)} packets written to {args.output}; "
          f"{len(result.failed)} cases lack what a packet needs.", file=inv.out)  # fmt: skip
    return EXIT_OK if result.written or not refs else EXIT_USAGE


COMMANDS: dict[str, Command] = {"pdf": pdf, "packets": packets}
