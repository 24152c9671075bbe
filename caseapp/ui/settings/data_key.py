"""Settings page: the data key that encrypts sensitive fields (export, import, the keyring)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from caseapp.secrets import KeyringUnavailable, get_secret
from caseapp.services import keys
from caseapp.services.context import ServiceContext
from caseapp.services.errors import DomainError, ValidationError
from caseapp.ui.settings.page import SettingsPage, SettingsPrompts
from caseapp.ui.widgets import (
    banner,
    note,
    run_inline,
)
from caseapp.ui.worker import BackgroundOp
from caseapp.ui.workspace.forms import add_row, button_row, refusal


def keyring_problem() -> str:
    """The sentence explaining a missing keyring, or empty when one works."""
    try:
        get_secret("keyring-check")
    except KeyringUnavailable as exc:
        return exc.message
    return ""


class DataKeyPage(SettingsPage):
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
