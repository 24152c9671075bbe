"""The window's start on a computer without a keyring: the key file's passphrase dialog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from caseapp import secrets
from caseapp.ui.unlock import UnlockDialog

PASSPHRASE = "a long workstation passphrase"


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    secrets.use_workstation_keys(None)
    keyring.set_keyring(previous)


def test_first_start_makes_the_key_file_then_the_next_opens_it(
    qtbot: QtBot, tmp_path: Path, no_keyring: None
) -> None:
    path = tmp_path / "workstation-keys.json"
    dialog = UnlockDialog(path)
    qtbot.addWidget(dialog)
    assert dialog.creating and "no keyring" in dialog.explanation.text()
    dialog.passphrase.setText(PASSPHRASE)
    dialog.again.setText(PASSPHRASE + "x")
    dialog.try_unlock()
    assert "differ" in dialog.message.text() and dialog.passphrase.text() == ""
    dialog.passphrase.setText("short")
    dialog.again.setText("short")
    dialog.try_unlock()
    assert "at least 12 characters" in dialog.message.text() and not path.exists()
    dialog.passphrase.setText(PASSPHRASE)
    dialog.again.setText(PASSPHRASE)
    dialog.try_unlock()
    assert dialog.result() == QDialog.DialogCode.Accepted and path.exists()
    assert secrets.workstation_file_needed() is None
    secrets.set_secret("probe-secret", "kept")

    secrets.use_workstation_keys(None)  # CaseApp starts again
    again = UnlockDialog(path)
    qtbot.addWidget(again)
    assert not again.creating and not again.again.isVisible()
    again.passphrase.setText("not the passphrase")
    again.try_unlock()
    assert again.message.text() == "The passphrase does not open this workstation's key file."
    again.passphrase.setText(PASSPHRASE)
    again.try_unlock()
    assert again.result() == QDialog.DialogCode.Accepted
    assert secrets.get_secret("probe-secret") == "kept"
