"""Roles and what each may do; password hashing; field encryption with the database's data key.

Roles are enforced in services and mirrored in the UI. Nothing here touches keyring or the
database (that is caseapp.secrets and caseapp.db), so models may import it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import weakref
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from caseapp.audit_key import AuditKey

FACILITATOR, COORDINATOR, MANAGER, ADMIN = "facilitator", "coordinator", "manager", "admin"

# action -> roles allowed. The README carries the same matrix for people.
PERMISSIONS: dict[str, frozenset[str]] = {
    "case.view": frozenset({FACILITATOR, COORDINATOR, MANAGER, ADMIN}),
    "case.create": frozenset({FACILITATOR, MANAGER}),
    "case.edit": frozenset({FACILITATOR, MANAGER}),
    "case.advance": frozenset({FACILITATOR, MANAGER}),
    "case.close": frozenset({FACILITATOR, MANAGER}),  # decline / withdraw
    "case.reassign": frozenset({MANAGER}),
    "case.reopen": frozenset({MANAGER}),  # a closed, declined or withdrawn case, with a reason
    "records.edit": frozenset({FACILITATOR, MANAGER}),
    "eligibility.edit": frozenset({FACILITATOR, MANAGER}),
    "eligibility.sign": frozenset({FACILITATOR, MANAGER}),
    "visa.edit": frozenset({FACILITATOR, MANAGER}),
    "lodging.edit": frozenset({COORDINATOR, FACILITATOR, MANAGER}),
    "interpreters.edit": frozenset({COORDINATOR, FACILITATOR, MANAGER}),
    "interpreters.manage": frozenset({COORDINATOR, MANAGER, ADMIN}),
    "treatment.edit": frozenset({FACILITATOR, COORDINATOR, MANAGER}),
    "followup.edit": frozenset({FACILITATOR, MANAGER}),
    "costs.view": frozenset({MANAGER, COORDINATOR, FACILITATOR}),
    "costs.edit": frozenset({COORDINATOR, MANAGER}),
    "documents.generate": frozenset({FACILITATOR, COORDINATOR, MANAGER}),
    "reports.view": frozenset({MANAGER, ADMIN}),
    "audit.view": frozenset({MANAGER, ADMIN}),
    "staff.manage": frozenset({ADMIN}),
    "settings.edit": frozenset({ADMIN}),
    "reference.edit": frozenset({ADMIN, MANAGER}),
}

ACTION_WORDS: dict[str, str] = {
    "case.view": "view cases",
    "case.create": "open new cases",
    "case.edit": "edit cases",
    "case.advance": "advance cases",
    "case.close": "decline or withdraw cases",
    "case.reassign": "reassign case owners",
    "case.reopen": "reopen closed, declined or withdrawn cases",
    "records.edit": "edit medical records",
    "eligibility.edit": "edit clinical facts",
    "eligibility.sign": "sign eligibility decisions",
    "visa.edit": "edit visa applications",
    "lodging.edit": "edit lodging bookings",
    "interpreters.edit": "book interpreters",
    "interpreters.manage": "manage the interpreter list",
    "treatment.edit": "edit treatment records",
    "followup.edit": "edit follow-up contacts",
    "costs.view": "see costs",
    "costs.edit": "edit costs",
    "documents.generate": "generate documents",
    "reports.view": "see pipeline reports",
    "audit.view": "see the audit trail",
    "staff.manage": "manage staff accounts",
    "settings.edit": "change settings",
    "reference.edit": "edit programs and reference data",
}


@dataclass(frozen=True)
class Actor:
    """The logged-in staff member every service call acts as."""

    id: int | None
    login: str
    role: str
    full_name: str = ""

    def can(self, action: str) -> bool:
        return self.role == SYSTEM_ROLE or self.role in PERMISSIONS[action]


SYSTEM_ROLE = "system"
# Seeding and migrations act as this actor; no person can log in as it.
SYSTEM = Actor(id=None, login="system", role=SYSTEM_ROLE, full_name="CaseApp (system)")


@cache
def _hasher() -> Any:
    """argon2id with argon2-cffi's current recommended parameters (RFC 9106 low-memory)."""
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))


