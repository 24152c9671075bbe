"""Staff accounts (admins) and the interpreter roster (coordinators, managers, admins).

Accounts: create, disable, enable, reset a password (the one-time password shows once, inline,
never in a log). Interpreters: add, correct, take off or back on the roster. Every change goes
through a service; a ValidationError shows under its field and the input stays.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from caseapp.security import ADMIN, COORDINATOR, FACILITATOR, MANAGER
from caseapp.services import auth, staff
from caseapp.services import interpreters as interp
from caseapp.services.context import ServiceContext
from caseapp.services.errors import DomainError
from caseapp.services.interpreters import InterpreterInput, InterpreterRow
from caseapp.services.staff import StaffRow
from caseapp.ui.widgets import note, run_inline, show_inline, status_label
from caseapp.ui.worker import BackgroundOp
from caseapp.ui.workspace.forms import FieldErrors, add_row, button_row, refusal
from caseapp.ui.workspace.palette import GREY
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


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def _inactive(active: bool) -> QColor | None:
    return None if active else GREY


class StaffTableModel(RowTableModel[StaffRow]):
    """Accounts; a lockout shows only while it lasts (`now` is the service clock's)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.now: datetime | None = None
        self.columns = (
            Column("Login", lambda r: r.login, lambda r: _inactive(r.active)),
            Column("Name", lambda r: r.full_name, lambda r: _inactive(r.active)),
            Column("Role", lambda r: r.role, lambda r: _inactive(r.active)),
            Column("E-mail", lambda r: r.email, lambda r: _inactive(r.active)),
            Column(
                "Active", lambda r: "yes" if r.active else "disabled", lambda r: _inactive(r.active)
            ),
            Column("Locked until", self.locked_text, lambda r: _inactive(r.active)),
        )

    def locked_text(self, row: StaffRow) -> str:
        if row.locked_until is None or (self.now is not None and row.locked_until <= self.now):
            return ""
        return _when(row.locked_until)


class InterpreterTableModel(RowTableModel[InterpreterRow]):
    columns = (
        Column("Name", lambda r: r.name, lambda r: _inactive(r.active)),
        Column("中文名", lambda r: r.name_zh, lambda r: _inactive(r.active)),
        Column("Languages", lambda r: ", ".join(r.languages), lambda r: _inactive(r.active)),
        Column(
            "Certified",
            lambda r: "medical" if r.medical_certified else "",
            lambda r: _inactive(r.active),
        ),
        Column(
            "CNY/h",
            lambda r: f"{r.hourly_rate_cny:.0f}",
            lambda r: _inactive(r.active),
            align_right=True,
        ),
        Column("Phone", lambda r: r.phone, lambda r: _inactive(r.active)),
        Column("E-mail", lambda r: r.email, lambda r: _inactive(r.active)),
        Column("City", lambda r: r.city, lambda r: _inactive(r.active)),
        Column(
            "Active", lambda r: "yes" if r.active else "off roster", lambda r: _inactive(r.active)
        ),
    )


def _selected(view: QTableView, model: RowTableModel[object]) -> object | None:
    rows = view.selectionModel().selectedRows()
    return model.row_at(rows[0]) if rows else None


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
        row = _selected(self.view, self.model)  # type: ignore[arg-type]
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


class InterpreterPage(QWidget):
    """The roster: select a row to correct it, or start a new entry; take people off it."""

    changed = Signal()

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.field_errors = FieldErrors()
        self.editing: int | None = None
        self.model = InterpreterTableModel(self)
        self.view = compact(QTableView(), 2)
        self.view.setObjectName("interpreterTable")
        self.view.setModel(self.model)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)

        self.form_box = QGroupBox("New interpreter")
        form = QFormLayout(self.form_box)
        e = self.field_errors
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.name_zh = QLineEdit()
        self.languages = QLineEdit()
        self.languages.setObjectName("languages")
        self.languages.setPlaceholderText("comma-separated, e.g. Arabic, English")
        self.certified = QCheckBox("Medically certified")
        self.rate = QLineEdit("0")
        self.rate.setObjectName("hourly_rate_cny")
        self.rate.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.rate.setMaximumWidth(self.rate.fontMetrics().horizontalAdvance("0000000.00") + 16)
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.city = QLineEdit()
        add_row(form, "Name:", self.name, e, "name")
        add_row(form, "Chinese name:", self.name_zh, e, "name_zh")
        add_row(form, "Languages:", self.languages, e, "languages")
        form.addRow("", self.certified)
        add_row(form, "Rate (CNY/h):", self.rate, e, "hourly_rate_cny")
        add_row(form, "Phone:", self.phone, e, "phone")
        add_row(form, "E-mail:", self.email, e, "email")
        add_row(form, "City:", self.city, e, "city")
        self.save_button = QPushButton("&Save")
        self.save_button.setObjectName("saveInterpreter")
        self.save_button.clicked.connect(self.save)
        self.new_button = QPushButton("&New")
        self.new_button.setToolTip("Empty the form for a new interpreter")
        self.new_button.clicked.connect(self.start_new)
        form.addRow("", button_row(self.save_button, self.new_button))

        self.active_button = QPushButton("Take off roster")
        self.active_button.setObjectName("toggleActive")
        self.active_button.clicked.connect(self.toggle_active)
        self.status = status_label()
        left = QVBoxLayout()
        left.addWidget(self.view, 1)
        left.addLayout(button_row(self.active_button))
        left.addWidget(
            note(
                "Interpreters off the roster are no longer suggested for appointments; their "
                "past bookings stay."
            )
        )
        right = QVBoxLayout()
        right.addWidget(self.form_box)
        right.addWidget(self.field_errors.general())
        right.addWidget(self.status)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)
        self.reload()

    def reload(self) -> None:
        self.model.set_rows(interp.list_interpreters(self.ctx))
        self._selection_changed()

    def selected(self) -> InterpreterRow | None:
        row = _selected(self.view, self.model)  # type: ignore[arg-type]
        return row if isinstance(row, InterpreterRow) else None

    def select(self, interpreter_id: int) -> None:
        for n, row in enumerate(self.model.rows):
            if row.id == interpreter_id:
                self.view.selectRow(n)
                return

    def _selection_changed(self, *_args: QItemSelection) -> None:
        row = self.selected()
        self.active_button.setEnabled(row is not None)
        self.active_button.setText(
            "Put back on roster" if row is not None and not row.active else "Take off roster"
        )
        if row is not None:
            self.show_row(row)

    def show_row(self, row: InterpreterRow) -> None:
        self.editing = row.id
        self.form_box.setTitle(f"Edit {row.name}")
        self.name.setText(row.name)
        self.name_zh.setText(row.name_zh)
        self.languages.setText(", ".join(row.languages))
        self.certified.setChecked(row.medical_certified)
        self.rate.setText(f"{row.hourly_rate_cny:.2f}")
        self.phone.setText(row.phone)
        self.email.setText(row.email)
        self.city.setText(row.city)
        self.field_errors.clear()

    def start_new(self) -> None:
        self.view.clearSelection()
        self.editing = None
        self.form_box.setTitle("New interpreter")
        for w in (self.name, self.name_zh, self.languages, self.phone, self.email, self.city):
            w.clear()
        self.rate.setText("0")
        self.certified.setChecked(False)
        self.field_errors.clear()
        self.status.clear()
        self.name.setFocus()

    def data(self) -> InterpreterInput:
        return InterpreterInput(
            name=self.name.text(),
            languages=tuple(part.strip() for part in self.languages.text().split(",")),
            name_zh=self.name_zh.text(),
            medical_certified=self.certified.isChecked(),
            hourly_rate_cny=self.rate.text().strip().replace(",", "") or "0",
            phone=self.phone.text(),
            email=self.email.text(),
            city=self.city.text(),
        )

    def save(self) -> InterpreterRow | None:
        self.status.clear()
        try:
            if self.editing is None:
                row = interp.add_interpreter(self.ctx, self.data())
            else:
                row = interp.update_interpreter(self.ctx, self.editing, self.data())
        except Exception as exc:
            show_inline(self, self.field_errors, exc)
            return None
        added = self.editing is None
        self.reload()
        self.select(row.id)
        self.status.setText(f"{row.name} {'added to' if added else 'saved in'} the roster.")
        self.changed.emit()
        return row

    def toggle_active(self) -> InterpreterRow | None:
        current = self.selected()
        if current is None:
            return None
        self.status.clear()
        try:
            row = interp.set_interpreter_active(self.ctx, current.id, not current.active)
        except Exception as exc:
            show_inline(self, self.field_errors, exc)
            return None
        self.reload()
        self.select(row.id)
        self.status.setText(
            f"{row.name} is back on the roster."
            if row.active
            else f"{row.name} is off the roster and no longer suggested."
        )
        self.changed.emit()
        return row


