"""A form dialog that saves through a service on OK and stays open, input intact, on an error.

Shown with `open()` (window-modal, not blocking) so tests drive it like a user.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QVBoxLayout, QWidget

from caseapp.services.errors import DomainError
from caseapp.ui.workspace.forms import FieldErrors


class FormDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.errors = FieldErrors()
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.errors.general())
        layout.addWidget(self.buttons)
        self.submit: Callable[[], object] = lambda: None
        self.setMinimumWidth(460)

    def accept(self) -> None:
        """Save first; close only when the service accepted."""
        self.errors.clear()
        try:
            self.submit()
        except DomainError as exc:
            self.errors.show(exc)
            return
        super().accept()
