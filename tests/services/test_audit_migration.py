"""Migration 0006 re-keys a plain SHA-256 trail once, says so in it, and seals a checkpoint."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import text

from caseapp.audit_key import GENESIS_HASH, plain_hash
from caseapp.db import alembic_config, current_revision, make_engine, open_database
from caseapp.secrets import audit_key_name, data_key_name, get_secret, set_secret
from caseapp.security import SYSTEM, DataKey, bind_data_key
from caseapp.services import audit
from caseapp.services.context import ServiceContext


class _Plain:
    def __init__(self, **values: object) -> None:
        self.__dict__.update(values)


def database_before_keying(url: str, entries: int, broken_at: int | None = None) -> str:
    """A database as the previous release left it: plain-hashed audit entries."""
    engine = make_engine(url)
    database_id, key = uuid.uuid4().hex, DataKey.generate()
    set_secret(data_key_name(database_id), key.to_text())
    bind_data_key(engine.dialect, key)
    cfg = alembic_config(engine)
    cfg.attributes.update(database_id=database_id, data_key=key)
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0005")
        conn.commit()
    prev, start = GENESIS_HASH, datetime(2026, 11, 1, 9, tzinfo=UTC)
    with engine.begin() as conn:
        for i in range(1, entries + 1):
            e = _Plain(prev_hash=prev, at=start + timedelta(minutes=i), actor_login="helen",
                       case_id=None, entity="Setting", entity_id="agency", action="update",
                       changes={"value": [i - 1, i]})  # fmt: skip
            e.hash = plain_hash(e)  # type: ignore[arg-type]
            if i == broken_at:
                e.changes = {"value": ["edited", i]}  # a tamper the old chain already showed
            conn.execute(
                text("INSERT INTO audit_entries (at, actor_login, entity, entity_id, action, "
                     "changes, prev_hash, hash) VALUES (:at, 'helen', 'Setting', 'agency', "
                     "'update', :changes, :prev, :hash)"),
                {"at": e.at.strftime("%Y-%m-%d %H:%M:%S.%f"), "prev": e.prev_hash,
                 "hash": e.hash, "changes": json.dumps(e.changes)},
            )  # fmt: skip
            prev = e.hash
    assert current_revision(engine) == "0005"
    engine.dispose()
    return database_id


@pytest.mark.parametrize("broken_at", [None, 4], ids=["intact", "already-broken"])
def test_the_existing_chain_is_rekeyed_once_and_the_trail_says_so(
    db_url: str, broken_at: int | None
) -> None:
    database_id = database_before_keying(db_url, entries=6, broken_at=broken_at)
    assert get_secret(audit_key_name(database_id)) is None

    db = open_database(db_url)  # the new release opens it: 0006 runs
    try:
        assert get_secret(audit_key_name(database_id)) is not None
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, entity, action, changes, hash FROM audit_entries "
                                     "ORDER BY id")).all()  # fmt: skip
            checkpoint = conn.execute(text("SELECT entries, last_hash FROM audit_checkpoint")).one()
        assert len(rows) == 7 and (rows[-1].entity, rows[-1].action) == ("AuditChain", "rekey")
        changes = rows[-1].changes
        note = changes if isinstance(changes, dict) else json.loads(changes)
        plain = "intact" if broken_at is None else f"broken at entry {broken_at}"
        assert note == {"entries": [None, 6], "plain_chain": [None, plain]}
        assert (checkpoint.entries, checkpoint.last_hash) == (7, rows[-1].hash)

        ctx = ServiceContext(db.session_factory, SYSTEM)
        result = audit.verify_chain(ctx)
        assert result.intact and result.entries == 7, result.problems
    finally:
        db.engine.dispose()

    again = open_database(db_url)  # nothing re-keys twice
    with again.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM audit_entries")).scalar_one() == 7
    again.engine.dispose()


def test_an_empty_new_database_starts_with_a_sealed_empty_checkpoint(db_url: str) -> None:
    db = open_database(db_url)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM audit_entries")).scalar_one() == 0
        cp = conn.execute(text("SELECT entries, last_hash FROM audit_checkpoint")).one()
    assert (cp.entries, cp.last_hash) == (0, GENESIS_HASH)
    assert audit.verify_chain(ServiceContext(db.session_factory, SYSTEM)).intact
    db.engine.dispose()


def test_a_workstation_without_the_audit_key_is_told_what_to_do(db_url: str) -> None:
    from caseapp.secrets import DataKeyMissing, delete_secret

    db = open_database(db_url)
    db.engine.dispose()
    delete_secret(audit_key_name(db.identity))
    with pytest.raises(DataKeyMissing, match="audit key is not on this computer"):
        open_database(db_url)


def test_a_key_file_without_the_audit_key_is_refused(db_url: str) -> None:
    from caseapp.db import install_key_file
    from caseapp.secrets import DataKeyMissing
    from caseapp.security import data_key_for, export_key_file

    db = open_database(db_url)
    old_file = export_key_file(data_key_for(db.engine.dialect), db.identity, "a long passphrase")
    with pytest.raises(DataKeyMissing, match="exported before the database's audit key"):
        install_key_file(db.engine, old_file, "a long passphrase")
    db.engine.dispose()
