"""What every Settings page shares: a heading, its form, an error line and a status line."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QVBoxLayout,
    QWidget,
)

from caseapp.ui.file_dialogs import save_file
from caseapp.ui.widgets import heading, status_label
from caseapp.ui.worker import BackgroundOp
from caseapp.ui.workspace.forms import FieldErrors
from caseapp.ui.workspace.prompts import Prompts


class SettingsPrompts(Prompts):
    """The modal file choosers the settings pages use (tests pass a scripted stand-in)."""

    def choose_save_file(
        self, parent: QWidget | None, title: str, suggested: str, filters: str = ""
    ) -> Path | None:
        return save_file(parent, title, suggested, filters)


class SettingsPage(QWidget):
    """A settings page: a heading, its form, a general error line and a status line."""

    title = ""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field_errors = FieldErrors()
        self.status = status_label()
        self.last_op: BackgroundOp | None = None
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(16, 8, 16, 8)
        self.body.addWidget(heading(title))

    def finish(self) -> None:
        """Add the general error and status lines at the bottom."""
        self.body.addStretch(1)
        self.body.addWidget(self.field_errors.general())
        self.body.addWidget(self.status)

    def say(self, text: str) -> None:
        self.field_errors.clear()
        self.status.setText(text)
