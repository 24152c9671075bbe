"""The audit key: entries and checkpoints are HMAC-sealed, so only CaseApp can write them.

A plain SHA-256 chain can be recomputed by anyone who edits the database; an HMAC chain needs
this key, which lives (like the data key) only in each workstation's keyring and in sealed key
files. Nothing here touches keyring or the database, so migrations and services may import it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import weakref
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

KEY_BYTES = 32
GENESIS_HASH = "0" * 64


class AuditKeyNotLoaded(RuntimeError):
    """An audit entry was written on an engine that caseapp.db.open_database did not unlock."""


class ChainedEntry(Protocol):
    """What the chain seals of one entry (an AuditEntry, or a row read in a migration)."""

    prev_hash: str
    at: datetime
    actor_login: str
    case_id: int | None
    entity: str
    entity_id: str
    action: str
    changes: Any


def entry_payload(entry: ChainedEntry) -> bytes:
    """The canonical bytes of one entry, chained to the previous entry's hash."""
    return json.dumps(
        [
            entry.prev_hash,
            entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
            entry.actor_login,
            entry.case_id,
            entry.entity,
            entry.entity_id,
            entry.action,
            entry.changes,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def plain_hash(entry: ChainedEntry) -> str:
    """The SHA-256 of the chain before migration 0006 (checked once, when it is re-keyed)."""
    return hashlib.sha256(entry_payload(entry)).hexdigest()


@dataclass(frozen=True, eq=False)
class AuditKey:
    """The database's 256-bit audit key."""

    raw: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.raw) != KEY_BYTES:
            raise ValueError("an audit key has 32 bytes")

    @classmethod
    def generate(cls) -> AuditKey:
        return cls(os.urandom(KEY_BYTES))

    @classmethod
    def from_text(cls, text: str) -> AuditKey:
        return cls(base64.b64decode(text.encode("ascii"), validate=True))

    def to_text(self) -> str:
        return base64.b64encode(self.raw).decode("ascii")

    def _mac(self, purpose: bytes, payload: bytes) -> str:
        return hmac.new(self.raw, purpose + b"\0" + payload, hashlib.sha256).hexdigest()

    def check_value(self) -> str:
        """A public fingerprint in the database: tells a wrong key from the right one."""
        return self._mac(b"caseapp audit key check v1", b"")

    def entry_hash(self, entry: ChainedEntry) -> str:
        return self._mac(b"caseapp audit entry v1", entry_payload(entry))

    def checkpoint_mac(self, entries: int, last_hash: str) -> str:
        return self._mac(b"caseapp audit checkpoint v1", f"{entries}:{last_hash}".encode())


@dataclass(frozen=True)
class Checkpoint:
    """How many entries the chain had and the hash of the last one, sealed with the key."""

    entries: int
    last_hash: str
    mac: str

    @classmethod
    def sealed(cls, key: AuditKey, entries: int, last_hash: str) -> Checkpoint:
        return cls(entries, last_hash, key.checkpoint_mac(entries, last_hash))

    def genuine(self, key: AuditKey) -> bool:
        return hmac.compare_digest(self.mac, key.checkpoint_mac(self.entries, self.last_hash))

    def to_text(self) -> str:
        return json.dumps({"entries": self.entries, "last_hash": self.last_hash, "mac": self.mac})

    @classmethod
    def from_text(cls, text: str) -> Checkpoint | None:
        try:
            doc = json.loads(text)
            return cls(int(doc["entries"]), str(doc["last_hash"]), str(doc["mac"]))
        except (ValueError, KeyError, TypeError):
            return None


@dataclass(frozen=True)
class AuditSeal:
    """What an open database writes its audit with: the key and the database's identity."""

    key: AuditKey
    database_id: str


# The seal of each open database, held by its engine's dialect (as the data key is).
_SEALS: weakref.WeakKeyDictionary[Any, AuditSeal] = weakref.WeakKeyDictionary()


def bind_audit_seal(dialect: Any, seal: AuditSeal) -> None:
    _SEALS[dialect] = seal


def audit_seal_for(dialect: Any) -> AuditSeal:
    try:
        return _SEALS[dialect]
    except KeyError:
        raise AuditKeyNotLoaded(
            "audit entries need a database opened with caseapp.db.open_database"
        ) from None
