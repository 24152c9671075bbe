"""The log-in dialog shown at start: login and password, the service's sentence on refusal."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from caseapp.security import Actor
from caseapp.services import auth
from caseapp.services.context import ServiceContext
from caseapp.services.errors import DomainError
from caseapp.ui.widgets import error_line


class LoginDialog(QDialog):
    """Asks for login and password until auth.login accepts them or the user cancels.

    `ctx_factory` gives a (system) ServiceContext on the opened database; after `exec()`
    returns Accepted, `actor` is the logged-in staff member every service call acts as.
    A wrong password, a lockout or a disabled account shows the service's sentence in the
    dialog and clears the password; nothing else is revealed.
    """

    def __init__(
        self,
        ctx_factory: Callable[[], ServiceContext],
        parent: QWidget | None = None,
        *,
        login: str = "",
    ) -> None:
        super().__init__(parent)
        self._ctx_factory = ctx_factory
        self.actor: Actor | None = None
        self.setWindowTitle("Log in to CaseApp")
        self.login_edit = QLineEdit(login)
        self.login_edit.setObjectName("login")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = error_line()
        form = QFormLayout()
        form.addRow("&Login:", self.login_edit)
        form.addRow("&Password:", self.password_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Log in")
        self.buttons.accepted.connect(self.try_login)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        hint = self._demo_hint()
        if hint:
            self.hint = QLabel(hint)
            self.hint.setObjectName("demoHint")
            self.hint.setWordWrap(True)
            self.hint.setStyleSheet("QLabel { background: #eef6f8; padding: 6px; }")
            layout.addWidget(self.hint)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        (self.password_edit if login else self.login_edit).setFocus()

    def _demo_hint(self) -> str | None:
        from caseapp.services.demo import demo_login_hint

        try:
            return demo_login_hint(self._ctx_factory())
        except DomainError:
            return None

    def try_login(self) -> None:
        """One attempt (argon2 takes ~50 ms: fine on the UI thread, no worker needed)."""
        try:
            self.actor = auth.login(
                self._ctx_factory(), self.login_edit.text(), self.password_edit.text()
            )
        except DomainError as exc:
            self.message.setText(exc.message)
            self.message.show()
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        self.accept()


def ask_login(ctx: ServiceContext, parent: QWidget | None = None) -> Actor | None:
    """Show the dialog modally (the caller has made the QApplication); None when cancelled."""
    dialog = LoginDialog(lambda: ctx, parent)
    return dialog.actor if dialog.exec() == QDialog.DialogCode.Accepted else None
