"""First start of a fresh install: where the data lives, the first admin, the letterhead, demo data.

The welcome wizard only collects answers; this module does the work, so the same steps are
testable without Qt. Which database this computer uses is a per-user choice kept in a small
JSON file beside the user's settings (never the server password: that goes to keyring).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from caseapp.security import SYSTEM, Actor
from caseapp.services import staff as staff_service
from caseapp.services.context import ServiceContext
from caseapp.services.errors import ValidationError
from caseapp.services.settings import AgencySettings, save_agency_settings

DatabaseKind = Literal["sqlite", "postgresql"]
MIN_PASSWORD_LENGTH = 10
DEMO_CASES, DEMO_SEED = 60, 2026


@dataclass(frozen=True)
class DatabaseChoice:
    """This computer (an SQLite file) or the office server (PostgreSQL)."""

    kind: DatabaseKind = "sqlite"
    sqlite_path: str = ""
    host: str = ""
    port: int = 5432
    database: str = "caseapp"
    user: str = "caseapp"

    def url(self, password: str | None = None) -> str:
        """The SQLAlchemy URL; with password only for connecting, never for showing or saving."""
        from sqlalchemy.engine import URL

        if self.kind == "sqlite":
            return f"sqlite:///{Path(self.sqlite_path).expanduser()}"
        return URL.create(
            "postgresql+psycopg",
            username=self.user,
            password=password or None,
            host=self.host,
            port=self.port,
            database=self.database,
        ).render_as_string(hide_password=False)

    @property
    def password_name(self) -> str:
        """Keyring entry of the server password (one per server account)."""
        return f"db-password:{self.user}@{self.host}:{self.port}/{self.database}"


@dataclass(frozen=True)
class FirstAdmin:
    login: str
    full_name: str
    password: str
    email: str = ""


@dataclass(frozen=True)
class FirstRunChoices:
    """Everything the welcome wizard asks; every answer can be changed later in Settings."""

    admin: FirstAdmin
    agency: AgencySettings
    database: DatabaseChoice = field(default_factory=DatabaseChoice)
    load_demo: bool = False
    demo_cases: int = DEMO_CASES


@dataclass(frozen=True)
class FirstRunResult:
    database: Any  # caseapp.db.Database, opened and migrated: the window uses it as is
    url: str  # for people: never the password
    admin: Actor | None  # None when the server was already set up by another workstation
    already_set_up: bool = False
    demo_cases: int = 0
    demo_cancelled: bool = False


# ---- validation (the wizard calls these page by page) -------------------------------------


def validate_admin(admin: FirstAdmin, repeated_password: str) -> None:
    if not staff_service.LOGIN_RE.match(admin.login.strip().lower()):
        raise ValidationError(
            "A login is 2 to 40 lowercase letters, digits, dots or dashes, starting with a letter.",
            "login",
        )
    if not admin.full_name.strip():
        raise ValidationError("Enter the administrator's full name.", "full_name")
    if len(admin.password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters.", "password"
        )
    if admin.password != repeated_password:
        raise ValidationError("The two passwords differ: type the same one twice.", "password2")


def validate_agency(agency: AgencySettings) -> None:
    if not agency.agency_name.strip():
        raise ValidationError("Enter the agency's name; every letter carries it.", "agency_name")
    if agency.logo_path and not Path(agency.logo_path).is_file():
        raise ValidationError(f"The logo file {agency.logo_path} does not exist.", "logo_path")


def validate_database(choice: DatabaseChoice) -> None:
    if choice.kind == "sqlite":
        if not choice.sqlite_path.strip():
            raise ValidationError("Choose where the database file goes.", "sqlite_path")
        return
    if not choice.host.strip():
        raise ValidationError("Enter the server's name or address.", "host")
    if not 0 < choice.port < 65536:
        raise ValidationError("The port is a number from 1 to 65535 (usually 5432).", "port")
    if not choice.database.strip():
        raise ValidationError("Enter the database name on the server.", "database")
    if not choice.user.strip():
        raise ValidationError("Enter the user name CaseApp signs in to the server with.", "user")


# ---- the server password in keyring ---------------------------------------------------------


def store_server_password(choice: DatabaseChoice, password: str) -> None:
    """Keep the server password in the OS keyring; KeyringUnavailable says how to get one."""
    from caseapp.secrets import set_secret

    set_secret(choice.password_name, password)


def server_password(choice: DatabaseChoice) -> str | None:
    from caseapp.secrets import get_secret

    return get_secret(choice.password_name)


def check_connection(choice: DatabaseChoice, password: str | None = None) -> str:
    """Connect once without changing anything and say what is there (Settings > Database).

    An empty password for a server falls back to the one kept in keyring. ValidationError
    carries the driver's reason when the connection fails.
    """
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.exc import SQLAlchemyError

    validate_database(choice)
    if choice.kind == "sqlite":
        path = Path(choice.sqlite_path).expanduser()
        if not path.exists():
            if not path.parent.is_dir():
                raise ValidationError(f"The folder {path.parent} does not exist.", "sqlite_path")
            return f"{path} does not exist yet: CaseApp creates it when it starts with it."
        args: dict[str, Any] = {}
    else:
        password = password or server_password(choice) or ""
        args = {"connect_timeout": 5}
    engine = create_engine(choice.url(password), connect_args=args)
    try:
        with engine.connect() as conn:
            has_data = inspect(conn).has_table("staff_users")
            server = conn.dialect.server_version_info or ()
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        field = "sqlite_path" if choice.kind == "sqlite" else "host"
        raise ValidationError(f"CaseApp could not connect: {reason}", field) from None
    finally:
        engine.dispose()
    name = "SQLite" if choice.kind == "sqlite" else "PostgreSQL"
    version = ".".join(str(part) for part in server[:2])
    found = "it holds CaseApp data" if has_data else "it is empty: CaseApp sets it up on start"
    return f"Connected to {name} {version}; {found}."


# ---- which database this computer uses ------------------------------------------------------


def config_dir() -> Path:
    """$CASEAPP_CONFIG_DIR, else the user's config folder (platformdirs)."""
    override = os.environ.get("CASEAPP_CONFIG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir("CaseApp", "CaseApp"))


def save_database_choice(choice: DatabaseChoice) -> Path:
    path = config_dir() / "database.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(choice), indent=1), encoding="utf-8")
    return path


def load_database_choice() -> DatabaseChoice | None:
    path = config_dir() / "database.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    known = {k: v for k, v in data.items() if k in DatabaseChoice.__dataclass_fields__}
    try:
        return DatabaseChoice(**known)
    except TypeError:
        return None


def configured_database_url() -> str | None:
    """The URL this computer chose at first run (server password from keyring), or None."""
    choice = load_database_choice()
    if choice is None:
        return None
    return choice.url(server_password(choice) if choice.kind == "postgresql" else None)


# ---- doing it -------------------------------------------------------------------------------


def complete_first_run(
    system: ServiceContext,
    choices: FirstRunChoices,
    progress: Callable[[int, int], bool] | None = None,
) -> tuple[Actor, int]:
    """Create the first admin, save the letterhead as them and load demo data if asked.

    Returns the admin and the number of demo cases loaded; cancelling the demo data (progress
    returns False) keeps the admin and letterhead and loads no case.
    """
    from caseapp.services.demo import build_demo

    cancelled = False

    def watch(done: int, total: int) -> bool:
        nonlocal cancelled
        cancelled = progress is not None and not progress(done, total)
        return not cancelled

    validate_agency(choices.agency)
    if choices.load_demo:
        # Demo data only goes into a new database: load it first, then add this admin.
        _check_not_a_demo_login(choices.admin)
        try:
            build_demo(system.as_actor(SYSTEM), choices.demo_cases, DEMO_SEED, progress=watch)
        except ValidationError:
            if not cancelled:
                raise
    admin = create_office(system, choices.admin, choices.agency, require_new=not choices.load_demo)
    if not choices.load_demo:
        return admin, 0
    return admin, -1 if cancelled else choices.demo_cases


def _check_not_a_demo_login(first: FirstAdmin) -> None:
    from caseapp.paths import resource_path
    from caseapp.services.auth import validate_password
    from caseapp.services.reference import load_toml

    validate_password(first.password)
    demo = {p["login"] for p in load_toml(resource_path("reference", "demo.toml"))["staff"]}
    if first.login.strip().lower() in demo:
        raise ValidationError(
            f"The login {first.login.strip().lower()!r} belongs to a demo account: choose "
            "another for yourself.", "login",
        )  # fmt: skip


def create_office(
    system: ServiceContext,
    first: FirstAdmin,
    agency: AgencySettings | None = None,
    *,
    require_new: bool = True,
) -> Actor:
    """The first administrator (and letterhead) of a new office database: the wizard's work,
    also `caseapp init`. A database that already has accounts or history is refused."""
    from caseapp.services.auth import validate_password
    from caseapp.services.demo_mark import is_new_database

    validate_password(first.password)
    if agency is not None:
        validate_agency(agency)
    if require_new:
        with system.read() as s:
            if not is_new_database(s):
                raise ValidationError(
                    "This database is already set up (it has accounts or history): "
                    "an administrator adds accounts with 'caseapp account add'."
                )
    row = staff_service.create_staff(
        system.as_actor(SYSTEM), first.login, first.full_name, "admin", email=first.email,
        password=first.password,
    )  # fmt: skip
    admin = Actor(row.id, row.login, row.role, row.full_name)
    if agency is not None:
        save_agency_settings(system.as_actor(admin), agency)
    return admin


def open_and_set_up(
    choices: FirstRunChoices,
    server_password_text: str | None = None,
    progress: Callable[[int, int], bool] | None = None,
    open_database: Callable[[str], Any] | None = None,
) -> FirstRunResult:
    """Open (create, migrate) the chosen database and set it up; remember the choice.

    A server another workstation already set up is joined as it is: nothing is created, and the
    person signs in with the account an administrator gave them.
    """
    if open_database is None:
        from caseapp import db

        open_database = db.open_database
    validate_database(choices.database)
    if choices.database.kind == "sqlite":
        Path(choices.database.sqlite_path).expanduser().parent.mkdir(parents=True, exist_ok=True)
    database = open_database(choices.database.url(server_password_text))
    system = ServiceContext(database.session_factory, SYSTEM)
    if not database.is_empty():
        save_database_choice(choices.database)
        return FirstRunResult(database, database.url, None, already_set_up=True)
    admin, demo_cases = complete_first_run(system, choices, progress)
    save_database_choice(choices.database)
    return FirstRunResult(
        database,
        database.url,
        admin,
        demo_cases=max(demo_cases, 0),
        demo_cancelled=demo_cases < 0,
    )
