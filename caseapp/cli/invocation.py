"""One invocation of `caseapp`: parsed options, the opened database and the acting user."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import TextIO

from caseapp.cli.terminal import read_secret
from caseapp.db import Database, open_database
from caseapp.secrets import get_secret, session_name
from caseapp.security import SYSTEM, Actor
from caseapp.services import auth as auth_service
from caseapp.services.context import ServiceContext

EXIT_OK, EXIT_USAGE, EXIT_BLOCKED = 0, 2, 3
EXIT_TAMPERED = 8


class Invocation:
    """What every command gets: its options, where to write, the database and who acts."""

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

    def use_database(self, database: Database) -> None:
        """Act on this database from now on (the welcome wizard may create another one)."""
        self._db = database

    def context(self, actor: Actor | None = None) -> ServiceContext:
        """Act as: --user with --password-stdin, else the keyring session (README, Accounts).

        Nothing else chooses who acts: no environment variable, no default account. Only code
        paths that never act for a person (demo seeding) pass an actor (SYSTEM) here.
        """
        ctx = ServiceContext(self.db.session_factory, SYSTEM)
        if actor is not None:
            return ctx.as_actor(actor)
        login = self.args.user
        if login and self.args.password_stdin:
            return ctx.as_actor(auth_service.login(ctx, login, read_secret("Password: ")))
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
        raise auth_service.NotLoggedIn("Log in first: caseapp login LOGIN.")


# A command: runs once on an invocation and returns the process exit code.
Command = Callable[[Invocation], int]
