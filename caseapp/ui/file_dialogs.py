"""The file choosers: they open in the folder the user last used, else in their Documents.

Never in the program's own folder (where a file saved would be lost at the next update). One
remembered folder for every chooser, kept in the per-user settings.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

LAST_FOLDER = "files/last_folder"


def documents_folder() -> str:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return found or str(Path.home())


def start_folder() -> str:
    """The last folder a file was chosen in, if it still exists; else Documents."""
    last = str(QSettings().value(LAST_FOLDER, "") or "")
    return last if last and Path(last).is_dir() else documents_folder()


def remember(chosen: Path) -> None:
    """Remember the folder of a chosen file (or a chosen folder) for the next chooser."""
    QSettings().setValue(LAST_FOLDER, str(chosen if chosen.is_dir() else chosen.parent))


def save_file(parent: QWidget | None, title: str, suggested: str, filters: str = "") -> Path | None:
    name, _ = QFileDialog.getSaveFileName(
        parent, title, str(Path(start_folder()) / suggested), filters
    )
    if not name:
        return None
    remember(Path(name))
    return Path(name)


def open_file(parent: QWidget | None, title: str, filters: str = "") -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, start_folder(), filters)
    if not name:
        return None
    remember(Path(name))
    return Path(name)


def choose_folder(parent: QWidget | None, title: str) -> Path | None:
    name = QFileDialog.getExistingDirectory(parent, title, start_folder())
    if not name:
        return None
    remember(Path(name))
    return Path(name)
