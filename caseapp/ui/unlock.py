"""At start on a computer without a keyring: the workstation key file's passphrase.

The first time it makes the file (passphrase twice); after that it opens it. The sentence of a
refusal (wrong or short passphrase) stays in the dialog; Cancel closes CaseApp.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from caseapp.secrets import unlock_workstation, workstation_file_needed
from caseapp.services.errors import DomainError
from caseapp.ui.widgets import error_line
from caseapp.workstation_keys import MIN_PASSPHRASE_LENGTH


class UnlockDialog(QDialog):
    """Asks for the passphrase until the key file opens (or is made) or the user cancels."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.creating = not path.exists()
        self.setWindowTitle("Unlock CaseApp on this computer")
        if self.creating:
            text = (
                "This computer has no keyring for CaseApp's keys. CaseApp keeps them in a key "
                f"file sealed with a passphrase you choose ({MIN_PASSPHRASE_LENGTH} or more "
                f"characters), asked each time CaseApp starts:\n{path}"
            )
        else:
            text = f"Enter the passphrase of this computer's CaseApp key file:\n{path}"
        self.explanation = QLabel(text)
        self.explanation.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setObjectName("again")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = error_line()
        form = QFormLayout()
        form.addRow("&Passphrase:", self.passphrase)
        if self.creating:
            form.addRow("&Again:", self.again)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Create key file" if self.creating else "Unlock")
        self.buttons.accepted.connect(self.try_unlock)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.passphrase.setFocus()

    def _refuse(self, sentence: str) -> None:
        self.message.setText(sentence)
        self.message.show()
        self.passphrase.clear()
        self.again.clear()
        self.passphrase.setFocus()

    def try_unlock(self) -> None:
        """scrypt takes a moment by design; once per start, on the UI thread."""
        passphrase = self.passphrase.text()
        if self.creating and passphrase != self.again.text():
            self._refuse("The two passphrases differ; type them again.")
            return
        if not passphrase:
            self._refuse("Enter the passphrase.")
            return
        try:
            unlock_workstation(passphrase, self.path)
        except DomainError as exc:
            self._refuse(exc.message)
            return
        self.accept()


def ask_workstation_passphrase(parent: QWidget | None = None) -> bool:
    """True when secrets can be kept (a keyring, or the key file now open); False: cancelled."""
    path = workstation_file_needed()
    if path is None:
        return True
    return UnlockDialog(path, parent).exec() == QDialog.DialogCode.Accepted
