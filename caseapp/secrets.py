"""Every keyring access in one place: the data key, session tokens, server passwords.

Secrets live only in the operating system's keyring. When there is no usable keyring the user
gets a sentence saying how to get one; CaseApp never falls back to a file of its own.
"""

from __future__ import annotations

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
