"""`caseapp demo`: fill an empty database with realistic demo data."""

from __future__ import annotations

import argparse
from typing import Any

from caseapp.cli.invocation import EXIT_OK, Command, Invocation
from caseapp.security import SYSTEM
from caseapp.services import demo as demo_service


def add_parsers(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "demo", help="fill an empty database with realistic demo data"
    )
    p.add_argument("--cases", type=int, default=60, help="number of cases (default 60)")
    p.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
    p.add_argument(
        "--if-empty", action="store_true", help="do nothing (exit 0) when the database has data"
    )


def demo(inv: Invocation) -> int:
    if inv.args.if_empty and not inv.db.is_empty():
        print("The database already has data; no demo data loaded.", file=inv.out)
        return EXIT_OK
    ctx = inv.context(SYSTEM)

    def progress(done: int, total: int) -> bool:
        if total >= 500 and inv.err.isatty():
            inv.err.write(f"\r{done}/{total} cases")
            inv.err.flush()
        return True

    summary = demo_service.build_demo(ctx, inv.args.cases, inv.args.seed, progress=progress)
    inv.err.write("\n" if inv.args.cases >= 500 else "")
    stages = ", ".join(f"{k} {v}" for k, v in sorted(summary.by_stage.items()))
    print(
        f"Demo data: {summary.cases} cases ({stages}); {summary.staff} staff, "
        f"{summary.programs} programs, {summary.interpreters} interpreters.",
        file=inv.out,
    )
    print(f"Demo logins (password '{demo_service.DEMO_PASSWORD}'): see README.", file=inv.out)
    return EXIT_OK


COMMANDS: dict[str, Command] = {"demo": demo}
