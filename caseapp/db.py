"""Engine and session factory; SQLite pragmas; Alembic upgrade and data-key unlock on open."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from caseapp.audit_key import AuditKey, AuditSeal, bind_audit_seal
from caseapp.db_guard import guard_file
from caseapp.new_database import (
    build_sqlite,
    creation_done,
    identity_for_new,
    is_unborn,
    sqlite_file,
    target_of,
)
from caseapp.private_files import prepare_sqlite_file
from caseapp.security import DataKey, KeyFileError, bind_data_key, import_key_file

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest migration; a test checks it matches Alembic's head. When the database is already
# there, opening it skips loading Alembic (a third of a CLI call's start-up).
SCHEMA_REVISION = "0008"
# Settings rows written by migration 0002: who this database is, and how to tell its key.
DATABASE_ID_SETTING, KEY_CHECK_SETTING = "database_id", "data_key_check"
# Written by migration 0006: how to tell the audit key (entries and checkpoint are HMAC-sealed).
AUDIT_KEY_CHECK_SETTING = "audit_key_check"


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
            if not parsed.database.startswith("file:"):
                prepare_sqlite_file(Path(parsed.database))
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


def upgrade(engine: Engine, *, target: str | None = None, finish: bool = True) -> None:
    """Bring the schema to the newest migration (creates it on an empty database), all of the
    migrations in one transaction: a process killed meanwhile leaves the schema as it was.

    The data key is made ready first: a database that has no identity yet gets one and a key
    stored in keyring (so a missing keyring changes nothing), the same ones on every retry until
    the creation of `target` is finished; an existing one needs its key here, because
    migrations may rewrite encrypted rows.
    """
    if current_revision(engine) == SCHEMA_REVISION:
        return
    from alembic import command

    database_id = read_database_id(engine)
    creating = database_id is None
    target = target or target_of(engine.url.render_as_string(hide_password=False))
    if database_id is None:
        database_id, key = identity_for_new(target)
    else:
        key = unlock(engine, database_id)
    bind_data_key(engine.dialect, key)
    audit_key = _audit_key_for_upgrade(engine, database_id)
    bind_audit_seal(engine.dialect, AuditSeal(audit_key, database_id))
    cfg = alembic_config(engine)
    cfg.attributes.update(database_id=database_id, data_key=key, audit_key=audit_key)
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # batch migrations copy tables; foreign keys must not cascade meanwhile
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
            raw: Any = conn.connection.driver_connection
            previous = raw.isolation_level
            # pysqlite runs CREATE TABLE outside any transaction; begin one ourselves instead
            raw.isolation_level = None
            event.listen(conn, "begin", _begin_immediate)
        try:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                raise RuntimeError("the migration left rows that break a foreign key")
        finally:
            if sqlite:
                conn.rollback()
                event.remove(conn, "begin", _begin_immediate)
                raw.isolation_level = previous
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()
    if creating and finish:
        creation_done(target)


def _begin_immediate(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _audit_key_for_upgrade(engine: Engine, database_id: str) -> AuditKey:
    """The audit key migrations seal with: made here (kept in keyring) before the database
    has one, the one in keyring after."""
    from caseapp.secrets import audit_key_name, get_secret, set_secret

    if _setting(engine, AUDIT_KEY_CHECK_SETTING) is not None:
        return unlock_audit(engine, database_id)
    stored = get_secret(audit_key_name(database_id))
    key = AuditKey.from_text(stored) if stored else AuditKey.generate()
    if not stored:
        set_secret(audit_key_name(database_id), key.to_text())
    return key


def _setting(engine: Engine, key: str) -> dict[str, Any] | None:
    from sqlalchemy import select

    from caseapp.models import Setting

    with engine.connect() as conn:
        if not inspect(conn).has_table("settings"):
            return None
        value = conn.scalar(select(Setting.value).where(Setting.key == key))
        return value if isinstance(value, dict) else None


def read_database_id(engine: Engine) -> str | None:
    """The random identity migration 0002 gave this database (None before it ran)."""
    value = _setting(engine, DATABASE_ID_SETTING)
    return str(value["id"]) if value else None


def unlock(engine: Engine, database_id: str) -> DataKey:
    """This database's data key from keyring, checked against the database's fingerprint."""
    from caseapp.secrets import DataKeyMissing, data_key_name, get_secret

    stored = get_secret(data_key_name(database_id))
    if stored is None:
        raise DataKeyMissing(
            "This database's data key is not on this computer: import it with "
            "'caseapp key import FILE' (or Settings > Data key), using the file and passphrase "
            "from a workstation that opens this database ('caseapp key export FILE')."
        )
    try:
        key = DataKey.from_text(stored)
    except ValueError:
        key = None
    check = _setting(engine, KEY_CHECK_SETTING) or {}
    if key is None or check.get("hmac_sha256") != key.check_value():
        raise DataKeyMissing(
            "The data key stored on this computer does not open this database: import the "
            "right one with 'caseapp key import FILE'."
        )
    return key


def unlock_audit(engine: Engine, database_id: str) -> AuditKey:
    """This database's audit key from keyring, checked against the database's fingerprint."""
    from caseapp.secrets import DataKeyMissing, audit_key_name, get_secret

    stored = get_secret(audit_key_name(database_id))
    try:
        key = AuditKey.from_text(stored) if stored else None
    except ValueError:
        key = None
    check = _setting(engine, AUDIT_KEY_CHECK_SETTING) or {}
    if key is None or check.get("hmac_sha256") != key.check_value():
        raise DataKeyMissing(
            "This database's audit key is not on this computer (the database was upgraded or "
            "set up on another workstation): import a key file exported there with "
            "'caseapp key export FILE' ('caseapp key import FILE', or Settings > Data key)."
        )
    return key


def install_key_file(engine: Engine, blob: bytes, passphrase: str) -> str:
    """Check an exported key file against this database and keep its key in keyring."""
    from caseapp.secrets import DataKeyMissing, audit_key_name, data_key_name, set_secret

    try:
        file_id, key, audit_key = import_key_file(blob, passphrase)
    except KeyFileError as exc:
        raise DataKeyMissing(str(exc)) from exc
    database_id = read_database_id(engine)
    check = _setting(engine, KEY_CHECK_SETTING) or {}
    if (
        database_id is None
        or file_id != database_id
        or check.get("hmac_sha256") != key.check_value()
    ):
        raise DataKeyMissing("This key file belongs to another database; nothing was imported.")
    audit_check = _setting(engine, AUDIT_KEY_CHECK_SETTING) or {}
    if audit_check and (
        audit_key is None or audit_check.get("hmac_sha256") != audit_key.check_value()
    ):
        raise DataKeyMissing(
            "This key file was exported before the database's audit key was made, or for "
            "another copy of it; export a new one ('caseapp key export FILE') and import that."
        )
    set_secret(data_key_name(database_id), key.to_text())
    bind_data_key(engine.dialect, key)
    if audit_key is not None:
        set_secret(audit_key_name(database_id), audit_key.to_text())
        bind_audit_seal(engine.dialect, AuditSeal(audit_key, database_id))
    return database_id


@dataclass(frozen=True)
class Database:
    """An opened, migrated database: the engine and the one session factory made from it."""

    engine: Engine
    session_factory: sessionmaker[Session]
    identity: str = ""  # the random database id: names its data key and sessions in keyring

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


def _create_sqlite(url: str, path: Path) -> None:
    """A new SQLite database, built aside and moved into place whole (caseapp.new_database)."""
    target = target_of(url)
    try:
        build_sqlite(path, make_engine, lambda e: upgrade(e, target=target, finish=False))
    except OperationalError as exc:
        raise DatabaseUrlError(f"CaseApp could not create the database {path}: {exc.orig}") from exc
    creation_done(target)


def open_database(
    url: str | None = None, *, migrate: bool = True, unlock_key: bool = True
) -> Database:
    """Open (and by default migrate and unlock) the database named by url, $CASEAPP_DB or the
    default. Without unlock_key, encrypted columns stay unreadable (for `caseapp key import`)."""
    resolved = resolve_url(url)
    path = sqlite_file(resolved)
    if migrate and path is not None and is_unborn(path):
        _create_sqlite(resolved, path)
    engine = make_engine(resolved)
    try:
        if migrate:
            upgrade(engine)
        if path is not None:
            guard_file(engine, path)
        identity = read_database_id(engine) or ""
        if unlock_key and identity:
            bind_data_key(engine.dialect, unlock(engine, identity))
            if current_revision(engine) == SCHEMA_REVISION:
                seal = AuditSeal(unlock_audit(engine, identity), identity)
                bind_audit_seal(engine.dialect, seal)
    except OperationalError as exc:
        engine.dispose()
        raise DatabaseUrlError(
            f"CaseApp could not open the database {engine.url.render_as_string()}: {exc.orig}"
        ) from exc
    except DatabaseError as exc:  # SQLite: "file is not a database"
        engine.dispose()
        raise DatabaseUrlError(
            f"{engine.url.render_as_string()} is not a CaseApp database ({exc.orig}); "
            "choose another file."
        ) from exc
    except BaseException:
        engine.dispose()
        raise
    return Database(engine, sessionmaker(engine, expire_on_commit=False), identity)
