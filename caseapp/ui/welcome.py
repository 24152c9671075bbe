"""First-run welcome wizard: where the data lives, the first admin, the letterhead, demo data.

Shown when the database has no staff. The pages collect and check answers (the service's own
validation, shown inline); Finish hands them to `caseapp.services.first_run`, which does the
work in a background thread with a progress dialog. Every answer can be changed later.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from caseapp.paths import resource_path
from caseapp.services import first_run
from caseapp.services.errors import DomainError, ValidationError
from caseapp.services.settings import PAGE_SIZES, AgencySettings
from caseapp.ui.file_dialogs import open_file
from caseapp.ui.worker import BackgroundOp

Opener = Callable[[str], Any]


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error")
    label.setWordWrap(True)
    label.setStyleSheet("color: #b91c1c; font-weight: 600;")
    label.hide()
    return label


class _Page(QWizardPage):
    """A page that checks its answers with a service rule and shows the sentence inline."""

    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.error = _error_label()
        self.fields: dict[str, QWidget] = {}

    def show_error(self, exc: DomainError) -> None:
        self.error.setText(exc.message)
        self.error.show()
        widget = self.fields.get(getattr(exc, "field", "") or "")
        if widget is not None:
            widget.setFocus()

    def clear_error(self) -> None:
        self.error.hide()
        self.error.clear()

    def check(self) -> None:
        """Raise ValidationError naming the field when an answer will not do."""

    def validatePage(self) -> bool:
        try:
            self.check()
        except DomainError as exc:
            self.show_error(exc)
            return False
        self.clear_error()
        return True


class IntroPage(_Page):
    def __init__(self) -> None:
        super().__init__("Welcome to CaseApp", "Four short steps and CaseApp is ready.")
        layout = QHBoxLayout(self)
        icon = QLabel()
        pixmap = QPixmap(str(resource_path("icons", "caseapp.png")))
        if not pixmap.isNull():
            icon.setPixmap(
                pixmap.scaled(
                    96,
                    96,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        text = QLabel(
            "<p>This computer has no CaseApp data yet. The next pages:</p><ol>"
            "<li>choose where the data is kept: on <b>this computer</b> or on the "
            "<b>office server</b>;</li>"
            "<li>create the first <b>administrator</b> account (you);</li>"
            "<li>enter the agency's <b>letterhead</b>, printed on every letter and checklist;"
            "</li><li>optionally load <b>demo data</b> to try CaseApp out.</li></ol>"
            "<p>Every answer can be changed later in Settings.</p>"
        )
        text.setWordWrap(True)
        layout.addWidget(icon)
        layout.addWidget(text, 1)


class DatabasePage(_Page):
    def __init__(self, default_sqlite_path: Path) -> None:
        super().__init__(
            "Where is the data kept?",
            "One person or one computer: this computer. Several workstations sharing cases: "
            "the office server.",
        )
        self.local = QRadioButton("&This computer (a database file, nothing to install)")
        self.server = QRadioButton("&Office server (PostgreSQL, shared by every workstation)")
        self.local.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.local)
        group.addButton(self.server)

        self.path = QLineEdit(str(default_sqlite_path))
        self.path.setObjectName("sqlite_path")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.local_box = QWidget()
        local_form = QFormLayout(self.local_box)
        local_form.setContentsMargins(24, 0, 0, 0)
        local_form.addRow("Database file:", path_row)

        self.host = QLineEdit()
        self.host.setPlaceholderText("e.g. caseapp-server.office.lan")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.database = QLineEdit("caseapp")
        self.user = QLineEdit("caseapp")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.server_box = QWidget()
        server_form = QFormLayout(self.server_box)
        server_form.setContentsMargins(24, 0, 0, 0)
        server_form.addRow("Server:", self.host)
        server_form.addRow("Port:", self.port)
        server_form.addRow("Database:", self.database)
        server_form.addRow("User:", self.user)
        server_form.addRow("Password:", self.password)
        note = QLabel("The password is kept in this computer's keyring, never in a file.")
        note.setStyleSheet("color: palette(mid);")
        server_form.addRow("", note)

        layout = QVBoxLayout(self)
        layout.addWidget(self.local)
        layout.addWidget(self.local_box)
        layout.addWidget(self.server)
        layout.addWidget(self.server_box)
        layout.addStretch(1)
        layout.addWidget(self.error)
        self.fields = {
            "sqlite_path": self.path,
            "host": self.host,
            "port": self.port,
            "database": self.database,
            "user": self.user,
        }
        self.local.toggled.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        self.local_box.setEnabled(self.local.isChecked())
        self.server_box.setEnabled(self.server.isChecked())
        self.clear_error()

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Database file", self.path.text(), "CaseApp database (*.sqlite3)"
        )
        if path:
            self.path.setText(path)

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

    def check(self) -> None:
        first_run.validate_database(self.choice())


class AdminPage(_Page):
    def __init__(self) -> None:
        super().__init__(
            "The first administrator",
            "This account manages staff accounts and settings. Use it to add your colleagues.",
        )
        self.login = QLineEdit()
        self.login.setPlaceholderText("e.g. anna")
        self.full_name = QLineEdit()
        self.email = QLineEdit()
        self.email.setPlaceholderText("optional")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(f"at least {first_run.MIN_PASSWORD_LENGTH} characters")
        self.password2 = QLineEdit()
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("&Login:", self.login)
        form.addRow("&Full name:", self.full_name)
        form.addRow("&E-mail:", self.email)
        form.addRow("&Password:", self.password)
        form.addRow("&Repeat password:", self.password2)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.error)
        self.fields = {
            "login": self.login,
            "full_name": self.full_name,
            "password": self.password,
            "password2": self.password2,
        }

    def admin(self) -> first_run.FirstAdmin:
        return first_run.FirstAdmin(
            self.login.text().strip().lower(),
            self.full_name.text().strip(),
            self.password.text(),
            self.email.text().strip(),
        )

    def check(self) -> None:
        first_run.validate_admin(self.admin(), self.password2.text())


class LetterheadPage(_Page):
    def __init__(self) -> None:
        super().__init__(
            "The agency's letterhead",
            "Printed at the top of every letter, checklist and travel packet.",
        )
        self.agency_name = QLineEdit()
        self.address = QPlainTextEdit()
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(64)
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.logo = QLineEdit()
        self.logo.setPlaceholderText("optional: a PNG or JPEG file")
        browse = QPushButton("B&rowse…")
        browse.clicked.connect(self._browse)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo, 1)
        logo_row.addWidget(browse)
        self.page_size = QComboBox()
        self.page_size.addItems(PAGE_SIZES)
        form = QFormLayout()
        form.addRow("Agency &name:", self.agency_name)
        form.addRow("&Address:", self.address)
        form.addRow("&Phone:", self.phone)
        form.addRow("&E-mail:", self.email)
        form.addRow("&Logo:", logo_row)
        form.addRow("Page si&ze:", self.page_size)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.error)
        self.fields = {"agency_name": self.agency_name, "logo_path": self.logo}

    def _browse(self) -> None:
        path = open_file(self, "Agency logo", "Images (*.png *.jpg *.jpeg)")
        if path:
            self.logo.setText(str(path))

    def agency(self) -> AgencySettings:
        return AgencySettings(
            agency_name=self.agency_name.text().strip(),
            address=self.address.toPlainText().strip(),
            phone=self.phone.text().strip(),
            email=self.email.text().strip(),
            logo_path=self.logo.text().strip(),
            page_size=self.page_size.currentText(),
        )

    def check(self) -> None:
        first_run.validate_agency(self.agency())


class DemoPage(_Page):
    def __init__(self) -> None:
        super().__init__("Demo data", "Try CaseApp with fictional cases before entering real ones.")
        self.load_demo = QCheckBox(
            f"&Load demo data: {first_run.DEMO_CASES} fictional cases in every stage, with "
            "demo staff and interpreters"
        )
        hint = QLabel(
            "Demo data goes only into an empty database: leave this unticked to start "
            "straight away with real cases."
        )
        hint.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.load_demo)
        layout.addWidget(hint)
        layout.addSpacing(12)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        layout.addWidget(self.error)
        self.setFinalPage(True)

    def initializePage(self) -> None:
        wizard = self.wizard()
        if isinstance(wizard, WelcomeWizard):
            self.summary.setText(wizard.summary_html())


class WelcomeWizard(QWizard):
    """Collects the first-run answers; Finish sets the database up in the background.

    After `exec()` returns Accepted, `result_` holds the `FirstRunResult` (the opened database
    and the admin to act as); `choices()` gives the answers at any time.
    """

    def __init__(
        self,
        default_sqlite_path: Path,
        parent: QWidget | None = None,
        *,
        open_database: Opener | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to CaseApp")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setMinimumSize(680, 500)
        self._open_database = open_database
        self.intro = IntroPage()
        self.database_page = DatabasePage(default_sqlite_path)
        self.admin_page = AdminPage()
        self.letterhead_page = LetterheadPage()
        self.demo_page = DemoPage()
        for page in (
            self.intro,
            self.database_page,
            self.admin_page,
            self.letterhead_page,
            self.demo_page,
        ):
            self.addPage(page)
        self.result_: first_run.FirstRunResult | None = None
        self.op: BackgroundOp | None = None

    def choices(self) -> first_run.FirstRunChoices:
        return first_run.FirstRunChoices(
            admin=self.admin_page.admin(),
            agency=self.letterhead_page.agency(),
            database=self.database_page.choice(),
            load_demo=self.demo_page.load_demo.isChecked(),
        )

    def summary_html(self) -> str:
        import html

        c = self.choices()
        where = (
            f"this computer ({c.database.sqlite_path})"
            if c.database.kind == "sqlite"
            else f"the office server {c.database.user}@{c.database.host}:{c.database.port}/"
            f"{c.database.database}"
        )
        return (
            "<p>Finish will:</p><ul>"
            f"<li>keep the data on {html.escape(where)};</li>"
            f"<li>create the administrator <b>{html.escape(c.admin.login)}</b> "
            f"({html.escape(c.admin.full_name)});</li>"
            f"<li>print <b>{html.escape(c.agency.agency_name)}</b> on every document.</li></ul>"
        )

    # ---- finishing ------------------------------------------------------------------------

    def accept(self) -> None:
        """Store the server password, then set up in the background; close when it is done."""
        if self.op is not None and self.op.running:
            return
        if not self.currentPage().validatePage():
            return
        choices = self.choices()
        password: str | None = None
        if choices.database.kind == "postgresql":
            password = self.database_page.password.text()
            try:
                first_run.store_server_password(choices.database, password)
            except DomainError as exc:
                self.demo_page.show_error(exc)
                return
        opener = self._open_database

        def work(progress: Callable[[int, int], bool]) -> first_run.FirstRunResult:
            return first_run.open_and_set_up(choices, password, progress, opener)

        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)
        label = (
            f"Creating the database and loading {first_run.DEMO_CASES} demo cases…"
            if choices.load_demo
            else "Creating the database…"
        )
        self.op = (
            BackgroundOp(self, work, self._finished)
            .with_progress(label, title="Setting up CaseApp", min_duration_ms=300)
            .failure(self._failed)
            .on_cancelled(lambda: self._finished(self.op.result if self.op else None))
            .run_in_background()
        )

    def _finished(self, result: first_run.FirstRunResult | None) -> None:
        self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
        if result is None:
            return
        self.result_ = result
        super().accept()

    def _failed(self, exc: BaseException) -> None:
        self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
        if isinstance(exc, DomainError):
            self.demo_page.show_error(exc)
            return
        message = (
            f"CaseApp could not set up the database: {exc}"
            if str(exc)
            else f"CaseApp could not set up the database ({type(exc).__name__})."
        )
        self.demo_page.show_error(ValidationError(message))


def run_welcome(
    default_sqlite_path: Path, parent: QWidget | None = None
) -> first_run.FirstRunResult | None:
    """Show the wizard modally; the result, or None when the person cancelled."""
    if QApplication.instance() is None:
        raise RuntimeError("Create the QApplication first (caseapp.ui.app.ensure_app()).")
    wizard = WelcomeWizard(default_sqlite_path, parent)
    if wizard.exec() != QWizard.DialogCode.Accepted:
        return None
    return wizard.result_
