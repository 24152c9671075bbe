"""Settings: letterhead, pipeline thresholds, which database, the data key, my password.

Every page saves through a service; a ValidationError shows in red under the field it names and
the input stays. Modal questions (file choosers) go through `SettingsPrompts`, which tests replace,
and work that takes noticeable time (password hashing, key sealing, connecting to a server) runs in
a BackgroundOp so the window never freezes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from caseapp.secrets import KeyringUnavailable, get_secret
from caseapp.services import auth, first_run, keys, reports
from caseapp.services import settings as settings_service
from caseapp.services.context import ServiceContext
from caseapp.services.errors import DomainError, ValidationError
from caseapp.services.settings import PAGE_SIZES, AgencySettings
from caseapp.ui import errors, theme
from caseapp.ui.main_window import hide_password
from caseapp.ui.worker import BackgroundOp
from caseapp.ui.workspace.forms import FieldErrors, add_row, button_row, refusal
from caseapp.ui.workspace.prompts import Prompts

OK_STYLE = "color: #1b5e20;"
NOTE_STYLE = "color: palette(dark);"
BANNER_STYLE = "background: #fff4d6; color: #5c4100; padding: 6px 8px; border-radius: 3px;"


class SettingsPrompts(Prompts):
    """The modal file choosers the settings pages use (tests pass a scripted stand-in)."""

    def choose_save_file(
        self, parent: QWidget | None, title: str, suggested: str, filters: str = ""
    ) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters)
        return Path(path) if path else None


def note(text: str, style: str = NOTE_STYLE) -> QLabel:
    """A wrapped explanatory line under a form."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(style)
    return label


def banner(text: str) -> QLabel:
    """A tinted box that says why a page is read-only or cannot work here."""
    label = note(text, BANNER_STYLE)
    label.setObjectName("banner")
    return label


def status_label() -> QLabel:
    label = QLabel()
    label.setObjectName("status")
    label.setWordWrap(True)
    label.setStyleSheet(OK_STYLE)
    return label


def run_inline(
    parent: QWidget,
    work: Callable[[], Any],
    done: Callable[[Any], None],
    field_errors: FieldErrors,
    busy: Sequence[QWidget] = (),
) -> BackgroundOp:
    """Run a service call in the background; its DomainError shows inline, the input stays.

    `busy` widgets are disabled meanwhile so a second click cannot start the same work twice.
    """
    field_errors.clear()
    for w in busy:
        w.setEnabled(False)

    def release() -> None:
        for w in busy:
            w.setEnabled(True)

    def failed(exc: BaseException) -> None:
        release()
        if not (isinstance(exc, DomainError) and field_errors.show(exc)):
            errors.show_error(parent, exc)

    def succeeded(result: Any) -> None:
        release()
        done(result)

    return BackgroundOp(parent, work, succeeded).failure(failed).run_in_background()


def show_inline(parent: QWidget, field_errors: FieldErrors, exc: BaseException) -> None:
    """A service's refusal next to its field, or in a message box when it has no place."""
    if not (isinstance(exc, DomainError) and field_errors.show(exc)):
        errors.show_error(parent, exc)


def _heading(text: str) -> QLabel:
    label = QLabel(f"<b style='font-size:14pt'>{text}</b>")
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


