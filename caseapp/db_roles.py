"""PostgreSQL roles for an office: the app signs in as a role that cannot rewrite history.

The owner role (which created the database) runs migrations; the app role reads and writes
the case data and may only INSERT and SELECT audit entries. It owns nothing, so it cannot
drop or disable the append-only triggers either. The README shows these statements.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def app_role_grants(role: str, database: str) -> list[str]:
    """The statements the owner runs (psql, as the owner) to let `role` work the app."""
    for name in (role, database):
        if not _NAME.match(name):
            raise ValueError(f"{name!r} is not a plain PostgreSQL name (a-z, 0-9, _)")
    return [
        f"GRANT CONNECT ON DATABASE {database} TO {role};",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC;",
        f"GRANT USAGE ON SCHEMA public TO {role};",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_entries FROM {role};",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {role};",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role};",
    ]
