"""`caseapp demo` (a new database filled with demo data, marked DEMO for good) and `caseapp init`
(a new office database with its first administrator, as the welcome wizard makes it)."""

from __future__ import annotations

import argparse
from typing import Any

from caseapp.cli.invocation import EXIT_OK, Command, Invocation
from caseapp.cli.terminal import read_secret
from caseapp.security import SYSTEM
from caseapp.services import demo as demo_service
from caseapp.services import first_run
from caseapp.services.demo_mark import is_new
from caseapp.services.settings import AgencySettings


def add_parsers(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "demo", help="fill a new, empty database with demo data (marked DEMO for good)"
    )
    p.add_argument("--cases", type=int, default=60, help="number of cases (default 60)")
    p.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
    p.add_argument(
        "--if-empty", action="store_true", help="do nothing (exit 0) when the database has data"
    )
    p = sub.add_parser(
        "init", help="set up a new office database with its first administrator (no demo data)"
    )
    p.add_argument("--admin", required=True, metavar="LOGIN", help="the administrator's login")
    p.add_argument("--name", required=True, help="the administrator's full name")
    p.add_argument("--email", default="", help="the administrator's e-mail")
    p.add_argument("--agency", metavar="NAME", help="the agency's name for the letterhead")


def demo(inv: Invocation) -> int:
    if inv.args.if_empty and not is_new(inv.context(SYSTEM)):
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


def init(inv: Invocation) -> int:
    """The password comes from the terminal (asked twice) or the first line of stdin."""
    system = inv.context(SYSTEM)
    password = read_secret("Password for the administrator: ", confirm=True)
    agency = AgencySettings(agency_name=inv.args.agency) if inv.args.agency else None
    first = first_run.FirstAdmin(inv.args.admin, inv.args.name, password, inv.args.email)
    first_run.validate_admin(first, password)
    admin = first_run.create_office(system, first, agency)
    print(f"Office database ready: administrator {admin.login} ({inv.db.url}). "
          f"Log in with 'caseapp login {admin.login}'.", file=inv.out)  # fmt: skip
    return EXIT_OK


COMMANDS: dict[str, Command] = {"demo": demo, "init": init}