class StaffAdminDialog(QDialog):
    """Staff accounts (tab for admins) and interpreters (tab for those who manage the roster)."""

    def __init__(
        self, ctx: ServiceContext, parent: QWidget | None = None, *, prompts: Prompts | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("staffAdminDialog")
        self.setWindowTitle("Staff and interpreters")
        self.ctx = ctx
        self.tabs = QTabWidget()
        self.staff_page: StaffPage | None = None
        self.interpreter_page: InterpreterPage | None = None
        prompts = prompts or Prompts()
        for action, title, build in (
            ("staff.manage", "Staff accounts", lambda: StaffPage(ctx, prompts)),
            ("interpreters.manage", "Interpreters", lambda: InterpreterPage(ctx)),
        ):
            why = refusal(ctx.actor, action)
            page: QWidget
            try:
                page = QLabel(why) if why else build()
            except DomainError as exc:
                page, why = QLabel(exc.message), exc.message
            index = self.tabs.addTab(page, title)
            if why:
                self.tabs.setTabEnabled(index, False)
                self.tabs.setTabToolTip(index, why)
            elif isinstance(page, StaffPage):
                self.staff_page = page
            elif isinstance(page, InterpreterPage):
                self.interpreter_page = page
        for index in range(self.tabs.count()):
            if self.tabs.isTabEnabled(index):
                self.tabs.setCurrentIndex(index)
                break
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(1240, 640)
