"""Someone with the database but not the audit key edits history: `audit verify` names it.

Each test tampers the way the security review did (SQLite here; PostgreSQL too when
CASEAPP_TEST_PG_URL is set), with the append-only triggers out of the way first.
"""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text

from caseapp.audit_key import GENESIS_HASH, plain_hash
from caseapp.db import Database
from caseapp.secrets import SERVICE, audit_checkpoint_name
from caseapp.services import audit, cases
from caseapp.services.audit import ChainCheck
from caseapp.services.context import ServiceContext
from tests.conftest import MemoryKeyring
from tests.services import pipeline_steps as steps


def drop_triggers(db: Database) -> None:
    """What an owner of the database can do: the append-only triggers stop refusing."""
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_entries DISABLE TRIGGER USER")
        else:
            conn.exec_driver_sql("DROP TRIGGER audit_entries_no_update")
            conn.exec_driver_sql("DROP TRIGGER audit_entries_no_delete")


def tamper(db: Database, *statements: str) -> None:
    drop_triggers(db)
    with db.engine.begin() as conn:
        for sql in statements:
            conn.execute(text(sql))


def forget_outside_copy(keyring: MemoryKeyring, db: Database) -> None:
    """A workstation that never saw this trail: only the database's own checkpoint counts."""
    keyring.store.pop((SERVICE, audit_checkpoint_name(db.identity)), None)


def entry_count(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM audit_entries")).scalar_one())


def rehash_plain(db: Database) -> None:
    """Recompute every entry's link and plain SHA-256, as the old chain allowed."""
    from sqlalchemy.orm import Session

    from caseapp.models import AuditEntry

    with Session(db.engine) as s:
        prev = GENESIS_HASH
        for e in s.query(AuditEntry).order_by(AuditEntry.id):
            e.prev_hash = prev
            e.hash = plain_hash(e)
            prev = e.hash
        s.commit()


def everything(result: ChainCheck) -> str:
    return " ".join(result.problems)


@pytest.fixture
def worked(manager_ctx: ServiceContext, facilitator_ctx: ServiceContext) -> ServiceContext:
    """A demo office after a morning's work (a new case through records)."""
    steps.complete_records(facilitator_ctx, steps.new_case(facilitator_ctx))
    assert audit.verify_chain(manager_ctx).intact
    return manager_ctx


def test_the_chain_is_keyed_not_plain(worked: ServiceContext, db: Database) -> None:
    from sqlalchemy.orm import Session

    from caseapp.models import AuditEntry

    with Session(db.engine) as s:
        first = s.query(AuditEntry).order_by(AuditEntry.id).first()
        assert first is not None and first.hash != plain_hash(first)


@pytest.mark.parametrize("outside", [True, False], ids=["with-copy", "database-only"])
def test_deleting_the_newest_rows_is_named(
    worked: ServiceContext, db: Database, memory_keyring: MemoryKeyring, outside: bool
) -> None:
    if not outside:
        forget_outside_copy(memory_keyring, db)
    total = entry_count(db)
    tamper(db, "DELETE FROM audit_entries WHERE id IN "
               "(SELECT id FROM audit_entries ORDER BY id DESC LIMIT 10)")  # fmt: skip
    result = audit.verify_chain(worked)
    assert not result.intact and result.first_bad_id is None  # the chain itself still links
    assert f"has {total - 10} entries but {total} CaseApp wrote" in result.message
    assert "the newest 10 were deleted" in result.message
    if outside:
        assert f"but {total} this workstation saw" in everything(result)


def test_the_app_writing_on_after_a_cut_keeps_it_visible(
    worked: ServiceContext, db: Database, facilitator_ctx: ServiceContext
) -> None:
    tamper(db, "DELETE FROM audit_entries WHERE id IN "
               "(SELECT id FROM audit_entries ORDER BY id DESC LIMIT 10)")  # fmt: skip
    steps.new_case(facilitator_ctx)  # the office goes on working
    result = audit.verify_chain(worked)
    assert not result.intact
    assert "does not follow on from the entry before it" in result.message
    assert "the newest 10 were deleted" in everything(result)


def test_a_full_wipe_with_the_trigger_dropped_is_named(
    worked: ServiceContext, db: Database, memory_keyring: MemoryKeyring
) -> None:
    total = entry_count(db)
    forget_outside_copy(memory_keyring, db)
    tamper(db, "DELETE FROM audit_entries")
    result = audit.verify_chain(worked)
    assert not result.intact and result.entries == 0
    assert result.message.startswith(f"All {total} audit entries CaseApp wrote are gone")


def test_a_wipe_with_the_checkpoint_deleted_is_named(
    worked: ServiceContext, db: Database, memory_keyring: MemoryKeyring
) -> None:
    total = entry_count(db)
    tamper(db, "DELETE FROM audit_entries", "DELETE FROM audit_checkpoint")
    result = audit.verify_chain(worked)
    assert not result.intact
    assert result.message.startswith("The audit checkpoint is missing from the database")
    assert f"All {total} audit entries this workstation saw are gone" in everything(result)
    forget_outside_copy(memory_keyring, db)
    alone = audit.verify_chain(worked)
    assert not alone.intact and "checkpoint is missing" in alone.message


def test_a_forged_checkpoint_is_named(worked: ServiceContext, db: Database) -> None:
    fake = hashlib.sha256(b"0:" + GENESIS_HASH.encode()).hexdigest()
    tamper(db, "DELETE FROM audit_entries",
           f"UPDATE audit_checkpoint SET entries = 0, last_hash = '{GENESIS_HASH}', "
           f"mac = '{fake}'")  # fmt: skip
    result = audit.verify_chain(worked)
    assert not result.intact
    assert result.message.startswith("The audit checkpoint in the database was changed")


def test_an_older_checkpoint_put_back_after_a_cut_is_named_by_the_workstation(
    worked: ServiceContext, db: Database, facilitator_ctx: ServiceContext
) -> None:
    with db.engine.connect() as conn:
        old = conn.execute(text("SELECT entries, last_hash, mac FROM audit_checkpoint")).one()
    steps.new_case(facilitator_ctx)  # more entries, checkpoint and keyring copy move on
    tamper(db, f"DELETE FROM audit_entries WHERE id IN (SELECT id FROM audit_entries "
               f"ORDER BY id LIMIT -1 OFFSET {old.entries})"
           if db.engine.dialect.name == "sqlite" else
           f"DELETE FROM audit_entries WHERE id IN (SELECT id FROM audit_entries "
           f"ORDER BY id OFFSET {old.entries})",
           f"UPDATE audit_checkpoint SET entries = {old.entries}, "
           f"last_hash = '{old.last_hash}', mac = '{old.mac}'")  # fmt: skip
    assert entry_count(db) == old.entries
    result = audit.verify_chain(worked)
    assert not result.intact
    assert f"has {old.entries} entries but" in result.message
    assert "this workstation saw" in result.message


@pytest.mark.parametrize("kind", ["edit", "delete"])
def test_a_middle_row_changed_and_plain_hashes_recomputed_is_named(
    worked: ServiceContext, db: Database, kind: str
) -> None:
    sql = {
        "edit": "UPDATE audit_entries SET actor_login = 'mallory' WHERE id = 7",
        "delete": "DELETE FROM audit_entries WHERE id = 7",
    }[kind]
    tamper(db, sql)
    rehash_plain(db)
    result = audit.verify_chain(worked)
    assert not result.intact and result.first_bad_id == 1  # no plain hash passes the keyed check
    assert result.message.startswith("Audit entry 1 (") and "was changed after it" in result.message


def test_a_forged_entry_added_at_the_end_is_named(worked: ServiceContext, db: Database) -> None:
    with db.engine.connect() as conn:
        last = conn.execute(text("SELECT hash FROM audit_entries ORDER BY id DESC")).first()
    assert last is not None
    forged = hashlib.sha256(b"anything").hexdigest()
    with db.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO audit_entries (at, actor_login, entity, entity_id, action, changes, "
                 "prev_hash, hash) VALUES (:at, 'kevin', 'Case', '1', 'update', '{}', :p, :h)"),
            {"at": "2026-11-26 10:00:00.000000", "p": last.hash, "h": forged},
        )  # fmt: skip
    result = audit.verify_chain(worked)
    assert not result.intact and "was changed after it was written" in result.message


