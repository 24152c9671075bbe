"""Writing the keyed audit chain: entries linked by HMAC and the sealed checkpoint moved on.

Every writer of audit entries (the unit of work, the demo's bulk load) goes through
`seal_entries`, so the checkpoint's count is the number of entries CaseApp wrote. It counts
on from its own number, never from the rows it finds: rows deleted behind the app's back stay
missing from the count, and `audit verify` names them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from caseapp.audit_key import GENESIS_HASH, AuditKey, AuditSeal, Checkpoint, audit_seal_for
from caseapp.models import AuditCheckpoint, AuditEntry
from caseapp.services.errors import DomainError

log = logging.getLogger(__name__)


def lock_chain(session: Session) -> None:
    """One writer at a time on the chain, so two workstations never fork it."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(4242)"))
    elif dialect == "sqlite":
        # Take SQLite's write lock before reading the last hash: a unit of work that only
        # writes audit notes (a log-in) would otherwise read it unlocked and fork the chain.
        session.execute(text("UPDATE audit_entries SET id = id WHERE 0"))


def stored_checkpoint(session: Session) -> Checkpoint | None:
    row = session.execute(
        select(AuditCheckpoint.entries, AuditCheckpoint.last_hash, AuditCheckpoint.mac).where(
            AuditCheckpoint.id == 1
        )
    ).first()
    return None if row is None else Checkpoint(row.entries, row.last_hash, row.mac)


def _chain_start(session: Session, key: AuditKey) -> tuple[str, Checkpoint | None]:
    """Where new entries link on: the genuine checkpoint's last hash, else the last row's.

    A missing or forged checkpoint is left as it is (verify names it); the entries still chain.
    """
    checkpoint = stored_checkpoint(session)
    if checkpoint is not None and checkpoint.genuine(key):
        return checkpoint.last_hash, checkpoint
    last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    return last or GENESIS_HASH, None


def seal_entries(
    session: Session, entries: Sequence[AuditEntry], now: datetime
) -> tuple[AuditSeal, Checkpoint | None]:
    """Link and seal new entries (not yet added) and move the checkpoint on, under the lock."""
    seal = audit_seal_for(session.get_bind().dialect)
    lock_chain(session)
    prev, checkpoint = _chain_start(session, seal.key)
    for entry in entries:
        entry.prev_hash = prev
        entry.hash = seal.key.entry_hash(entry)
        prev = entry.hash
    if checkpoint is None:
        return seal, None
    moved = Checkpoint.sealed(seal.key, checkpoint.entries + len(entries), prev)
    session.execute(
        update(AuditCheckpoint)
        .where(AuditCheckpoint.id == 1)
        .values(entries=moved.entries, last_hash=moved.last_hash, mac=moved.mac, at=now)
    )
    return seal, moved


def remember_outside(seal: AuditSeal, checkpoint: Checkpoint | None) -> None:
    """After the commit: this workstation's keyring keeps the newest checkpoint it wrote.

    The save is done by then; a keyring that refuses is logged, never reported as a failure.
    """
    if checkpoint is None:
        return
    from caseapp.secrets import remember_audit_checkpoint

    try:
        remember_audit_checkpoint(seal.database_id, checkpoint)
    except DomainError as exc:
        log.warning("audit checkpoint not kept in keyring: %s", exc.message)
