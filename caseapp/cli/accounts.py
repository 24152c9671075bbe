"""Account commands: `staff`, `login`, `logout`, `passwd` and the administrators' `account`."""

from __future__ import annotations

from typing import Any

from caseapp.cli.invocation import EXIT_OK, Command, Invocation
from caseapp.cli.terminal import print_table, read_secret
from caseapp.secrets import delete_secret, get_secret, session_name, set_secret
from caseapp.security import SYSTEM
from caseapp.services import auth as auth_service
from caseapp.services import staff as staff_service


def add_parsers(sub: Any) -> None:
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


def staff(inv: Invocation) -> int:
    rows = staff_service.list_staff(inv.context())
    print_table(
        inv.out,
        ["Login", "Name", "Role", "E-mail", "Active"],
        [[r.login, r.full_name, r.role, r.email, "yes" if r.active else "no"] for r in rows],
    )
    return EXIT_OK


def login(inv: Invocation) -> int:
    ctx = inv.context(SYSTEM)
    actor = auth_service.login(ctx, inv.args.login, read_secret("Password: "))
    name = session_name(inv.db.identity)
    previous = get_secret(name)
    if previous:
        auth_service.end_session(ctx, previous)
    token, expires = auth_service.start_session(ctx.as_actor(actor))
    set_secret(name, token)
    until = expires.astimezone().strftime("%Y-%m-%d %H:%M")
    print(f"Logged in as {actor.login} ({actor.role}) until {until}.", file=inv.out)
    return EXIT_OK


def logout(inv: Invocation) -> int:
    name = session_name(inv.db.identity)
    token = get_secret(name)
    if not token:
        print("You were not logged in.", file=inv.out)
        return EXIT_OK
    auth_service.end_session(inv.context(SYSTEM), token)
    delete_secret(name)
    print("Logged out.", file=inv.out)
    return EXIT_OK


def passwd(inv: Invocation) -> int:
    ctx = inv.context()
    old = read_secret("Current password: ")
    new = read_secret("New password: ", confirm=True)
    auth_service.change_password(ctx, old, new)
    print(f"Password changed for {ctx.actor.login}.", file=inv.out)
    return EXIT_OK


def account(inv: Invocation) -> int:
    ctx, a = inv.context(), inv.args
    if a.account_command == "add":
        staff_service.create_staff(ctx, a.login, a.name, a.role)
        generated = auth_service.reset_password(ctx, a.login)
        print(f"Account {a.login} created; one-time password: {generated}", file=inv.out)
    elif a.account_command == "disable":
        auth_service.disable_staff(ctx, a.login)
        print(f"Account {a.login} disabled.", file=inv.out)
    elif a.account_command == "enable":
        auth_service.enable_staff(ctx, a.login)
        print(f"Account {a.login} enabled.", file=inv.out)
    else:
        new = read_secret("New password: ", confirm=True) if a.ask else None
        generated = auth_service.reset_password(ctx, a.login, new)
        extra = f"; one-time password: {generated}" if generated else ""
        print(f"Password of {a.login} reset{extra}", file=inv.out)
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "staff": staff,
    "login": login,
    "logout": logout,
    "passwd": passwd,
    "account": account,
}
