"""The `caseapp` entry point: the parser of every command group, dispatch and exit codes.

A command group is a module of this package with `add_parsers(subparsers)` and `COMMANDS`
(name -> function of an Invocation); add a group by listing it in GROUPS. Errors become one
sentence on stderr and an exit code here, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from types import ModuleType
from typing import NoReturn, TextIO

from sqlalchemy.exc import SQLAlchemyError

from caseapp import __version__
from caseapp.cli import accounts, cases, demo, documents, gui, keys_audit, report
from caseapp.cli.invocation import EXIT_BLOCKED, EXIT_OK, EXIT_USAGE, Command, Invocation
from caseapp.cli.workstation import unlock_on_terminal
from caseapp.db import DatabaseUrlError
from caseapp.services.errors import Blocked, DomainError

# In the order `caseapp --help` lists them.
GROUPS: tuple[ModuleType, ...] = (demo, cases, documents, report, accounts, keys_audit, gui)
COMMANDS: dict[str, Command] = {
    name: command for group in GROUPS for name, command in group.COMMANDS.items()
}


class OneLineParser(argparse.ArgumentParser):
    """A bad option is one line on stderr and exit 2, like every other bad input."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"caseapp: {message} (see '{self.prog} --help').\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="caseapp",
        description="CaseApp: AML CAR-T case management for medical-tourism facilitators.",
    )
    parser.add_argument("--version", action="version", version=f"CaseApp {__version__}")
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="check this install (temp database, migrations, a case, a Chinese PDF) and exit",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="SQLAlchemy database URL "
        "(default: $CASEAPP_DB, else SQLite in the user's data folder)",
    )
    parser.add_argument(
        "--user",
        metavar="LOGIN",
        help="act as this staff login (default: the logged-in user); "
        "needs --password-stdin unless you are logged in as that user",
    )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the --user's password from the first line of standard input (scripts)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in GROUPS:
        group.add_parsers(sub)
    return parser


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
    bad = next((a for a in arguments if not is_text(a)), None)
    if bad is not None:
        shown = bad.encode("utf-8", "surrogateescape").decode("utf-8", "replace")[:40]
        print(f"caseapp: the argument {shown!r} is not valid UTF-8 text; type it again.", file=err)
        return EXIT_USAGE
    args = parser.parse_args(arguments)
    if args.self_check:
        from caseapp import selfcheck

        return selfcheck.main(out, err)
    invocation = Invocation(args, out, err)
    command = COMMANDS[args.command or "gui"]
    try:
        if command is not gui.gui:  # the window asks in a dialog of its own
            unlock_on_terminal()
        return command(invocation)
    except Blocked as exc:
        print(f"{args.ref} cannot leave the {exc.stage} stage:", file=err)
        for b in exc.blockers:
            print(b.message, file=out)
        return EXIT_BLOCKED
    except DomainError as exc:
        print(f"caseapp: {exc.message}", file=err)
        return exc.exit_code
    except DatabaseUrlError as exc:
        print(f"caseapp: {exc}", file=err)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("caseapp: interrupted; nothing was saved.", file=err)
        return 130
    except BrokenPipeError:  # `caseapp cases | head`: the reader left, which is fine
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the exit-time flush
        return EXIT_OK
    except OSError as exc:  # a file the user named cannot be read or written
        where = f" {exc.filename}" if exc.filename else ""
        print(f"caseapp: cannot use{where}: {exc.strerror or exc}.", file=err)
        return EXIT_USAGE
    except SQLAlchemyError as exc:
        log = write_crash_log()
        print(
            f"caseapp: the database refused the request ({exc.__class__.__name__}); nothing "
            f"was saved. Details: {log}",
            file=err,
        )
        return 1
    except Exception as exc:
        log = write_crash_log()
        print(
            f"caseapp: unexpected error ({exc.__class__.__name__}: {exc}); nothing was saved. "
            f"Details: {log}",
            file=err,
        )
        return 1


def is_text(argument: str) -> bool:
    """False for an argument the terminal passed as bytes that are not UTF-8 (surrogates)."""
    try:
        argument.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def write_crash_log() -> str:
    """Keep the traceback for the developers; the user sees one sentence."""
    import traceback
    from pathlib import Path

    from platformdirs import user_log_dir

    folder = Path(user_log_dir("CaseApp", "CaseApp"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "caseapp-errors.log"
    with path.open("a", encoding="utf-8") as f:
        f.write(f"--- {datetime.now().isoformat()}\n{traceback.format_exc()}\n")
    return str(path)
