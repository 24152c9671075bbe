"""The command line: the same services as the window, for scripts and quick looks."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.exc import SQLAlchemyError

from caseapp import __version__
from caseapp.db import Database, DatabaseUrlError, install_key_file, open_database
from caseapp.report_cli import add_report_parser, run_report
from caseapp.secrets import delete_secret, get_secret, session_name, set_secret
from caseapp.security import SYSTEM, Actor
from caseapp.services import audit as audit_service
from caseapp.services import auth as auth_service
from caseapp.services import cases as case_service
from caseapp.services import demo as demo_service
from caseapp.services import keys as keys_service
from caseapp.services import staff as staff_service
from caseapp.services.context import ServiceContext
from caseapp.services.errors import Blocked, DomainError
from caseapp.services.interpreters import china_time

EXIT_OK, EXIT_USAGE, EXIT_BLOCKED = 0, 2, 3
EXIT_TAMPERED = 8


def read_secret(prompt: str, *, confirm: bool = False) -> str:
    """A password or passphrase: asked on the terminal (not echoed), else one line of stdin."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    value = getpass.getpass(prompt)
    if confirm and getpass.getpass("Again: ") != value:
        raise DomainError("The two entries differ; nothing was changed.")
    return value


# The names of caseapp.docs.DOCUMENT_KINDS (a test keeps them equal): importing the document
# package here would load ReportLab into every command, a quarter second of start-up.
DOCUMENT_KIND_NAMES = (
    "records-checklist", "visa-checklist", "pretravel-checklist", "discharge-checklist",
    "visa-letter", "referral-letter", "handoff-letter", "cost-estimate", "packet",
)  # fmt: skip


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _json_default(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def print_json(value: Any, out: TextIO) -> None:
    json.dump(value, out, ensure_ascii=False, indent=1, default=_json_default)
    out.write("\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
        help="act as this staff login (default: $CASEAPP_USER, else the logged-in user); "
        "needs --password-stdin unless you are logged in as that user",
    )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the --user's password from the first line of standard input (scripts)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("demo", help="fill an empty database with realistic demo data")
    p.add_argument("--cases", type=int, default=60, help="number of cases (default 60)")
    p.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
    p.add_argument(
        "--if-empty", action="store_true", help="do nothing (exit 0) when the database has data"
    )

    p = sub.add_parser("cases", help="the pipeline list")
    p.add_argument("--stage", help="only cases in this stage")
    p.add_argument("--owner", metavar="LOGIN", help="only cases owned by this login")
    p.add_argument("--search", metavar="TEXT", help="name, ref, passport or nationality contains")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("show", help="everything about one case")
    p.add_argument("ref")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("advance", help="move a case to its next stage if its gate holds")
    p.add_argument("ref")
    for name, verb in (("decline", "declined"), ("withdraw", "withdrawn")):
        p = sub.add_parser(name, help=f"mark a case {verb}, with a reason")
        p.add_argument("ref")
        p.add_argument("--reason", required=True)

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

    add_report_parser(sub)

    sub.add_parser("staff", help="list staff accounts and roles")

    p = sub.add_parser("login", help="log in; the session is kept in the keyring for 12 hours")
    p.add_argument("login", metavar="LOGIN")
    sub.add_parser("logout", help="end the session kept in the keyring")
    sub.add_parser("passwd", help="change your own password")
    p = sub.add_parser("account", help="administrators: add, disable, enable, reset accounts")
    acc = p.add_subparsers(dest="account_command", metavar="ACTION", required=True)
    p = acc.add_parser("add", help="create a staff account")
    p.add_argument("login", metavar="LOGIN")
    p.add_argument("--name", required=True, help="full name")
    p.add_argument("--role", required=True, choices=("facilitator", "coordinator", "manager",
                                                     "admin"))  # fmt: skip
    for name, what in (("disable", "stop an account logging in"),
                       ("enable", "let a disabled or locked account log in again"),
                       ("reset", "set a new password (printed once) for an account")):  # fmt: skip
        p = acc.add_parser(name, help=what)
        p.add_argument("login", metavar="LOGIN")
        if name == "reset":
            p.add_argument("--ask", action="store_true",
                           help="read the new password instead of generating one")  # fmt: skip
    p = sub.add_parser("key", help="move the data key to another workstation")
    keys = p.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    p = keys.add_parser("export", help="write the data key to FILE, sealed with a passphrase")
    p.add_argument("file", metavar="FILE")
    p = keys.add_parser("import", help="take the data key from an exported FILE")
    p.add_argument("file", metavar="FILE")
    p = sub.add_parser("audit", help="check the audit trail")
    audit = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    audit.add_parser("verify", help="recompute the hash chain; exit 8 if an entry was tampered")
    sub.add_parser("gui", help="open the window (the default without a command)")
    return parser


class Cli:
    """One invocation: parsed options, the opened database and the acting user."""

    def __init__(self, args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
        self.args, self.out, self.err = args, out, err
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        """--db, else $CASEAPP_DB, else the database chosen at first run, else the default."""
        if self._db is None:
            url = self.args.db or os.environ.get("CASEAPP_DB")
            if not url:
                from caseapp.services import first_run

                url = first_run.configured_database_url()
            self._db = open_database(url)
        return self._db

    def context(self, actor: Actor | None = None) -> ServiceContext:
        """Act as: --user with --password-stdin, else the keyring session (README, Accounts).

        CASEAPP_DEV_TRUST_USER=1 (tests, local scripts on demo data) trusts --user without a
        password and falls back to the office manager; never set it on an office workstation.
        """
        ctx = ServiceContext(self.db.session_factory, SYSTEM)
        if actor is not None:
            return ctx.as_actor(actor)
        login = self.args.user or os.environ.get("CASEAPP_USER")
        trusted = os.environ.get("CASEAPP_DEV_TRUST_USER") == "1"
        if login and self.args.password_stdin:
            return ctx.as_actor(auth_service.login(ctx, login, read_secret("Password: ")))
        if login and trusted:
            return ctx.as_actor(staff_service.actor_for(ctx, login))
        token = get_secret(session_name(self.db.identity))
        if token:
            current = auth_service.resume_session(ctx, token)
            if login and login.strip().lower() != current.login:
                raise auth_service.NotLoggedIn(
                    f"You are logged in as {current.login}, not {login}: log in as {login} "
                    "with 'caseapp login', or give the password with --password-stdin."
                )
            return ctx.as_actor(current)
        if login:
            raise auth_service.NotLoggedIn(
                f"To act as {login}, log in first ('caseapp login {login}') or give the "
                "password with --password-stdin."
            )
        default = staff_service.default_actor(ctx) if trusted else None
        if default is None and trusted:
            raise DomainError(
                "The database has no staff yet: run 'caseapp demo' to load demo "
                "data, or open the window to create the first account."
            )
        if default is None:
            raise auth_service.NotLoggedIn("Log in first: caseapp login LOGIN.")
        return ctx.as_actor(default)

    # ---- commands -------------------------------------------------------------------

    def demo(self) -> int:
        if self.args.if_empty and not self.db.is_empty():
            print("The database already has data; no demo data loaded.", file=self.out)
            return EXIT_OK
        ctx = self.context(SYSTEM)
        summary = demo_service.build_demo(
            ctx, self.args.cases, self.args.seed, progress=self._progress
        )
        self.err.write("\n" if self.args.cases >= 500 else "")
        stages = ", ".join(f"{k} {v}" for k, v in sorted(summary.by_stage.items()))
        print(
            f"Demo data: {summary.cases} cases ({stages}); {summary.staff} staff, "
            f"{summary.programs} programs, {summary.interpreters} interpreters.",
            file=self.out,
        )
        print(f"Demo logins (password '{demo_service.DEMO_PASSWORD}'): see README.", file=self.out)
        return EXIT_OK

    def _progress(self, done: int, total: int) -> bool:
        if total >= 500 and self.err.isatty():
            self.err.write(f"\r{done}/{total} cases")
            self.err.flush()
        return True

    def cases(self) -> int:
        rows = case_service.list_cases(
            self.context(), stage=self.args.stage, owner=self.args.owner, search=self.args.search
        )
        if self.args.json:
            print_json(
                [
                    {
                        "ref": r.ref,
                        "patient": r.patient,
                        "nationality": r.nationality,
                        "program": r.program,
                        "stage": r.stage,
                        "owner": r.owner,
                        "days_in_stage": r.days_in_stage,
                        "blockers": r.blockers,
                        "warnings": r.warnings,
                        "next_deadline": r.next_deadline.isoformat() if r.next_deadline else None,
                        "next_deadline_what": r.next_deadline_what,
                        "overdue": r.overdue,
                    }
                    for r in rows
                ],
                self.out,
            )
            return EXIT_OK
        print_table(
            self.out,
            [
                "Ref",
                "Patient",
                "Nationality",
                "Program",
                "Stage",
                "Owner",
                "Days",
                "Blockers",
                "Next deadline",
            ],
            [
                [
                    r.ref,
                    r.patient,
                    r.nationality,
                    r.program,
                    r.stage,
                    r.owner,
                    str(r.days_in_stage),
                    str(r.blockers) if r.blockers else "",
                    (
                        f"{r.next_deadline} {r.next_deadline_what}"
                        + (" OVERDUE" if r.overdue else "")
                    )
                    if r.next_deadline
                    else "",
                ]
                for r in rows
            ],
        )
        print(f"{len(rows)} cases", file=self.out)
        return EXIT_OK

    def show(self) -> int:
        detail = case_service.case_detail(self.context(), self.args.ref)
        if self.args.json:
            data = to_jsonable(detail)
            data["blockers"] = [b.message for b in detail.blockers if b.blocks]
            data["warnings"] = [b.message for b in detail.blockers if not b.blocks]
            print_json(data, self.out)
            return EXIT_OK
        print_case(self.out, detail)
        return EXIT_OK

    def advance(self) -> int:
        stage = case_service.advance(self.context(), self.args.ref)
        print(stage, file=self.out)
        return EXIT_OK

    def decline(self) -> int:
        print(case_service.decline(self.context(), self.args.ref, self.args.reason), file=self.out)
        return EXIT_OK

    def withdraw(self) -> int:
        print(case_service.withdraw(self.context(), self.args.ref, self.args.reason), file=self.out)
        return EXIT_OK

    def pdf(self) -> int:
        from caseapp.services import documents

        ctx = self.context()
        pdf = documents.render_document(ctx, self.args.kind, self.args.ref)
        target = Path(self.args.output or f"{self.args.ref.upper()}-{self.args.kind}.pdf")
        write_file(target, pdf)  # first: a file that cannot be written keeps nothing
        documents.keep_document(ctx, self.args.kind, self.args.ref, pdf)
        print(f"{target} ({len(pdf) // 1024 + 1} KB)", file=self.out)
        return EXIT_OK

    def packets(self) -> int:
        from caseapp.services import documents

        ctx = self.context()
        rows = case_service.list_cases(ctx, stage=self.args.stage)
        refs = [r.ref for r in rows if self.args.stage or r.stage in documents.PACKET_STAGES]
        bar = ProgressBar(self.err, "packets")
        result = documents.write_packets(ctx, refs, Path(self.args.output), progress=bar)
        bar.done()
        for ref, why in result.failed:
            print(f"{ref}: {why}", file=self.err)
        print(f"{len(result.written)} packets written to {self.args.output}; "
              f"{len(result.failed)} cases lack what a packet needs.", file=self.out)  # fmt: skip
        return EXIT_OK if result.written or not refs else EXIT_USAGE

    def report(self) -> int:
        return run_report(self.args, self.context(), self.out)

    def staff(self) -> int:
        rows = staff_service.list_staff(self.context())
        print_table(
            self.out,
            ["Login", "Name", "Role", "E-mail", "Active"],
            [[r.login, r.full_name, r.role, r.email, "yes" if r.active else "no"] for r in rows],
        )
        return EXIT_OK

    def login(self) -> int:
        ctx = self.context(SYSTEM)
        actor = auth_service.login(ctx, self.args.login, read_secret("Password: "))
        name = session_name(self.db.identity)
        previous = get_secret(name)
        if previous:
            auth_service.end_session(ctx, previous)
        token, expires = auth_service.start_session(ctx.as_actor(actor))
        set_secret(name, token)
        until = expires.astimezone().strftime("%Y-%m-%d %H:%M")
        print(f"Logged in as {actor.login} ({actor.role}) until {until}.", file=self.out)
        return EXIT_OK

    def logout(self) -> int:
        name = session_name(self.db.identity)
        token = get_secret(name)
        if not token:
            print("You were not logged in.", file=self.out)
            return EXIT_OK
        auth_service.end_session(self.context(SYSTEM), token)
        delete_secret(name)
        print("Logged out.", file=self.out)
        return EXIT_OK

    def passwd(self) -> int:
        ctx = self.context()
        old = read_secret("Current password: ")
        new = read_secret("New password: ", confirm=True)
        auth_service.change_password(ctx, old, new)
        print(f"Password changed for {ctx.actor.login}.", file=self.out)
        return EXIT_OK

    def account(self) -> int:
        ctx, a = self.context(), self.args
        if a.account_command == "add":
            staff_service.create_staff(ctx, a.login, a.name, a.role)
            generated = auth_service.reset_password(ctx, a.login)
            print(f"Account {a.login} created; one-time password: {generated}", file=self.out)
        elif a.account_command == "disable":
            auth_service.disable_staff(ctx, a.login)
            print(f"Account {a.login} disabled.", file=self.out)
        elif a.account_command == "enable":
            auth_service.enable_staff(ctx, a.login)
            print(f"Account {a.login} enabled.", file=self.out)
        else:
            new = read_secret("New password: ", confirm=True) if a.ask else None
            generated = auth_service.reset_password(ctx, a.login, new)
            extra = f"; one-time password: {generated}" if generated else ""
            print(f"Password of {a.login} reset{extra}", file=self.out)
        return EXIT_OK

    def key(self) -> int:
        path = Path(self.args.file)
        if self.args.key_command == "export":
            ctx = self.context()
            passphrase = read_secret("Passphrase for the key file: ", confirm=True)
            blob = keys_service.export_data_key(ctx, passphrase)
            try:
                with path.open("xb") as f:
                    path.chmod(0o600)
                    f.write(blob)
            except FileExistsError:
                raise DomainError(f"{path} exists already: choose a new file name.") from None
            print(f"Data key written to {path}; keep the file and passphrase apart.", file=self.out)
            return EXIT_OK
        try:
            blob = path.read_bytes()
        except OSError as exc:
            raise DomainError(f"Cannot read {path}: {exc.strerror}.") from None
        passphrase = read_secret("Passphrase of the key file: ")
        database = open_database(self.args.db, unlock_key=False)
        try:
            install_key_file(database.engine, blob, passphrase)
        finally:
            database.engine.dispose()
        print("Data key imported: this computer can now read the database.", file=self.out)
        return EXIT_OK

    def audit(self) -> int:
        result = audit_service.verify_chain(self.context())
        print(result.message, file=self.out if result.intact else self.err)
        return EXIT_OK if result.intact else EXIT_TAMPERED

    def gui(self) -> int:
        """The window; on an empty database the welcome wizard sets the office up first."""
        try:
            from caseapp.ui.app import ensure_app, run_window
        except ImportError:  # a build without Qt: the pipeline as text
            self.args.stage = self.args.owner = self.args.search = None
            self.args.json = False
            return self.cases()
        ensure_app()
        try:
            ctx = self._window_context()
        except DomainError as exc:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(None, "CaseApp", exc.message)
            raise
        if ctx is None:
            return EXIT_OK
        return run_window(self.db, ctx)

    def _window_context(self) -> ServiceContext | None:
        """Who the window acts as: the first admin after the wizard, else a login."""
        if self.db.is_empty():
            from caseapp.db import default_sqlite_path
            from caseapp.ui.welcome import run_welcome

            url = self.db.engine.url
            here = (
                Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None
            )
            result = run_welcome(here or default_sqlite_path())
            if result is None:
                return None
            self._db = result.database
            if result.admin is not None:
                return ServiceContext(self.db.session_factory, SYSTEM).as_actor(result.admin)
        try:
            return self.context()
        except auth_service.NotLoggedIn:
            from caseapp.ui.login import ask_login

            actor = ask_login(self.context(SYSTEM))
            return None if actor is None else self.context(actor)


class ProgressBar:
    """A one-line text progress bar on stderr (redrawn in place on a terminal)."""

    def __init__(self, err: TextIO, what: str) -> None:
        self.err, self.what, self.last = err, what, -1

    def __call__(self, done: int, total: int) -> bool:
        percent = done * 100 // max(total, 1)
        step = 1 if self.err.isatty() else 10  # a log file gets a line per 10 %
        if percent // step != self.last // step or done == total:
            self.last = percent
            filled = percent // 4
            line = f"[{'#' * filled}{'.' * (25 - filled)}] {done}/{total} {self.what}"
            self.err.write(("\r" + line) if self.err.isatty() else (line + "\n"))
            self.err.flush()
        return True

    def done(self) -> None:
        if self.err.isatty():
            self.err.write("\n")


def write_file(target: Path, content: bytes) -> None:
    if not target.parent.is_dir():
        raise DomainError(f"Could not write {target}: the folder {target.parent} does not exist.")
    try:
        target.write_bytes(content)
    except OSError as exc:
        raise DomainError(f"Could not write {target}: {exc.strerror}.") from None


def print_table(out: TextIO, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [min(40, max([len(h)] + [len(r[i]) for r in rows])) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line.rstrip(), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for r in rows:
        cells = [
            (c if len(c) <= w else c[: w - 1] + "…").ljust(w)
            for c, w in zip(r, widths, strict=True)
        ]
        print("  ".join(cells).rstrip(), file=out)


def print_case(out: TextIO, d: case_service.CaseDetail) -> None:
    p = d.patient
    w = out.write
    w(f"{d.ref}  {p.full_name}  ({p.nationality}, {p.sex}, born {p.date_of_birth})\n")
    w(f"Stage: {d.stage} for {d.days_in_stage} days   Owner: {d.owner.full_name}\n")
    if d.exit_reason:
        w(f"Reason: {d.exit_reason}\n")
    w(
        f"Program: {d.program.code} {d.program.name}\n         {d.program.hospital_en} "
        f"({d.program.hospital_zh}), {d.program.city_en}\n"
    )
    w(f"Planned stay: {d.planned_arrival or '?'} to {d.planned_departure or '?'}\n")
    w(
        f"Passport: {p.passport_number}, expires {p.passport_expiry}   Languages: "
        f"{', '.join(p.languages)}\n"
    )
    for c in p.companions:
        w(f"Companion: {c.full_name} ({c.relation})\n")
    blocking = [b for b in d.blockers if b.blocks]
    warnings = [b for b in d.blockers if not b.blocks]
    if blocking:
        w(f"\nBlockers ({len(blocking)}):\n" + "".join(f"  - {b.message}\n" for b in blocking))
    elif d.stage in case_service.OPEN_STAGES:
        w("\nNo blockers: the case can advance.\n")
    for b in warnings:
        w(f"  ! {b.message}\n")
    w("\nRecords:\n")
    for r in d.records:
        dated = f" dated {r.document_date}" if r.document_date else ""
        w(f"  [{r.status:>8}] {r.name}{dated}{' - ' + r.waived_reason if r.waived else ''}\n")
    if d.review:
        w(
            f"\nEligibility: {d.review.decision} (signed by {d.review.reviewer}, "
            f"{d.review.signed_at:%Y-%m-%d})\n"
        )
    if d.visa:
        v = d.visa
        w(
            f"Visa: {v.visa_type} {v.status}; "
            f"entry {v.entry_from or '?'} to {v.entry_until or '?'}, "
            f"stay {v.allowed_stay_days or '?'} days\n"
        )
    for stay in d.lodging:
        w(
            f"Lodging: {stay.property_name} {stay.check_in} to {stay.check_out} "
            f"({', '.join(stay.occupant_names)})\n"
        )
    for a in d.interpreter_bookings:
        who = a.interpreter_name or "NO INTERPRETER"
        w(f"Appointment: {china_time(a.starts_at)} (China) {a.title} - {who}\n")
    for m in d.milestones:
        if m.planned_on or m.done_on:
            w(
                f"Milestone: {m.kind} {m.done_on or m.planned_on} {m.day}"
                f"{'' if m.done_on else ' (planned)'}\n"
            )
    for f in d.followups:
        w(
            f"Follow-up day +{f.day_offset}: due {f.due_on}, "
            f"{'done ' + str(f.done_on) if f.done_on else 'missed' if f.missed else 'open'}"
            f"{' ' + f.response if f.response else ''}\n"
        )


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_check:
        from caseapp import selfcheck

        return selfcheck.main(out, err)
    cli = Cli(args, out, err)
    command: Callable[[], int] = getattr(cli, (args.command or "gui"))
    try:
        return command()
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
