"""security: database identity, encrypted fields, passport index, sessions, append-only audit

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 10:00:00

caseapp.db.upgrade hands in the database identity and the data key (config.attributes
"database_id" and "data_key", made and stored in keyring before anything here runs), so the
rows already there are encrypted in the same transaction that changes the column types.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import context, op

import caseapp.models.base
from caseapp.security import DataKey

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# table -> columns that become EncryptedText (dates: EncryptedDate, stored as text too)
TEXT_COLUMNS: dict[str, list[str]] = {
    "patients": ["date_of_birth", "passport_number", "phone", "email", "address", "notes"],
    "companions": ["date_of_birth", "passport_number", "phone"],
    "clinical_facts": ["value"],
    "review_criterion_results": ["fact_value"],
}
DATE_COLUMNS = {("patients", "date_of_birth"), ("companions", "date_of_birth")}
NULLABLE = {("companions", "date_of_birth")}
BYTES_COLUMNS: dict[str, str] = {"attachments": "content", "case_documents": "content"}
OLD_TYPES: dict[tuple[str, str], sa.types.TypeEngine[Any]] = {
    ("patients", "date_of_birth"): sa.Date(),
    ("patients", "passport_number"): sa.String(length=40),
    ("patients", "phone"): sa.String(length=60),
    ("patients", "email"): sa.String(length=200),
    ("patients", "address"): sa.String(length=300),
    ("patients", "notes"): sa.Text(),
    ("companions", "date_of_birth"): sa.Date(),
    ("companions", "passport_number"): sa.String(length=40),
    ("companions", "phone"): sa.String(length=60),
    ("clinical_facts", "value"): sa.String(length=200),
    ("review_criterion_results", "fact_value"): sa.String(length=200),
}

settings = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.JSON))


def _inputs() -> tuple[str, DataKey]:
    attrs = context.config.attributes
    if "data_key" not in attrs or "database_id" not in attrs:
        raise RuntimeError("run CaseApp migrations through caseapp.db.open_database")
    return attrs["database_id"], attrs["data_key"]


def upgrade() -> None:
    database_id, key = _inputs()
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"

    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", caseapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", caseapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_users.id"],
            name=op.f("fk_staff_sessions_staff_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_sessions_token_hash")),
    )
    with op.batch_alter_table("staff_sessions") as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_sessions_staff_id"), ["staff_id"])

    # Column types first (PostgreSQL's varchar(40) cannot hold ciphertext), then the data.
    for table, columns in TEXT_COLUMNS.items():
        with op.batch_alter_table(table) as batch_op:
            if table == "patients":
                batch_op.add_column(
                    sa.Column(
                        "passport_index", sa.String(length=64), nullable=False, server_default=""
                    )
                )
                batch_op.create_index(batch_op.f("ix_patients_passport_index"), ["passport_index"])
            for column in columns:
                using = {}
                if pg and (table, column) in DATE_COLUMNS:
                    using = {"postgresql_using": f"to_char({column}, 'YYYY-MM-DD')"}
                batch_op.alter_column(
                    column,
                    existing_type=OLD_TYPES[table, column],
                    type_=sa.Text(),
                    existing_nullable=(table, column) in NULLABLE,
                    **using,
                )

    for table, columns in TEXT_COLUMNS.items():
        _rewrite_text(
            bind, table, columns, key.encrypt_text, index=key if table == "patients" else None
        )
    for table, column in BYTES_COLUMNS.items():
        _rewrite_bytes(bind, table, column, key.encrypt)

    op.bulk_insert(
        settings,
        [
            {"key": "database_id", "value": {"id": database_id}},
            {"key": "data_key_check", "value": {"hmac_sha256": key.check_value()}},
        ],
    )
    _append_only_audit(pg)


def _rewrite_text(
    bind: sa.Connection,
    table: str,
    columns: list[str],
    convert: Callable[[str], str],
    index: DataKey | None = None,
) -> None:
    rows = bind.execute(sa.text(f"SELECT id, {', '.join(columns)} FROM {table}")).all()
    if not rows:
        return
    params = []
    for row in rows:
        values: dict[str, Any] = {"id": row[0]}
        for i, column in enumerate(columns, start=1):
            value = row[i]
            values[column] = None if value is None else convert(str(value))
        if index is not None:
            values["passport_index"] = index.passport_index(
                str(row[columns.index("passport_number") + 1])
            )
        params.append(values)
    assignments = ", ".join(f"{c} = :{c}" for c in params[0] if c != "id")
    bind.execute(sa.text(f"UPDATE {table} SET {assignments} WHERE id = :id"), params)


def _rewrite_bytes(
    bind: sa.Connection, table: str, column: str, convert: Callable[[bytes], bytes]
) -> None:
    """One row at a time: attachments may be large, and are never all held in memory."""
    ids = bind.execute(sa.text(f"SELECT id FROM {table} WHERE {column} IS NOT NULL")).scalars()
    for ident in list(ids):
        value = bind.execute(
            sa.text(f"SELECT {column} FROM {table} WHERE id = :id"), {"id": ident}
        ).scalar_one()
        bind.execute(
            sa.text(f"UPDATE {table} SET {column} = :v WHERE id = :id"),
            {"v": convert(bytes(value)), "id": ident},
        )


def _append_only_audit(pg: bool) -> None:
    """No UPDATE or DELETE on the audit table, whoever connects (the app never does either)."""
    if pg:
        op.execute(
            "CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'audit entries are append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries "
            "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()"
        )
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_entries_no_{verb.lower()} BEFORE {verb} ON audit_entries "
            "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END"
        )


def downgrade() -> None:
    """Back to 0001: decrypt every value again (needs the data key), drop what 0002 added."""
    _database_id, key = _inputs()
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    if pg:
        op.execute("DROP TRIGGER audit_entries_no_truncate ON audit_entries")
        op.execute("DROP TRIGGER audit_entries_append_only ON audit_entries")
        op.execute("DROP FUNCTION audit_entries_append_only()")
    else:
        op.execute("DROP TRIGGER audit_entries_no_update")
        op.execute("DROP TRIGGER audit_entries_no_delete")
    op.execute("DELETE FROM settings WHERE key IN ('database_id', 'data_key_check')")
    for table, column in BYTES_COLUMNS.items():
        _rewrite_bytes(bind, table, column, key.decrypt)
    for table, columns in TEXT_COLUMNS.items():
        _rewrite_text(bind, table, columns, key.decrypt_text)
        with op.batch_alter_table(table) as batch_op:
            for column in columns:
                using = {}
                if pg and (table, column) in DATE_COLUMNS:
                    using = {"postgresql_using": f"{column}::date"}
                batch_op.alter_column(
                    column,
                    existing_type=sa.Text(),
                    type_=OLD_TYPES[table, column],
                    existing_nullable=(table, column) in NULLABLE,
                    **using,
                )
            if table == "patients":
                batch_op.drop_index(batch_op.f("ix_patients_passport_index"))
                batch_op.drop_column("passport_index")
    with op.batch_alter_table("staff_sessions") as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_sessions_staff_id"))
    op.drop_table("staff_sessions")
