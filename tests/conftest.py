"""Shared fixtures: a migrated temp SQLite database, an in-memory keyring, demo data, a clock."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from caseapp.db import Database, open_database
from caseapp.security import SYSTEM
from caseapp.services.context import ServiceContext
from caseapp.services.demo import build_demo
from caseapp.services.staff import actor_for

FIXED_NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


class MemoryKeyring(KeyringBackend):
    """Keyring backend for tests: a build machine has no secure backend."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


PG_URL = os.environ.get("CASEAPP_TEST_PG_URL")


@contextmanager
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """PostgreSQL when CASEAPP_TEST_PG_URL is set (a new database per test), else temp SQLite."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'caseapp-test.sqlite3'}"
        return
    name = f"caseapp_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    with fresh_database_url(tmp_path) as url:
        yield url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.engine.dispose()


class Clock:
    """An injected clock tests can move forward."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def system_ctx(db: Database, clock: Clock) -> ServiceContext:
    return ServiceContext(db.session_factory, SYSTEM, clock)


@pytest.fixture
def demo_db(system_ctx: ServiceContext) -> ServiceContext:
    """A small demo database (staff, programs, interpreters, 30 cases); returns the system ctx."""
    build_demo(system_ctx, cases=30, seed=7)
    return system_ctx


@pytest.fixture
def manager_ctx(demo_db: ServiceContext) -> ServiceContext:
    return demo_db.as_actor(actor_for(demo_db, "helen"))


@pytest.fixture
def facilitator_ctx(demo_db: ServiceContext) -> ServiceContext:
    return demo_db.as_actor(actor_for(demo_db, "fatima"))


@pytest.fixture
def coordinator_ctx(demo_db: ServiceContext) -> ServiceContext:
    from caseapp.services.staff import list_staff

    login = next(r.login for r in list_staff(demo_db, role="coordinator"))
    return demo_db.as_actor(actor_for(demo_db, login))


SLOWEST_SHOWN = 5


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line: the slowest tests (setup + call + teardown) and the summed test time.

    The sum is what one process would need; against the wall time it shows what xdist buys.
    """
    per_test: dict[str, float] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            nodeid, duration = getattr(report, "nodeid", None), getattr(report, "duration", None)
            if nodeid and isinstance(duration, float):
                per_test[nodeid] = per_test.get(nodeid, 0.0) + duration
    if not per_test:
        return
    slowest = sorted(per_test.items(), key=lambda item: item[1], reverse=True)[:SLOWEST_SHOWN]
    names = ", ".join(f"{nodeid.rsplit('::', 1)[-1]} {seconds:.1f}s" for nodeid, seconds in slowest)
    terminalreporter.write_line(
        f"slowest: {names}; {sum(per_test.values()):.0f}s of test time in {len(per_test)} tests"
    )
