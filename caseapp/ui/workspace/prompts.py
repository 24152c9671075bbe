"""Every modal question the workspace asks, behind one object that tests replace.

Modal dialogs (message boxes, QInputDialog, file choosers) block the event loop, so widgets never
call them directly: they ask `Prompts`, and tests pass a scripted stand-in.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from caseapp.services.errors import DomainError
from caseapp.ui.file_dialogs import open_file


def _show_error(parent: QWidget | None, exc: BaseException) -> None:
    """The app-wide error box when the window's `caseapp.ui.errors` exists, else a plain one."""
    try:
        from caseapp.ui.errors import show_error  # the main window's, built alongside
    except ImportError:
        text = exc.message if isinstance(exc, DomainError) else str(exc)
        QMessageBox.warning(parent, "CaseApp", text)
        return
    show_error(parent, exc)


class Prompts:
    """The real, modal implementations."""

    def show_error(self, parent: QWidget | None, exc: BaseException) -> None:
        _show_error(parent, exc)

    def ask_reason(self, parent: QWidget | None, title: str, label: str) -> str | None:
        """A reason typed by the user, or None when they cancel."""
        text, ok = QInputDialog.getMultiLineText(parent, title, label)
        return text if ok else None

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        answer = QMessageBox.question(parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def choose_file(self, parent: QWidget | None, title: str, filters: str = "") -> Path | None:
        return open_file(parent, title, filters)

    def open_path(self, path: Path) -> bool:
        """Open a file in the desktop's viewer for its type."""
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
