"""Without an OS keyring: secrets in a workstation key file sealed with a passphrase."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from caseapp import secrets
from caseapp.db import open_database
from caseapp.secrets import KeyringUnavailable, data_key_name
from caseapp.security import DataKey, export_key_file
from caseapp.workstation_keys import WorkstationFileError, WorkstationKeys

PASSPHRASE = "a long workstation passphrase"


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """A computer with no keyring at all (keyring's own 'fail' backend)."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    secrets.use_workstation_keys(None)
    keyring.set_keyring(previous)


def test_the_file_round_trips_and_never_holds_a_secret_in_clear(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    keys = WorkstationKeys.create(path, PASSPHRASE)
    keys.set_password("CaseApp", "data-key:abc", "SECRET-VALUE-123")
    raw = path.read_bytes()
    assert b"SECRET-VALUE-123" not in raw and b"data-key" not in raw
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = WorkstationKeys.open(path, PASSPHRASE)
    assert again.get_password("CaseApp", "data-key:abc") == "SECRET-VALUE-123"
    again.delete_password("CaseApp", "data-key:abc")
    assert WorkstationKeys.open(path, PASSPHRASE).get_password("CaseApp", "data-key:abc") is None
    with pytest.raises(WorkstationFileError, match="passphrase does not open"):
        WorkstationKeys.open(path, "not the passphrase at all")
    with pytest.raises(WorkstationFileError, match="at least 12 characters"):
        WorkstationKeys.create(tmp_path / "other.json", "short")
    (tmp_path / "junk.json").write_text("{}")
    with pytest.raises(WorkstationFileError, match="is not a CaseApp workstation key file"):
        WorkstationKeys.open(tmp_path / "junk.json", PASSPHRASE)


def test_two_processes_writing_keep_each_others_secrets(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    WorkstationKeys.create(path, PASSPHRASE)
    window, terminal = (
        WorkstationKeys.open(path, PASSPHRASE),
        WorkstationKeys.open(path, PASSPHRASE),
    )
    window.set_password("CaseApp", "audit-checkpoint:x", "1")
    terminal.set_password("CaseApp", "session:x", "token")  # `caseapp login` meanwhile
    assert window.get_password("CaseApp", "session:x") == "token"
    fresh = WorkstationKeys.open(path, PASSPHRASE)
    assert fresh.get_password("CaseApp", "audit-checkpoint:x") == "1"


def test_the_same_sealing_as_key_export(tmp_path: Path) -> None:
    WorkstationKeys.create(tmp_path / "keys.json", PASSPHRASE)
    workstation = json.loads((tmp_path / "keys.json").read_text())
    export = json.loads(export_key_file(DataKey.generate(), "db", PASSPHRASE))
    for doc in (workstation, export):
        assert doc["cipher"] == "AES-256-GCM" and doc["kdf"]["name"] == "scrypt"
    assert {k: v for k, v in workstation["kdf"].items() if k != "salt"} == {
        k: v for k, v in export["kdf"].items() if k != "salt"
    }


def test_without_a_keyring_the_database_opens_through_the_key_file(
    no_keyring: None, tmp_path: Path
) -> None:
    assert not secrets.os_keyring_available()
    assert secrets.workstation_file_needed() is not None
    with pytest.raises(KeyringUnavailable):
        open_database(f"sqlite:///{tmp_path / 'a.sqlite3'}")  # locked: nothing is stored
    with pytest.raises(KeyringUnavailable, match="none is available"):
        secrets.unlock_workstation("", tmp_path / "keys.json")
    secrets.unlock_workstation(PASSPHRASE, tmp_path / "keys.json")
    assert secrets.workstation_file_needed() is None
    db = open_database(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    stored = secrets.get_secret(data_key_name(db.identity))
    db.engine.dispose()
    assert stored and stored.encode() not in (tmp_path / "keys.json").read_bytes()

    secrets.use_workstation_keys(None)  # the next start: the same passphrase opens it again
    with pytest.raises(KeyringUnavailable, match="passphrase does not open"):
        secrets.unlock_workstation("the wrong passphrase", tmp_path / "keys.json")
    secrets.unlock_workstation(PASSPHRASE, tmp_path / "keys.json")
    open_database(f"sqlite:///{tmp_path / 'b.sqlite3'}").engine.dispose()


def test_a_clear_text_keyring_is_still_refused() -> None:
    from keyring.backends.null import Keyring as NullKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(NullKeyring())
    try:
        assert not secrets.os_keyring_available()
        with pytest.raises(KeyringUnavailable, match="not secure"):
            secrets.get_secret("anything")
    finally:
        keyring.set_keyring(previous)