def verify_password(stored_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(stored_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with older or weaker argon2 parameters than today's."""
    from argon2.exceptions import InvalidHashError

    try:
        return bool(_hasher().check_needs_rehash(stored_hash))
    except InvalidHashError:
        return True


# ---- field encryption ---------------------------------------------------------------------

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # AES-GCM's standard nonce
_PASSPORT_JUNK = re.compile(r"[\s\-./]")


class DataUnreadable(RuntimeError):
    """A stored value does not decrypt with the loaded key (corrupt, or another database's)."""


class DataKeyNotLoaded(RuntimeError):
    """An encrypted column was used on an engine that caseapp.db.open_database did not unlock."""


def normalise_passport(number: str) -> str:
    """Upper case without spaces, dashes, dots or slashes: how people type the same number."""
    return _PASSPORT_JUNK.sub("", number or "").upper()


@dataclass(frozen=True, eq=False)
class DataKey:
    """The database's 256-bit data key with the AES-GCM cipher and derived keys it gives."""

    raw: bytes = field(repr=False)
    _aead: Any = field(init=False, repr=False)
    _index_key: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if len(self.raw) != KEY_BYTES:
            raise ValueError("a data key has 32 bytes")
        object.__setattr__(self, "_aead", AESGCM(self.raw))
        # Separate keys per purpose, so the search index never reuses the encryption key.
        object.__setattr__(self, "_index_key", self._derive(b"caseapp passport index v1"))

    @classmethod
    def generate(cls) -> DataKey:
        return cls(os.urandom(KEY_BYTES))

    @classmethod
    def from_text(cls, text: str) -> DataKey:
        return cls(base64.b64decode(text.encode("ascii"), validate=True))

    def to_text(self) -> str:
        return base64.b64encode(self.raw).decode("ascii")

    def _derive(self, purpose: bytes) -> bytes:
        return hmac.new(self.raw, purpose, hashlib.sha256).digest()

    def check_value(self) -> str:
        """A public fingerprint stored in the database: tells a wrong key from the right one."""
        return self._derive(b"caseapp data key check v1").hex()

    def encrypt(self, plain: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + bytes(self._aead.encrypt(nonce, plain, None))

    def decrypt(self, blob: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag

        try:
            return bytes(self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], None))
        except (InvalidTag, ValueError) as exc:
            raise DataUnreadable("a stored value does not decrypt with this data key") from exc

    def encrypt_text(self, text: str) -> str:
        return base64.b64encode(self.encrypt(text.encode("utf-8"))).decode("ascii")

    def decrypt_text(self, stored: str) -> str:
        try:
            blob = base64.b64decode(stored.encode("ascii"), validate=True)
        except (ValueError, UnicodeEncodeError) as exc:
            raise DataUnreadable("a stored value is not encrypted text") from exc
        return self.decrypt(blob).decode("utf-8")

    def decrypt_texts(self, stored: list[str]) -> list[str]:
        """decrypt_text of many values at once (the pipeline list's 50,000 passports)."""
        from cryptography.exceptions import InvalidTag

        decode, aead, n = base64.b64decode, self._aead.decrypt, NONCE_BYTES
        try:
            return [
                bytes(aead(b[:n], b[n:], None)).decode("utf-8")
                for b in (decode(t.encode("ascii"), validate=True) for t in stored)
            ]
        except (ValueError, UnicodeEncodeError, InvalidTag) as exc:
            raise DataUnreadable("a stored value does not decrypt with this data key") from exc

    def passport_index(self, number: str) -> str:
        """Keyed hash of the normalised number: exact search without storing the number."""
        norm = normalise_passport(number)
        if not norm:
            return ""
        return hmac.new(self._index_key, norm.encode("utf-8"), hashlib.sha256).hexdigest()


# The data key of each open database, held by its engine's dialect object: two databases open
# in one process (tests, switching to the office server) never share or swap keys.
_KEYS: weakref.WeakKeyDictionary[Any, DataKey] = weakref.WeakKeyDictionary()


def bind_data_key(dialect: Any, key: DataKey) -> None:
    _KEYS[dialect] = key


def data_key_for(dialect: Any) -> DataKey:
    try:
        return _KEYS[dialect]
    except KeyError:
        raise DataKeyNotLoaded(
            "encrypted columns need a database opened with caseapp.db.open_database"
        ) from None


# ---- key export files ----------------------------------------------------------------------

KEY_FILE_FORMAT = "caseapp-data-key"


class KeyFileError(ValueError):
    """The key file is not one, or the passphrase does not open it."""


def export_key_file(
    key: DataKey, database_id: str, passphrase: str, audit_key: AuditKey | None = None
) -> bytes:
    """The data key (and the audit key after it: version 2) sealed with a passphrase
    (caseapp.sealing: scrypt + AES-GCM), as a small JSON document."""
    from caseapp.sealing import Sealer

    plain = key.raw + (audit_key.raw if audit_key is not None else b"")
    sealed = Sealer.new(passphrase).seal(plain, database_id.encode("utf-8"))
    doc = {
        "format": KEY_FILE_FORMAT,
        "version": 1 if audit_key is None else 2,
        "database_id": database_id,
        **{k: v for k, v in sealed.items() if k != "sealed"},
        "key": sealed["sealed"],
    }
    return (json.dumps(doc, indent=1) + "\n").encode("utf-8")


def import_key_file(blob: bytes, passphrase: str) -> tuple[str, DataKey, AuditKey | None]:
    """(database id, data key, audit key or None for a version 1 file) from an exported file;
    KeyFileError with a sentence if not."""
    from caseapp.sealing import Sealer, SealError

    try:
        doc = json.loads(blob.decode("utf-8"))
        if doc.get("format") != KEY_FILE_FORMAT or doc.get("version") not in (1, 2):
            raise ValueError
        database_id = str(doc["database_id"])
        _sealer, raw = Sealer.open({**doc, "sealed": doc["key"]}, passphrase,
                                   database_id.encode("utf-8"))  # fmt: skip
    except SealError as exc:
        if exc.wrong_passphrase:
            raise KeyFileError("The passphrase does not open this key file.") from exc
        raise KeyFileError("This file is not a CaseApp key export.") from exc
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        raise KeyFileError("This file is not a CaseApp key export.") from exc
    if len(raw) not in (KEY_BYTES, 2 * KEY_BYTES):
        raise KeyFileError("This file is not a CaseApp key export.")
    audit_key = AuditKey(raw[KEY_BYTES:]) if len(raw) == 2 * KEY_BYTES else None
    return database_id, DataKey(raw[:KEY_BYTES]), audit_key