def test_a_stage_changed_in_the_database_names_the_case(
    worked: ServiceContext, db: Database
) -> None:
    row = cases.list_cases(worked)[4]
    target = "treatment" if row.stage != "treatment" else "visa"
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE cases SET stage = :s WHERE ref = :r"), {"s": target, "r": row.ref}
        )
    result = audit.verify_chain(worked)
    assert not result.intact and result.first_bad_id is None
    assert result.message.startswith(
        f"Case {row.ref} is at stage {target} in the database but at {row.stage} in its audit "
        "trail: its stage was changed behind the app's back."
    )


@pytest.mark.parametrize("kind", ["edit", "delete", "insert"])
def test_stage_history_changed_in_the_database_names_the_case(
    worked: ServiceContext, db: Database, kind: str
) -> None:
    ref = next(r.ref for r in cases.list_cases(worked) if r.stage == "lodging")
    with db.engine.begin() as conn:
        case_id, first = conn.execute(
            text("SELECT c.id, MIN(h.id) FROM cases c JOIN stage_history h ON h.case_id = c.id "
                 "WHERE c.ref = :r GROUP BY c.id"), {"r": ref},
        ).one()  # fmt: skip
        sql = {
            "edit": "UPDATE stage_history SET entered_at = '2020-01-01 00:00:00' WHERE id = :h",
            "delete": "DELETE FROM stage_history WHERE id = :h",
            "insert": "INSERT INTO stage_history (case_id, stage, entered_at, note) "
            "VALUES (:c, 'treatment', '2026-11-01 00:00:00', '')",
        }[kind]
        conn.execute(text(sql), {"h": first, "c": case_id} if kind == "insert" else {"h": first})
    result = audit.verify_chain(worked)
    assert not result.intact
    assert result.message.startswith(f"Case {ref}") and "behind the app's back" in result.message


def test_pg_disabled_triggers_and_the_newest_50_deleted_are_named(
    worked: ServiceContext, db: Database
) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL triggers (CASEAPP_TEST_PG_URL)")
    total = entry_count(db)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE audit_entries DISABLE TRIGGER ALL")
        conn.exec_driver_sql(
            "DELETE FROM audit_entries WHERE id IN "
            "(SELECT id FROM audit_entries ORDER BY id DESC LIMIT 50)"
        )
        conn.exec_driver_sql("ALTER TABLE audit_entries ENABLE TRIGGER ALL")
    result = audit.verify_chain(worked)
    assert not result.intact and "the newest 50 were deleted" in result.message
    assert f"but {total} this workstation saw" in everything(result)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE audit_entries DISABLE TRIGGER USER")
        conn.exec_driver_sql("TRUNCATE audit_entries")
    truncated = audit.verify_chain(worked)
    assert not truncated.intact and "the trail was wiped" in truncated.message
