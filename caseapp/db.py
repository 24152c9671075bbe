"""Engine and session factory; SQLite pragmas; Alembic upgrade whenever a database is opened."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest migration; a test checks it matches Alembic's head. When the database is already
# there, opening it skips loading Alembic (a third of a CLI call's start-up).
SCHEMA_REVISION = "0001"


class DatabaseUrlError(ValueError):
    """The database address given by the user cannot be used."""


def default_sqlite_path() -> Path:
    """The embedded database lives in the user's data folder (platformdirs)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("CaseApp", "CaseApp")) / "caseapp.sqlite3"


def resolve_url(url: str | None) -> str:
    """--db URL wins, then $CASEAPP_DB, then the embedded SQLite file."""
    chosen = url or os.environ.get("CASEAPP_DB")
    if chosen:
        try:
            make_url(chosen)
        except ArgumentError as exc:
            raise DatabaseUrlError(f"The database address {chosen!r} is not a valid URL.") from exc
        return chosen
    path = default_sqlite_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for any SQLAlchemy URL; SQLite gets WAL and foreign keys on every connection."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUrlError(f"The database address {url!r} is not a valid URL.") from exc
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
        else:
            kwargs.update(connect_args={"check_same_thread": False, "timeout": 30})
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = str(parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
    try:
        engine = create_engine(url, **kwargs)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise DatabaseUrlError(
            f"CaseApp cannot use the database address {parsed.render_as_string()!r}: "
            "use sqlite:///PATH or postgresql://USER@HOST/DBNAME."
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    if current_revision(engine) == SCHEMA_REVISION:
        return
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


@dataclass(frozen=True)
class Database:
    """An opened, migrated database: the engine and the one session factory made from it."""

    engine: Engine
    session_factory: sessionmaker[Session]

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def is_empty(self) -> bool:
        from sqlalchemy import func, select

        from caseapp.models import StaffUser

        with self.session_factory() as s:
            return (s.scalar(select(func.count()).select_from(StaffUser)) or 0) == 0

    def table_names(self) -> list[str]:
        return inspect(self.engine).get_table_names()


def open_database(url: str | None = None, *, migrate: bool = True) -> Database:
    """Open (and by default migrate) the database named by url, $CASEAPP_DB or the default."""
    engine = make_engine(resolve_url(url))
    if migrate:
        try:
            upgrade(engine)
        except OperationalError as exc:
            raise DatabaseUrlError(
                f"CaseApp could not open the database {engine.url.render_as_string()}: {exc.orig}"
            ) from exc
    return Database(engine, sessionmaker(engine, expire_on_commit=False))
