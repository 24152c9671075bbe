"""Every keyring access in one place: the data key, session tokens, server passwords.

Secrets live only in the operating system's keyring. When there is no usable keyring the user
gets a sentence saying how to get one; CaseApp never falls back to a file of its own.
"""

from __future__ import annotations

import threading

from caseapp.audit_key import Checkpoint
from caseapp.services.errors import DomainError

SERVICE = "CaseApp"

KEYRING_HELP = (
    "CaseApp keeps its keys and log-in sessions in the operating system's keyring, and none is "
    "available on this computer{detail}. On Windows that is the Credential Manager, on macOS "
    "the Keychain, on Linux the Secret Service (GNOME Keyring or KWallet): install or unlock it, "
    "then try again."
)
# Backends that store secrets in clear or not at all: refused, never used silently.
_REFUSED_BACKENDS = ("PlaintextKeyring", "keyring.backends.null")


class KeyringUnavailable(DomainError):
    """No secure keyring backend: nothing secret can be stored or read on this computer."""

    exit_code = 6


class DataKeyMissing(DomainError):
    """The database is encrypted with a key this computer does not hold (or holds wrongly)."""

    exit_code = 6


def data_key_name(database_id: str) -> str:
    return f"data-key:{database_id}"


def session_name(database_id: str) -> str:
    return f"session:{database_id}"


def audit_key_name(database_id: str) -> str:
    return f"audit-key:{database_id}"


def audit_checkpoint_name(database_id: str) -> str:
    """This workstation's copy of the audit checkpoint: the newest count it has seen."""
    return f"audit-checkpoint:{database_id}"


def _backend() -> object:
    import keyring

    backend = keyring.get_keyring()
    kind = f"{type(backend).__module__}.{type(backend).__qualname__}"
    if any(part in kind for part in _REFUSED_BACKENDS):
        raise KeyringUnavailable(
            KEYRING_HELP.format(detail=f" (the configured backend {kind} is not secure)")
        )
    return backend


def _unavailable(exc: Exception) -> KeyringUnavailable:
    detail = f" ({exc})" if str(exc) and "No recommended backend" not in str(exc) else ""
    return KeyringUnavailable(KEYRING_HELP.format(detail=detail))


def get_secret(name: str) -> str | None:
    from keyring.errors import KeyringError

    backend = _backend()
    try:
        return backend.get_password(SERVICE, name)  # type: ignore[attr-defined]
    except KeyringError as exc:
        raise _unavailable(exc) from exc


def set_secret(name: str, value: str) -> None:
    """Store and read back: a keyring that silently drops secrets would lose the data key."""
    from keyring.errors import KeyringError

    backend = _backend()
    try:
        backend.set_password(SERVICE, name, value)  # type: ignore[attr-defined]
        stored = backend.get_password(SERVICE, name)  # type: ignore[attr-defined]
    except KeyringError as exc:
        raise _unavailable(exc) from exc
    if stored != value:
        raise KeyringUnavailable(KEYRING_HELP.format(detail=" (it did not keep a saved secret)"))


def delete_secret(name: str) -> None:
    """Remove a secret; one that is not there is already deleted."""
    from keyring.errors import KeyringError, PasswordDeleteError

    backend = _backend()
    try:
        backend.delete_password(SERVICE, name)  # type: ignore[attr-defined]
    except PasswordDeleteError:
        return
    except KeyringError as exc:
        raise _unavailable(exc) from exc


_CHECKPOINT_LOCK = threading.Lock()


def recall_audit_checkpoint(database_id: str) -> Checkpoint | None:
    """The newest audit checkpoint this workstation saw for the database (None: none yet)."""
    stored = get_secret(audit_checkpoint_name(database_id))
    return Checkpoint.from_text(stored) if stored else None


def remember_audit_checkpoint(database_id: str, checkpoint: Checkpoint) -> None:
    """Keep the checkpoint outside the database; never move the copy back to a smaller count."""
    with _CHECKPOINT_LOCK:
        known = recall_audit_checkpoint(database_id)
        if known is None or known.entries < checkpoint.entries:
            set_secret(audit_checkpoint_name(database_id), checkpoint.to_text())
