"""`caseapp gui` (the default without a command): the window, after the wizard or a login."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from caseapp.cli.cases import cases as list_cases
from caseapp.cli.invocation import EXIT_OK, Command, Invocation
from caseapp.cli.workstation import unlock_on_terminal
from caseapp.security import SYSTEM
from caseapp.services.context import ServiceContext
from caseapp.services.errors import DomainError


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("gui", help="open the window (the default without a command)")
    p.add_argument(
        "--demo-if-empty",
        action="store_true",
        help="first fill a new, empty database with demo data (what tools/run.sh does)",
    )


def gui(inv: Invocation) -> int:
    """The window; on an empty database the welcome wizard sets the office up first."""
    try:
        from caseapp.ui.app import ensure_app, run_window
    except ImportError:  # a build without Qt: the pipeline as text
        unlock_on_terminal()
        inv.args.stage = inv.args.owner = inv.args.search = None
        inv.args.json = False
        return list_cases(inv)
    ensure_app()
    from caseapp.ui.unlock import ask_workstation_passphrase

    if not ask_workstation_passphrase():  # no keyring here: the key file's passphrase first
        return EXIT_OK
    if getattr(inv.args, "demo_if_empty", False):
        load_demo_if_new(inv)
    try:
        ctx = window_context(inv)
    except DomainError as exc:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "CaseApp", exc.message)
        raise
    if ctx is None:
        return EXIT_OK
    return run_window(inv.db, ctx)


def load_demo_if_new(inv: Invocation) -> None:
    """Demo data into a new, empty database, in this process (one start instead of two)."""
    from caseapp.services import demo as demo_service
    from caseapp.services.demo_mark import is_new

    ctx = inv.context(SYSTEM)
    if is_new(ctx):
        demo_service.build_demo(ctx, 60, 2026)


def window_context(inv: Invocation) -> ServiceContext | None:
    """Who the window acts as: the first admin after the wizard, else whoever logs in now."""
    if inv.db.is_empty():
        from caseapp.db import default_sqlite_path
        from caseapp.ui.welcome import run_welcome

        url = inv.db.engine.url
        here = Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None
        result = run_welcome(here or default_sqlite_path())
        if result is None:
            return None
        inv.use_database(result.database)
        if result.admin is not None:
            return ServiceContext(inv.db.session_factory, SYSTEM).as_actor(result.admin)
    if getattr(inv.args, "user", None) and getattr(inv.args, "password_stdin", False):
        return inv.context()  # a script gives the password itself
    # Otherwise the window always asks: a terminal's stored session never opens it, or
    # restarting the app would pass its idle lock.
    from caseapp.ui.login import ask_login

    actor = ask_login(inv.context(SYSTEM))
    return None if actor is None else inv.context(actor)


COMMANDS: dict[str, Command] = {"gui": gui}
