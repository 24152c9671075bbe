"""File choosers open in the last folder used, else in Documents — never the program's folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog

from caseapp.ui import file_dialogs


def test_first_chooser_opens_in_documents_then_in_the_last_folder_used(
    settings: QSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    target = tmp_path / "out" / "packet.pdf"
    target.parent.mkdir()

    def fake_save(_parent, _title, start, _filters):  # type: ignore[no-untyped-def]
        seen.append(start)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_save)
    assert file_dialogs.save_file(None, "Save PDF", "packet.pdf") == target
    assert seen[0] == str(Path(file_dialogs.documents_folder()) / "packet.pdf")
    file_dialogs.save_file(None, "Save PDF", "letter.pdf")
    assert seen[1] == str(target.parent / "letter.pdf")  # remembered


def test_a_remembered_folder_that_is_gone_falls_back_to_documents(
    settings: QSettings, tmp_path: Path
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    file_dialogs.remember(gone)
    assert file_dialogs.start_folder() == str(gone)
    gone.rmdir()
    assert file_dialogs.start_folder() == file_dialogs.documents_folder()


def test_cancel_remembers_nothing(settings: QSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: ("", ""))
    assert file_dialogs.open_file(None, "Attach") is None
    assert file_dialogs.start_folder() == file_dialogs.documents_folder()
