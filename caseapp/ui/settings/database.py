"""Settings page: which database this workstation uses (embedded SQLite or the office server)."""

from __future__ import annotations

import os
from urllib.parse import unquote, urlsplit

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from caseapp.services import first_run
from caseapp.ui.settings.page import SettingsPage, SettingsPrompts
from caseapp.ui.widgets import (
    NOTE_STYLE,
    OK_STYLE,
    banner,
    hide_password,
    note,
    run_inline,
    show_inline,
)
from caseapp.ui.worker import BackgroundOp
from caseapp.ui.workspace.forms import add_row, button_row


def choice_from_url(url: str) -> first_run.DatabaseChoice | None:
    """The database choice a URL stands for (when no choice was saved on this computer)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        return first_run.DatabaseChoice("sqlite", path)
    if parts.scheme.startswith("postgresql"):
        return first_run.DatabaseChoice(
            "postgresql",
            host=parts.hostname or "",
            port=parts.port or 5432,
            database=parts.path.lstrip("/") or "caseapp",
            user=unquote(parts.username or "caseapp"),
        )
    return None


class DatabasePage(SettingsPage):
    """Where this computer's CaseApp keeps its data: a local file or the office server."""

    title = "Database"

    def __init__(self, db_url: str, prompts: SettingsPrompts) -> None:
        super().__init__("Database")
        self.db_url = hide_password(db_url)
        self.prompts = prompts
        in_use = QLabel(f"In use now: <b>{self.db_url or 'unknown'}</b>")
        in_use.setObjectName("inUse")
        in_use.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        in_use.setWordWrap(True)
        self.body.addWidget(in_use)
        if os.environ.get("CASEAPP_DB"):
            self.body.addWidget(
                banner(
                    "CASEAPP_DB is set in this computer's environment: it wins over the choice "
                    "below until it is removed."
                )
            )
        self.body.addWidget(
            note(
                "The choice is kept for your account on this computer. The server password "
                "goes to the keyring, never into a file. CaseApp uses a new choice after a "
                "restart."
            )
        )
        self.local = QRadioButton("&This computer (a database file, nothing to install)")
        self.server = QRadioButton("&Office server (PostgreSQL, shared by every workstation)")
        group = QButtonGroup(self)
        group.addButton(self.local)
        group.addButton(self.server)
        e = self.field_errors

        self.path = QLineEdit()
        self.path.setObjectName("sqlite_path")
        self.browse = QPushButton("&Browse…")
        self.browse.clicked.connect(self.choose_file)
        path_box = QWidget()
        path_row = QHBoxLayout(path_box)
        path_row.setContentsMargins(0, 0, 0, 0)
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.browse)
        self.local_box = QWidget()
        local_form = QFormLayout(self.local_box)
        local_form.setContentsMargins(24, 0, 0, 8)
        add_row(local_form, "Database file:", path_box, e, "sqlite_path")

        self.host = QLineEdit()
        self.host.setObjectName("host")
        self.host.setPlaceholderText("e.g. caseapp-server.office.lan")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.port.setMaximumWidth(self.port.fontMetrics().horizontalAdvance("65535") + 48)
        self.database = QLineEdit("caseapp")
        self.user = QLineEdit("caseapp")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.server_box = QWidget()
        server_form = QFormLayout(self.server_box)
        server_form.setContentsMargins(24, 0, 0, 0)
        add_row(server_form, "Server:", self.host, e, "host")
        add_row(server_form, "Port:", self.port, e, "port")
        add_row(server_form, "Database:", self.database, e, "database")
        add_row(server_form, "User:", self.user, e, "user")
        add_row(server_form, "Password:", self.password, e, "password")

        self.body.addWidget(self.local)
        self.body.addWidget(self.local_box)
        self.body.addWidget(self.server)
        self.body.addWidget(self.server_box)
        self.test_button = QPushButton("&Test connection")
        self.test_button.setObjectName("testConnection")
        self.test_button.clicked.connect(self.test_connection)
        self.save_button = QPushButton("&Save for next start")
        self.save_button.setObjectName("saveDatabase")
        self.save_button.clicked.connect(self.save)
        self.body.addLayout(button_row(self.test_button, self.save_button))
        self.finish()
        self.local.toggled.connect(self._kind_changed)
        choice = first_run.load_database_choice() or choice_from_url(db_url)
        self.show_choice(choice or first_run.DatabaseChoice())

    def show_choice(self, choice: first_run.DatabaseChoice) -> None:
        (self.local if choice.kind == "sqlite" else self.server).setChecked(True)
        if choice.kind == "sqlite":
            self.path.setText(choice.sqlite_path)
        else:
            self.host.setText(choice.host)
            self.port.setValue(choice.port)
            self.database.setText(choice.database)
            self.user.setText(choice.user)
            self.password.setPlaceholderText("unchanged (kept in the keyring)")
        self._kind_changed()

    def _kind_changed(self) -> None:
        self.local_box.setEnabled(self.local.isChecked())
        self.server_box.setEnabled(self.server.isChecked())
        self.field_errors.clear()

    def choose_file(self) -> None:
        path = self.prompts.choose_save_file(
            self, "Database file", self.path.text(), "CaseApp database (*.sqlite3)"
        )
        if path is not None:
            self.path.setText(str(path))

    def choice(self) -> first_run.DatabaseChoice:
        if self.local.isChecked():
            return first_run.DatabaseChoice("sqlite", self.path.text().strip())
        return first_run.DatabaseChoice(
            "postgresql",
            host=self.host.text().strip(),
            port=self.port.value(),
            database=self.database.text().strip(),
            user=self.user.text().strip(),
        )

    def test_connection(self) -> BackgroundOp:
        choice, password = self.choice(), self.password.text()
        self.status.setText("Connecting…")
        self.status.setStyleSheet(NOTE_STYLE)

        def done(sentence: str) -> None:
            self.status.setStyleSheet(OK_STYLE)
            self.say(sentence)

        self.last_op = run_inline(
            self,
            lambda: first_run.check_connection(choice, password),
            done,
            self.field_errors,
            (self.test_button, self.save_button),
        )
        self.last_op.finished.connect(self._connecting_over)
        return self.last_op

    def _connecting_over(self) -> None:
        if self.status.text() == "Connecting…":  # it failed: the error says why
            self.status.clear()

    def save(self) -> bool:
        choice, password = self.choice(), self.password.text()
        try:
            first_run.validate_database(choice)
            if choice.kind == "postgresql" and password:
                first_run.store_server_password(choice, password)
            path = first_run.save_database_choice(choice)
        except Exception as exc:
            self.status.clear()
            show_inline(self, self.field_errors, exc)
            return False
        self.password.clear()
        where = "this computer's file" if choice.kind == "sqlite" else "the office server"
        self.status.setStyleSheet(OK_STYLE)
        self.say(
            f"Saved in {path}. Restart CaseApp to work with {where}; until then it keeps "
            "using the database in use now."
        )
        return True
