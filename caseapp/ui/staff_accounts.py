"""Staff accounts (admins): create, disable, enable, reset a password.

The one-time password shows once, inline, never in a log; a ValidationError shows under its
field and the input stays.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QItemSelection, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseapp.security import ADMIN, COORDINATOR, FACILITATOR, MANAGER
from caseapp.services import auth, staff
from caseapp.services.context import ServiceContext
from caseapp.services.staff import StaffRow
from caseapp.ui.roster_rows import inactive_colour, selected_row, when_text
from caseapp.ui.widgets import run_inline, show_inline, status_label
from caseapp.ui.worker import BackgroundOp
from caseapp.ui.workspace.forms import FieldErrors, add_row, button_row
from caseapp.ui.workspace.prompts import Prompts
from caseapp.ui.workspace.table import Column, RowTableModel, compact

ROLES = (FACILITATOR, COORDINATOR, MANAGER, ADMIN)
ROLE_HELP = {
    FACILITATOR: "works cases: records, eligibility, visa",
    COORDINATOR: "lodging, interpreters, bookings, documents",
    MANAGER: "everything in cases, reassigns owners, reports",
    ADMIN: "staff accounts and settings",
}
SECRET_STYLE = "background: #fff4d6; border: 1px solid #e0b84f; border-radius: 3px;"


class StaffTableModel(RowTableModel[StaffRow]):
    """Accounts; a lockout shows only while it lasts (`now` is the service clock's)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.now: datetime | None = None
        self.columns = (
            Column("Login", lambda r: r.login, lambda r: inactive_colour(r.active)),
            Column("Name", lambda r: r.full_name, lambda r: inactive_colour(r.active)),
            Column("Role", lambda r: r.role, lambda r: inactive_colour(r.active)),
            Column("E-mail", lambda r: r.email, lambda r: inactive_colour(r.active)),
            Column(
                "Active",
                lambda r: "yes" if r.active else "disabled",
                lambda r: inactive_colour(r.active),
            ),
            Column("Locked until", self.locked_text, lambda r: inactive_colour(r.active)),
        )

    def locked_text(self, row: StaffRow) -> str:
        if row.locked_until is None or (self.now is not None and row.locked_until <= self.now):
            return ""
        return when_text(row.locked_until)


class StaffPage(QWidget):
    """The account list with add, disable/enable and password reset (admins only)."""

    changed = Signal()

    def __init__(self, ctx: ServiceContext, prompts: Prompts) -> None:
        super().__init__()
        self.ctx = ctx
        self.prompts = prompts
        self.last_op: BackgroundOp | None = None
        self.field_errors = FieldErrors()
        self.model = StaffTableModel(self)
        self.view = compact(QTableView(), 1)
        self.view.setObjectName("staffTable")
        self.view.setModel(self.model)
        self.view.horizontalHeader().setStretchLastSection(True)  # fill the pane
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)

        self.disable_button = QPushButton("&Disable")
        self.disable_button.setToolTip("Stop the account logging in; its history stays")
        self.disable_button.clicked.connect(lambda: self.set_active(False))
        self.enable_button = QPushButton("&Enable")
        self.enable_button.setToolTip("Let the account log in again (also lifts a lockout)")
        self.enable_button.clicked.connect(lambda: self.set_active(True))
        self.reset_button = QPushButton("&Reset password…")
        self.reset_button.setToolTip("Give the person a one-time password to log in with")
        self.reset_button.clicked.connect(self.reset_password)

        self.secret_box = QFrame()
        self.secret_box.setObjectName("oneTimePassword")
        self.secret_box.setStyleSheet(f"QFrame#oneTimePassword {{ {SECRET_STYLE} }}")
        self.secret_label = QLabel()
        self.secret_label.setWordWrap(True)
        self.secret = QLineEdit()
        self.secret.setReadOnly(True)
        self.secret.setObjectName("secret")
        font = self.secret.font()
        font.setFamily("monospace")
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.secret.setFont(font)
        copy = QPushButton("Copy")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.secret.text()))
        done = QPushButton("Done")
        done.setToolTip("Hide the password; it is not shown again")
        done.clicked.connect(self.hide_secret)
        secret_layout = QVBoxLayout(self.secret_box)
        secret_layout.addWidget(self.secret_label)
        secret_row = QHBoxLayout()
        secret_row.addWidget(self.secret, 1)
        secret_row.addWidget(copy)
        secret_row.addWidget(done)
        secret_layout.addLayout(secret_row)
        self.secret_box.hide()

        new_box = QGroupBox("New account")
        form = QFormLayout(new_box)
        e = self.field_errors
        self.login = QLineEdit()
        self.login.setObjectName("login")
        self.login.setPlaceholderText("e.g. amy.chen")
        self.full_name = QLineEdit()
        self.full_name.setObjectName("full_name")
        self.role = QComboBox()
        for role in ROLES:
            self.role.addItem(f"{role} — {ROLE_HELP[role]}", role)
        self.email = QLineEdit()
        self.phone = QLineEdit()
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("empty: CaseApp makes a one-time password")
        add_row(form, "Login:", self.login, e, "login")
        add_row(form, "Full name:", self.full_name, e, "full_name")
        add_row(form, "Role:", self.role, e, "role")
        add_row(form, "E-mail:", self.email, e, "email")
        add_row(form, "Phone:", self.phone, e, "phone")
        add_row(form, "Initial password:", self.password, e, "password")
        self.add_button = QPushButton("&Add account")
        self.add_button.setObjectName("addAccount")
        self.add_button.clicked.connect(self.add_account)
        form.addRow("", button_row(self.add_button))

        self.status = status_label()
        left = QVBoxLayout()
        left.addWidget(self.view, 1)
        left.addLayout(button_row(self.disable_button, self.enable_button, self.reset_button))
        left.addWidget(self.secret_box)
        left.addWidget(self.field_errors.general())
        left.addWidget(self.status)
        right = QVBoxLayout()
        right.addWidget(new_box)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 5)
        layout.addLayout(right, 3)
        self.reload()

    def reload(self) -> None:
        self.model.now = self.ctx.now()
        self.model.set_rows(staff.list_staff(self.ctx))
        self._selection_changed()

    def selected(self) -> StaffRow | None:
        row = selected_row(self.view, self.model)  # type: ignore[arg-type]
        return row if isinstance(row, StaffRow) else None

    def select(self, login: str) -> None:
        for n, row in enumerate(self.model.rows):
            if row.login == login:
                self.view.selectRow(n)
                return

    def _selection_changed(self, *_args: QItemSelection) -> None:
        row = self.selected()
        self.disable_button.setEnabled(row is not None and row.active)
        self.enable_button.setEnabled(
            row is not None and (not row.active or bool(self.model.locked_text(row)))
        )
        self.reset_button.setEnabled(row is not None)
        if row is not None and row.login == self.ctx.actor.login:
            self.disable_button.setEnabled(False)
            self.disable_button.setToolTip("You cannot disable your own account.")
        else:
            self.disable_button.setToolTip("Stop the account logging in; its history stays")

    def _done(self, message: str, login: str) -> None:
        self.reload()
        self.select(login)
        self.field_errors.clear()
        self.status.setText(message)
        self.changed.emit()

    def set_active(self, active: bool) -> bool:
        row = self.selected()
        if row is None:
            return False
        self.status.clear()
        try:
            (auth.enable_staff if active else auth.disable_staff)(self.ctx, row.login)
        except Exception as exc:
            show_inline(self, self.field_errors, exc)
            return False
        self._done(
            f"{row.login} can log in again."
            if active
            else f"{row.login} is disabled and signed out; the history stays.",
            row.login,
        )
        return True

    def show_secret(self, login: str, password: str) -> None:
        """The one-time password, shown once: it is not stored anywhere readable."""
        self.secret_label.setText(
            f"One-time password for <b>{login}</b>. Hand it over in person or by phone; it is "
            "not shown again. They change it in Settings > My account."
        )
        self.secret.setText(password)
        self.secret_box.show()
        self.secret.selectAll()

    def hide_secret(self) -> None:
        self.secret.clear()
        self.secret_box.hide()

    def reset_password(self) -> BackgroundOp | None:
        row = self.selected()
        if row is None:
            return None
        if not self.prompts.confirm(
            self,
            "Reset password",
            f"Give {row.full_name} ({row.login}) a new one-time password? Their current "
            "password stops working and they are signed out everywhere.",
        ):
            return None
        self.hide_secret()
        self.status.clear()
        ctx, login = self.ctx, row.login

        def done(generated: str | None) -> None:
            self._done(f"Password of {login} reset.", login)
            if generated:
                self.show_secret(login, generated)

        self.last_op = run_inline(
            self,
            lambda: auth.reset_password(ctx, login),
            done,
            self.field_errors,
            (self.reset_button,),
        )
        return self.last_op

    def add_account(self) -> BackgroundOp:
        self.hide_secret()
        self.status.clear()
        ctx = self.ctx
        login, name = self.login.text().strip().lower(), self.full_name.text().strip()
        role, email, phone = str(self.role.currentData()), self.email.text(), self.phone.text()
        password = self.password.text() or None

        def work() -> tuple[StaffRow, str | None]:
            row = staff.create_staff(
                ctx, login, name, role, email=email, phone=phone, password=password
            )
            generated = None if password else auth.reset_password(ctx, row.login)
            return row, generated

        def done(result: tuple[StaffRow, str | None]) -> None:
            row, generated = result
            for w in (self.login, self.full_name, self.email, self.phone, self.password):
                w.clear()
            self._done(f"Account {row.login} ({row.role}) created.", row.login)
            if generated:
                self.show_secret(row.login, generated)

        self.last_op = run_inline(self, work, done, self.field_errors, (self.add_button,))
        return self.last_op
