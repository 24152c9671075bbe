"""A workstation key file for computers without an OS keyring, as password managers do it.

Every secret CaseApp would keep in the keyring (data and audit keys, sessions, checkpoints,
the server password) is kept in one file sealed with a passphrase (caseapp.sealing, the same
scheme as `caseapp key export`), opened by a prompt when CaseApp starts. Never in clear: the
file holds only ciphertext, is written mode 0600 and replaced atomically.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from caseapp.private_files import create_private
from caseapp.sealing import Sealer, SealError

FILE_FORMAT = "caseapp-workstation-keys"
MIN_PASSPHRASE_LENGTH = 12
_AAD = FILE_FORMAT.encode()


class WorkstationFileError(ValueError):
    """The file is not a workstation key file, or the passphrase does not open it."""


def default_path() -> Path:
    """Beside the embedded database, in the user's data folder."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("CaseApp", "CaseApp")) / "workstation-keys.json"


class WorkstationKeys:
    """The opened file: reads from memory, writes seal the whole set again to disk.

    It answers like a keyring backend (get/set/delete_password), so caseapp.secrets uses it
    in the keyring's place.
    """

    def __init__(self, path: Path, sealer: Sealer, secrets: dict[str, str]) -> None:
        self.path, self._sealer, self._secrets = path, sealer, secrets
        self._lock = threading.Lock()

    @classmethod
    def create(cls, path: Path, passphrase: str) -> WorkstationKeys:
        if len(passphrase) < MIN_PASSPHRASE_LENGTH:
            raise WorkstationFileError(
                f"The passphrase for this workstation's key file needs at least "
                f"{MIN_PASSPHRASE_LENGTH} characters."
            )
        if path.exists():
            raise WorkstationFileError(f"{path} exists already: open it with its passphrase.")
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = cls(path, Sealer.new(passphrase), {})
        keys._write()
        return keys

    @classmethod
    def open(cls, path: Path, passphrase: str) -> WorkstationKeys:
        try:
            doc = json.loads(path.read_bytes().decode("utf-8"))
            if doc.get("format") != FILE_FORMAT or doc.get("version") != 1:
                raise ValueError
            sealer, plain = Sealer.open(doc, passphrase, _AAD)
            secrets = json.loads(plain.decode("utf-8"))
            if not isinstance(secrets, dict):
                raise ValueError
        except SealError as exc:
            if exc.wrong_passphrase:
                raise WorkstationFileError(
                    "The passphrase does not open this workstation's key file."
                ) from exc
            raise WorkstationFileError(f"{path} is not a CaseApp workstation key file.") from exc
        except (ValueError, AttributeError, UnicodeDecodeError) as exc:
            raise WorkstationFileError(f"{path} is not a CaseApp workstation key file.") from exc
        return cls(path, sealer, {str(k): str(v) for k, v in secrets.items()})

    def _write(self) -> None:
        plain = json.dumps(self._secrets, sort_keys=True).encode("utf-8")
        doc = {"format": FILE_FORMAT, "version": 1, **self._sealer.seal(plain, _AAD)}
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.new")
        with create_private(temporary) as out:
            out.write((json.dumps(doc, indent=1) + "\n").encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)

    def _reload(self) -> None:
        """What other CaseApp processes on this computer wrote since (a login, a checkpoint)."""
        try:
            doc = json.loads(self.path.read_bytes().decode("utf-8"))
            secrets = json.loads(self._sealer.reopen(doc, _AAD).decode("utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return  # gone or replaced: keep what this process holds, the next write restores it
        if isinstance(secrets, dict):
            self._secrets = {str(k): str(v) for k, v in secrets.items()}

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """One writer at a time across processes: read, change, seal, replace."""
        with self._lock, open(self.path.with_name(f".{self.path.name}.lock"), "a+b") as handle:
            if sys.platform == "win32":
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            self._reload()
            yield

    # ---- what a keyring backend answers ------------------------------------------------------

    def get_password(self, service: str, name: str) -> str | None:
        with self._lock:
            self._reload()
            return self._secrets.get(f"{service}/{name}")

    def set_password(self, service: str, name: str, value: str) -> None:
        with self._exclusive():
            self._secrets[f"{service}/{name}"] = value
            self._write()

    def delete_password(self, service: str, name: str) -> None:
        with self._exclusive():
            if self._secrets.pop(f"{service}/{name}", None) is not None:
                self._write()
