"""Settings page: my account (change my password)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
)

from caseapp.services import auth
from caseapp.services.context import ServiceContext
from caseapp.services.errors import ValidationError
from caseapp.ui.settings.page import SettingsPage
from caseapp.ui.widgets import (
    note,
    run_inline,
)
from caseapp.ui.worker import BackgroundOp
from caseapp.ui.workspace.forms import add_row, button_row


class AccountPage(SettingsPage):
    """The logged-in person changes their own password."""

    title = "My account"

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__("My account")
        self.ctx = ctx
        actor = ctx.actor
        who = QLabel(f"Signed in as <b>{actor.full_name or actor.login}</b> "
                     f"({actor.login}, {actor.role}).")  # fmt: skip
        self.body.addWidget(who)
        box = QGroupBox("Change my password")
        form = QFormLayout(box)
        e = self.field_errors
        self.old = QLineEdit()
        self.old.setObjectName("old")
        self.new = QLineEdit()
        self.new.setObjectName("new")
        self.new.setPlaceholderText(f"at least {auth.MIN_PASSWORD_LENGTH} characters")
        self.new2 = QLineEdit()
        self.new2.setObjectName("new2")
        for w in (self.old, self.new, self.new2):
            w.setEchoMode(QLineEdit.EchoMode.Password)
        add_row(form, "Current password:", self.old, e, "old")
        add_row(form, "New password:", self.new, e, "new", "password")
        add_row(form, "Repeat new password:", self.new2, e, "new2")
        self.change_button = QPushButton("&Change password")
        self.change_button.setObjectName("changePassword")
        self.change_button.clicked.connect(self.change_password)
        form.addRow("", button_row(self.change_button))
        self.body.addWidget(box)
        self.body.addWidget(
            note("Other sessions keep working; an administrator can reset a forgotten password.")
        )
        self.finish()
        if actor.id is None:
            box.setEnabled(False)
            box.setToolTip("CaseApp's system account has no password.")

    def change_password(self) -> BackgroundOp | None:
        old, new = self.old.text(), self.new.text()
        self.status.clear()
        if new != self.new2.text():
            self.field_errors.show(
                ValidationError("The two new passwords differ: type the same one twice.", "new2")
            )
            return None
        ctx = self.ctx

        def done(_none: None) -> None:
            for w in (self.old, self.new, self.new2):
                w.clear()
            self.say("Password changed. Use the new one from your next log-in.")

        self.last_op = run_inline(
            self,
            lambda: auth.change_password(ctx, old, new),
            done,
            self.field_errors,
            (self.change_button,),
        )
        return self.last_op
