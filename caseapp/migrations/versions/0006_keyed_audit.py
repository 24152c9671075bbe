"""keyed audit chain: HMAC with the audit key, a sealed checkpoint of count and last hash

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 08:00:00

caseapp.db.upgrade hands in the audit key (config.attributes "audit_key", made and kept in
keyring before this runs). The entries already there are checked against their plain SHA-256
chain and re-sealed with the key once, here; an entry in the trail says so and whether the old
chain was intact.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import context, op

import caseapp.models.base
from caseapp.audit_key import GENESIS_HASH, AuditKey, Checkpoint, plain_hash

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BATCH = 5000

entries = sa.table(
    "audit_entries",
    sa.column("id", sa.Integer),
    sa.column("at", caseapp.models.base.UTCDateTime(timezone=True)),
    sa.column("actor_id", sa.Integer),
    sa.column("actor_login", sa.String),
    sa.column("case_id", sa.Integer),
    sa.column("entity", sa.String),
    sa.column("entity_id", sa.String),
    sa.column("action", sa.String),
    sa.column("changes", sa.JSON),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)
settings = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.JSON))


class _Entry:
    """An entry as the chain sees it, with its new links."""

    def __init__(self, row: sa.Row[tuple[object, ...]] | None = None, **values: object) -> None:
        source = dict(row._mapping) if row is not None else {}
        source.update(values)
        self.__dict__.update(source)


def _triggers(bind: sa.Connection, on: bool) -> None:
    """The append-only triggers of 0002 step aside for the one rewrite of the chain."""
    if bind.dialect.name == "postgresql":
        verb = "ENABLE" if on else "DISABLE"
        for name in ("audit_entries_append_only", "audit_entries_no_truncate"):
            op.execute(f"ALTER TABLE audit_entries {verb} TRIGGER {name}")
        return
    for verb in ("UPDATE", "DELETE"):
        name = f"audit_entries_no_{verb.lower()}"
        if on:
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {verb} ON audit_entries "
                "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END"
            )
        else:
            op.execute(f"DROP TRIGGER {name}")


def _rechain(bind: sa.Connection, seal: object) -> tuple[int, str, int | None]:
    """Re-link every entry in id order with `seal(entry)`; (count, last hash, first id whose
    stored plain hash or link was already wrong)."""
    prev_old = prev_new = GENESIS_HASH
    count, broken, last_id = 0, None, 0
    while True:
        rows = bind.execute(
            sa.select(entries).where(entries.c.id > last_id).order_by(entries.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        updates = []
        for row in rows:
            count += 1
            old = _Entry(row)
            if broken is None and (row.prev_hash != prev_old or plain_hash(old) != row.hash):
                broken = row.id
            prev_old = row.hash
            new = _Entry(row, prev_hash=prev_new)
            prev_new = seal(new)  # type: ignore[operator]
            updates.append({"b_id": row.id, "b_prev": new.prev_hash, "b_hash": prev_new})
        bind.execute(
            entries.update()
            .where(entries.c.id == sa.bindparam("b_id"))
            .values(prev_hash=sa.bindparam("b_prev"), hash=sa.bindparam("b_hash")),
            updates,
        )
        last_id = rows[-1].id
    return count, prev_new, broken


def upgrade() -> None:
    key: AuditKey = context.config.attributes.get("audit_key")  # type: ignore[assignment]
    database_id = context.config.attributes.get("database_id")
    if key is None or database_id is None:
        raise RuntimeError("run CaseApp migrations through caseapp.db.open_database")
    bind = op.get_bind()
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.Column("at", caseapp.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoint")),
    )
    _triggers(bind, on=False)
    count, last_hash, broken = _rechain(bind, key.entry_hash)
    _triggers(bind, on=True)
    now = datetime.now(UTC)
    if count:
        plain = "intact" if broken is None else f"broken at entry {broken}"
        note = _Entry(
            prev_hash=last_hash, at=now, actor_id=None, actor_login="system", case_id=None,
            entity="AuditChain", entity_id=str(database_id)[:40], action="rekey",
            changes={"entries": [None, count], "plain_chain": [None, plain]},
        )  # fmt: skip
        last_hash = key.entry_hash(note)  # type: ignore[arg-type]
        count += 1
        values = {k: v for k, v in note.__dict__.items()}
        bind.execute(entries.insert().values(**values, hash=last_hash))
    cp = Checkpoint.sealed(key, count, last_hash)
    bind.execute(
        sa.text(
            "INSERT INTO audit_checkpoint (id, entries, last_hash, mac, at) "
            "VALUES (1, :n, :h, :m, :at)"
        ).bindparams(sa.bindparam("at", type_=caseapp.models.base.UTCDateTime(timezone=True))),
        {"n": cp.entries, "h": cp.last_hash, "m": cp.mac, "at": now},
    )
    op.bulk_insert(settings, [{"key": "audit_key_check", "value": {"hmac_sha256": key.check_value()}}])


def downgrade() -> None:
    """Back to the plain SHA-256 chain of 0002-0004 (the re-key entry stays, re-hashed)."""
    bind = op.get_bind()
    _triggers(bind, on=False)
    _rechain(bind, plain_hash)
    _triggers(bind, on=True)
    op.execute("DELETE FROM settings WHERE key = 'audit_key_check'")
    op.drop_table("audit_checkpoint")
