"""On PostgreSQL the app's role inserts and reads audit entries but cannot rewrite them.

Runs when CASEAPP_TEST_PG_URL is set (.ci/run starts a throwaway server).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from caseapp.db import Database, open_database
from caseapp.db_roles import app_role_grants
from caseapp.services import audit
from caseapp.services.context import ServiceContext
from caseapp.services.staff import actor_for
from tests.conftest import PG_URL
from tests.services import pipeline_steps as steps

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_shows_the_same_grants() -> None:
    readme = README.read_text(encoding="utf-8")
    for statement in app_role_grants("caseapp_app", "caseapp"):
        assert statement in readme, statement
    with pytest.raises(ValueError):
        app_role_grants("app; DROP TABLE cases", "caseapp")


@pytest.fixture
def pg_only() -> None:
    if not PG_URL:
        pytest.skip("PostgreSQL only (CASEAPP_TEST_PG_URL)")


@pytest.fixture
def app_db(pg_only: None, demo_db: ServiceContext, db: Database, db_url: str) -> Iterator[Database]:
    """The same database opened as a restricted role, set up as the README says."""
    role = f"caseapp_app_{uuid.uuid4().hex[:8]}"
    database = make_url(db_url).database
    assert database is not None
    with db.engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN PASSWORD 'app-role-password'")
        for statement in app_role_grants(role, database):
            conn.exec_driver_sql(statement)
    url = make_url(db_url).set(username=role, password="app-role-password")
    as_app = open_database(url.render_as_string(hide_password=False))
    yield as_app
    as_app.engine.dispose()
    with db.engine.begin() as conn:
        conn.exec_driver_sql(f"DROP OWNED BY {role}")
        conn.exec_driver_sql(f"DROP ROLE {role}")


def test_the_app_role_works_the_app(app_db: Database, demo_db: ServiceContext) -> None:
    ctx = ServiceContext(app_db.session_factory, demo_db.actor, demo_db.clock)
    facilitator = ctx.as_actor(actor_for(ctx, "fatima"))
    steps.complete_records(facilitator, steps.new_case(facilitator))
    result = audit.verify_chain(ctx.as_actor(actor_for(ctx, "helen")))
    assert result.intact, result.problems


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_entries SET actor_login = 'mallory' WHERE id = 3",
        "DELETE FROM audit_entries WHERE id IN (SELECT id FROM audit_entries ORDER BY id DESC "
        "LIMIT 50)",
        "TRUNCATE audit_entries",
        "ALTER TABLE audit_entries DISABLE TRIGGER USER",
        "ALTER TABLE audit_entries DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_entries_append_only ON audit_entries",
        "DROP TABLE audit_entries",
        "UPDATE alembic_version SET version_num = '0001'",
    ],
)
def test_the_app_role_cannot_rewrite_history(app_db: Database, sql: str) -> None:
    with pytest.raises(DBAPIError) as refused, app_db.engine.begin() as conn:
        conn.execute(text(sql))
    assert re.search(r"permission denied|must be owner", str(refused.value.orig))


def test_the_app_role_inserts_and_reads_audit_rows(app_db: Database) -> None:
    with app_db.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM audit_entries")).scalar_one() > 0
        granted = conn.execute(
            text("SELECT privilege_type FROM information_schema.role_table_grants "
                 "WHERE table_name = 'audit_entries' AND grantee = current_user")
        ).scalars()  # fmt: skip
        assert set(granted) == {"INSERT", "SELECT"}
