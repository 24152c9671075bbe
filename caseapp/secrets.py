"""Every keyring access in one place: the data key, session tokens, server passwords.

Secrets live in the operating system's keyring. A computer without one keeps them in a
workstation key file sealed with a passphrase (caseapp.workstation_keys), opened by a prompt at
start; clear-text keyrings are refused, and nothing is ever stored in clear.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from caseapp.audit_key import Checkpoint
from caseapp.services.errors import DomainError

if TYPE_CHECKING:
    from caseapp.workstation_keys import WorkstationKeys

SERVICE = "CaseApp"

KEYRING_HELP = (
    "CaseApp keeps its keys and log-in sessions in the operating system's keyring, and none is "
    "available on this computer{detail}. On Windows that is the Credential Manager, on macOS "
    "the Keychain, on Linux the Secret Service (GNOME Keyring or KWallet): install or unlock it, "
    "then try again, or start CaseApp where it can ask you for the passphrase of a "
    "workstation key file (a terminal or the window)."
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


_WORKSTATION: WorkstationKeys | None = None


def use_workstation_keys(keys: WorkstationKeys | None) -> None:
    """Keep this process's secrets in an opened workstation key file (None: the keyring)."""
    global _WORKSTATION
    _WORKSTATION = keys


def os_keyring_available() -> bool:
    """A secure OS keyring answers (a locked one may ask its owner to unlock it here)."""
    from keyring.errors import KeyringError

    try:
        backend = _os_backend()
        backend.get_password(SERVICE, "probe")  # type: ignore[attr-defined]
    except (KeyringUnavailable, KeyringError):
        return False
    return True


def workstation_file_needed() -> Path | None:
    """Where the workstation key file is (or will be) when this process must open one first."""
    if _WORKSTATION is not None or os_keyring_available():
        return None
    from caseapp.workstation_keys import default_path

    return default_path()


def unlock_workstation(passphrase: str, path: Path | None = None) -> WorkstationKeys:
    """Open the workstation key file with its passphrase, or make it on first use."""
    from caseapp.workstation_keys import WorkstationFileError, WorkstationKeys, default_path

    path = path or default_path()
    if not passphrase:
        raise KeyringUnavailable(KEYRING_HELP.format(detail=""))
    try:
        keys = (
            WorkstationKeys.open(path, passphrase)
            if path.exists()
            else WorkstationKeys.create(path, passphrase)
        )
    except WorkstationFileError as exc:
        raise KeyringUnavailable(str(exc)) from exc
    use_workstation_keys(keys)
    return keys


def _backend() -> object:
    if _WORKSTATION is not None:
        return _WORKSTATION
    return _os_backend()


def _os_backend() -> object:
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