class _Page(QWidget):
    """A settings page: a heading, its form, a general error line and a status line."""

    title = ""

    def __init__(self, heading: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field_errors = FieldErrors()
        self.status = status_label()
        self.last_op: BackgroundOp | None = None
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(16, 8, 16, 8)
        self.body.addWidget(_heading(heading))

    def finish(self) -> None:
        """Add the general error and status lines at the bottom."""
        self.body.addStretch(1)
        self.body.addWidget(self.field_errors.general())
        self.body.addWidget(self.status)

    def say(self, text: str) -> None:
        self.field_errors.clear()
        self.status.setText(text)


# ---- agency letterhead --------------------------------------------------------------------


class LetterheadPage(_Page):
    """The agency's name, address and logo printed on every document (admins edit)."""

    title = "Letterhead"

    def __init__(self, ctx: ServiceContext, prompts: SettingsPrompts) -> None:
        super().__init__("Agency letterhead")
        self.ctx = ctx
        self.prompts = prompts
        self.body.addWidget(note("Printed at the top of every letter, checklist and packet."))
        self.why_readonly = refusal(ctx.actor, "settings.edit")
        if self.why_readonly:
            self.body.addWidget(
                banner(f"{self.why_readonly} Only an administrator changes the letterhead.")
            )
        self.agency_name = QLineEdit()
        self.agency_name.setObjectName("agency_name")
        self.address = QPlainTextEdit()
        self.address.setObjectName("address")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.logo = QLineEdit()
        self.logo.setObjectName("logo_path")
        self.logo.setPlaceholderText("optional: a PNG or JPEG file")
        self.browse = QPushButton("B&rowse…")
        self.browse.clicked.connect(self.choose_logo)
        self.clear_logo = QPushButton("No logo")
        self.clear_logo.clicked.connect(self.logo.clear)
        logo_row = QWidget()
        row = QHBoxLayout(logo_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.logo, 1)
        row.addWidget(self.browse)
        row.addWidget(self.clear_logo)
        self.preview = QLabel()
        self.preview.setObjectName("logoPreview")
        self.preview.setFixedSize(200, 72)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.logo.textChanged.connect(self._update_preview)
        self.page_size = QComboBox()
        self.page_size.addItems(PAGE_SIZES)
        self.page_size.setMaximumWidth(
            self.page_size.fontMetrics().horizontalAdvance("Letter") + 60
        )

        form = QFormLayout()
        e = self.field_errors
        add_row(form, "Agency &name:", self.agency_name, e, "agency_name")
        add_row(form, "&Address:", self.address, e, "address")
        add_row(form, "&Phone:", self.phone, e, "phone")
        add_row(form, "&E-mail:", self.email, e, "email")
        add_row(form, "&Logo:", logo_row, e, "logo_path")
        form.addRow("", self.preview)
        add_row(form, "Page si&ze:", self.page_size, e, "page_size")
        self.body.addLayout(form)
        self.save_button = QPushButton("&Save letterhead")
        self.save_button.setObjectName("saveLetterhead")
        self.save_button.clicked.connect(self.save)
        self.body.addLayout(button_row(self.save_button))
        self.finish()
        self.load()
        if self.why_readonly:
            for line in (self.agency_name, self.phone, self.email, self.logo):
                line.setReadOnly(True)
            self.address.setReadOnly(True)
            buttons: tuple[QWidget, ...] = (
                self.page_size, self.browse, self.clear_logo, self.save_button
            )  # fmt: skip
            for button in buttons:
                button.setEnabled(False)
            fields: tuple[QWidget, ...] = (
                self.agency_name, self.address, self.phone, self.email, self.logo
            )  # fmt: skip
            for widget in fields + buttons:
                widget.setToolTip(self.why_readonly)

    def load(self) -> None:
        self.show_settings(settings_service.agency_settings(self.ctx))

    def show_settings(self, a: AgencySettings) -> None:
        self.agency_name.setText(a.agency_name)
        self.address.setPlainText(a.address)
        self.phone.setText(a.phone)
        self.email.setText(a.email)
        self.logo.setText(a.logo_path)
        self.page_size.setCurrentText(a.page_size)
        self._update_preview()

    def agency(self) -> AgencySettings:
        return AgencySettings(
            agency_name=self.agency_name.text().strip(),
            address=self.address.toPlainText().strip(),
            phone=self.phone.text().strip(),
            email=self.email.text().strip(),
            logo_path=self.logo.text().strip(),
            page_size=self.page_size.currentText(),
        )

    def choose_logo(self) -> None:
        path = self.prompts.choose_file(self, "Agency logo", "Images (*.png *.jpg *.jpeg)")
        if path is not None:
            self.logo.setText(str(path))

    def _update_preview(self) -> None:
        path = self.logo.text().strip()
        pixmap = QPixmap(path) if path and Path(path).is_file() else QPixmap()
        if pixmap.isNull():
            self.preview.setPixmap(QPixmap())
            self.preview.setText("  no logo" if not path else "  not an image file")
            return
        self.preview.setPixmap(
            pixmap.scaled(
                QSize(190, 64),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def save(self) -> bool:
        agency = self.agency()
        try:
            first_run.validate_agency(agency)  # also checks that the logo file exists
            saved = settings_service.save_agency_settings(self.ctx, agency)
        except Exception as exc:
            self.status.clear()
            show_inline(self, self.field_errors, exc)
            return False
        self.show_settings(saved)
        self.say("Saved. Documents made from now on carry this letterhead.")
        return True


# ---- pipeline thresholds -------------------------------------------------------------------


class PipelinePage(_Page):
    """Days in a stage after which the dashboard calls a case stalled (admins edit)."""

    title = "Pipeline"

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__("Stall thresholds")
        self.ctx = ctx
        self.body.addWidget(
            note(
                "A case that stays longer than this in a stage counts as stalled on the "
                "dashboard and in the reports."
            )
        )
        self.spins: dict[str, QSpinBox] = {}
        self.why_readonly = refusal(ctx.actor, "settings.edit")
        why_hidden = refusal(ctx.actor, "reports.view")
        if why_hidden:
            self.body.addWidget(banner(f"{why_hidden} The thresholds belong to the reports."))
        elif self.why_readonly:
            self.body.addWidget(
                banner(f"{self.why_readonly} Only an administrator changes the thresholds.")
            )
        form = QFormLayout()
        for stage in reports.DEFAULT_STALL_THRESHOLDS:
            spin = QSpinBox()
            spin.setObjectName(f"stall_{stage}")
            spin.setRange(1, 3650)
            spin.setSuffix(" days")
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
            spin.setFixedWidth(spin.fontMetrics().horizontalAdvance("3650 days") + 48)
            self.spins[stage] = spin
            form.addRow(f"{theme.stage_label(stage)}:", spin)
        self.body.addLayout(form)
        self.body.addWidget(self.field_errors.label("stall_thresholds"))
        self.defaults_button = QPushButton("Restore &defaults")
        self.defaults_button.setToolTip(
            "Put the shipped values back in the boxes (Save keeps them)"
        )
        self.defaults_button.clicked.connect(self.restore_defaults)
        self.save_button = QPushButton("&Save thresholds")
        self.save_button.setObjectName("saveThresholds")
        self.save_button.clicked.connect(self.save)
        self.body.addLayout(button_row(self.save_button, self.defaults_button))
        self.finish()
        if why_hidden:
            for spin in self.spins.values():
                spin.setEnabled(False)
                spin.setSpecialValueText("—")
                spin.setValue(spin.minimum())
                spin.setToolTip(why_hidden)
        else:
            self.load()
        if why_hidden or self.why_readonly:
            for w in (*self.spins.values(), self.defaults_button, self.save_button):
                w.setEnabled(False)
                w.setToolTip(why_hidden or self.why_readonly)

    def load(self) -> None:
        self.set_values(reports.stall_thresholds(self.ctx))

    def set_values(self, values: dict[str, int]) -> None:
        for stage, days in values.items():
            if stage in self.spins:
                self.spins[stage].setValue(days)

    def values(self) -> dict[str, int]:
        return {stage: spin.value() for stage, spin in self.spins.items()}

    def restore_defaults(self) -> None:
        self.set_values(reports.DEFAULT_STALL_THRESHOLDS)
        self.say("Default values restored in the boxes: Save to keep them.")

    def save(self) -> bool:
        try:
            saved = reports.set_stall_thresholds(self.ctx, self.values())
        except Exception as exc:
            self.status.clear()
            show_inline(self, self.field_errors, exc)
            return False
        self.set_values(saved)
        self.say("Saved. The dashboard uses these thresholds from its next refresh.")
        return True


# ---- database ---------------------------------------------------------------------------


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


class DatabasePage(_Page):
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


# ---- data key --------------------------------------------------------------------------------


def keyring_problem() -> str:
    """The sentence explaining a missing keyring, or empty when one works."""
    try:
        get_secret("keyring-check")
    except KeyringUnavailable as exc:
        return exc.message
    return ""


class DataKeyPage(_Page):
    """Move the data key to another workstation: export sealed with a passphrase, import."""

    title = "Data key"

    def __init__(self, ctx: ServiceContext, prompts: SettingsPrompts) -> None:
        super().__init__("Data key")
        self.ctx = ctx
        self.prompts = prompts
        self.body.addWidget(
            note(
                "Passports, birth dates, contact details and notes are encrypted with this "
                "database's data key, kept in this computer's keyring. A second workstation "
                "needs the same key: export it here, import it there."
            )
        )
        self.keyring_problem = keyring_problem()
        if self.keyring_problem:
            self.body.addWidget(banner(self.keyring_problem))
        e = self.field_errors

        export_box = QGroupBox("Export the key to a file")
        export_form = QFormLayout(export_box)
        self.export_pass = QLineEdit()
        self.export_pass.setObjectName("passphrase")
        self.export_pass2 = QLineEdit()
        self.export_pass2.setObjectName("passphrase2")
        for w in (self.export_pass, self.export_pass2):
            w.setEchoMode(QLineEdit.EchoMode.Password)
        self.export_pass.setPlaceholderText(f"at least {keys.MIN_PASSPHRASE_LENGTH} characters")
        add_row(export_form, "Passphrase:", self.export_pass, e, "passphrase")
        add_row(export_form, "Repeat it:", self.export_pass2, e, "passphrase2")
        self.export_button = QPushButton("&Export to file…")
        self.export_button.setObjectName("exportKey")
        self.export_button.clicked.connect(self.export_key)
        export_form.addRow("", button_row(self.export_button))
        export_form.addRow(
            "", note("Send the file and tell the passphrase by different ways (not one e-mail).")
        )
        why = refusal(ctx.actor, "settings.edit")
        if why:
            export_widgets: tuple[QWidget, ...] = (
                self.export_pass, self.export_pass2, self.export_button
            )  # fmt: skip
            for widget in export_widgets:
                widget.setEnabled(False)
                widget.setToolTip(f"{why} Ask an administrator to export the key.")

        import_box = QGroupBox("Import a key file")
        import_form = QFormLayout(import_box)
        self.import_file = QLineEdit()
        self.import_file.setObjectName("key_file")
        self.import_file.setPlaceholderText("the .caseappkey file exported on another computer")
        self.import_browse = QPushButton("B&rowse…")
        self.import_browse.clicked.connect(self.choose_key_file)
        file_box = QWidget()
        file_row = QHBoxLayout(file_box)
        file_row.setContentsMargins(0, 0, 0, 0)
        file_row.addWidget(self.import_file, 1)
        file_row.addWidget(self.import_browse)
        add_row(import_form, "Key file:", file_box, e, "key_file")
        self.import_pass = QLineEdit()
        self.import_pass.setObjectName("import_passphrase")
        self.import_pass.setEchoMode(QLineEdit.EchoMode.Password)
        add_row(import_form, "Passphrase:", self.import_pass, e, "import_passphrase")
        self.import_button = QPushButton("&Import key")
        self.import_button.setObjectName("importKey")
        self.import_button.clicked.connect(self.import_key)
        import_form.addRow("", button_row(self.import_button))
        import_form.addRow("", e.label("import"))
        if self.keyring_problem:
            import_widgets: tuple[QWidget, ...] = (
                self.import_file, self.import_browse, self.import_pass, self.import_button
            )  # fmt: skip
            for widget in import_widgets:
                widget.setEnabled(False)
                widget.setToolTip("There is no keyring on this computer to keep the key in.")

        self.body.addWidget(export_box)
        self.body.addWidget(import_box)
        self.finish()

    def export_key(self) -> BackgroundOp | None:
        passphrase = self.export_pass.text()
        if passphrase != self.export_pass2.text():
            self.status.clear()
            self.field_errors.show(
                ValidationError("The two passphrases differ: type the same one twice.",
                                "passphrase2")
            )  # fmt: skip
            return None
        if len(passphrase) < keys.MIN_PASSPHRASE_LENGTH:  # say so before asking for a file
            return self._export_to(None, passphrase)
        path = self.prompts.choose_save_file(
            self, "Export the data key", "caseapp-data-key.caseappkey", "Key files (*.caseappkey)"
        )
        if path is None:
            return None
        return self._export_to(path, passphrase)

    def _export_to(self, path: Path | None, passphrase: str) -> BackgroundOp:
        ctx = self.ctx

        def work() -> Path | None:
            blob = keys.export_data_key(ctx, passphrase)
            if path is None:
                return None
            try:
                with path.open("wb") as f:
                    path.chmod(0o600)
                    f.write(blob)
            except OSError as exc:
                raise DomainError(f"Cannot write {path}: {exc.strerror}.") from None
            return path

        def done(written: Path | None) -> None:
            if written is None:
                return
            self.export_pass.clear()
            self.export_pass2.clear()
            self.say(
                f"Data key written to {written}. Keep the file and the passphrase apart; "
                "import both on the other workstation."
            )

        self.status.clear()
        self.last_op = run_inline(self, work, done, self.field_errors, (self.export_button,))
        return self.last_op

    def choose_key_file(self) -> None:
        path = self.prompts.choose_file(
            self, "Key file to import", "Key files (*.caseappkey);;All files (*)"
        )
        if path is not None:
            self.import_file.setText(str(path))

    def import_key(self) -> BackgroundOp | None:
        name, passphrase = self.import_file.text().strip(), self.import_pass.text()
        self.status.clear()
        if not name:
            self.field_errors.show(ValidationError("Choose the key file to import.", "key_file"))
            return None
        if not passphrase:
            self.field_errors.show(
                ValidationError("Enter the passphrase the file was sealed with.",
                                "import_passphrase")
            )  # fmt: skip
            return None
        path = Path(name)
        ctx = self.ctx

        def work() -> str:
            try:
                blob = path.read_bytes()
            except OSError as exc:
                raise ValidationError(f"Cannot read {path}: {exc.strerror}.", "key_file") from None
            try:
                return keys.import_data_key(ctx, blob, passphrase)
            except DomainError as exc:  # wrong passphrase, another database's key, no keyring
                raise ValidationError(exc.message, "import") from exc

        def done(_database_id: str) -> None:
            self.import_pass.clear()
            self.say("Data key imported: this computer can now read the database.")

        self.last_op = run_inline(self, work, done, self.field_errors, (self.import_button,))
        return self.last_op


# ---- my account -----------------------------------------------------------------------------


class AccountPage(_Page):
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


# ---- the dialog ----------------------------------------------------------------------------


class SettingsDialog(QDialog):
    """Every setting in one place, one page per area (Ctrl+, in the window)."""

    pageChanged = Signal(str)

    def __init__(
        self,
        ctx: ServiceContext,
        db_url: str = "",
        parent: QWidget | None = None,
        *,
        prompts: SettingsPrompts | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.ctx = ctx
        self.prompts = prompts or SettingsPrompts()
        self.letterhead = LetterheadPage(ctx, self.prompts)
        self.pipeline = PipelinePage(ctx)
        self.database = DatabasePage(db_url, self.prompts)
        self.data_key = DataKeyPage(ctx, self.prompts)
        self.account = AccountPage(ctx)
        self.pages: dict[str, _Page] = {
            "letterhead": self.letterhead,
            "pipeline": self.pipeline,
            "database": self.database,
            "data_key": self.data_key,
            "account": self.account,
        }
        self.nav = QListWidget()
        self.nav.setObjectName("settingsPages")
        self.stack = QStackedWidget()
        for page in self.pages.values():
            self.nav.addItem(page.title)
            self.stack.addWidget(page)
        width = max(self.nav.fontMetrics().horizontalAdvance(p.title) for p in self.pages.values())
        self.nav.setFixedWidth(width + 56)
        self.nav.setStyleSheet("QListWidget::item { padding: 6px 8px; }")
        self.nav.currentRowChanged.connect(self._page_changed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(buttons)
        self.nav.setCurrentRow(0)
        self.resize(760, 560)

    def _page_changed(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        self.pageChanged.emit(list(self.pages)[row])

    def show_page(self, name: str) -> _Page:
        self.nav.setCurrentRow(list(self.pages).index(name))
        return self.pages[name]
