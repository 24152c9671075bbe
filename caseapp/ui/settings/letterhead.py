"""Settings page: the agency letterhead printed on every letter and checklist."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from caseapp.services import first_run
from caseapp.services import settings as settings_service
from caseapp.services.context import ServiceContext
from caseapp.services.settings import PAGE_SIZES, AgencySettings
from caseapp.ui.settings.page import SettingsPage, SettingsPrompts
from caseapp.ui.widgets import (
    banner,
    note,
    show_inline,
)
from caseapp.ui.workspace.forms import add_row, button_row, refusal


class LetterheadPage(SettingsPage):
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
