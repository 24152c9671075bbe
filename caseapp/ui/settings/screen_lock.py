"""Settings page: after how many minutes without input the window locks (the office's setting)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QPushButton, QSpinBox

from caseapp.services import settings as settings_service
from caseapp.services.context import ServiceContext
from caseapp.ui.settings.page import SettingsPage
from caseapp.ui.widgets import note, show_inline
from caseapp.ui.workspace.forms import button_row, refusal


class ScreenLockPage(SettingsPage):
    """Minutes without input before the window asks for the password again (admins edit)."""

    title = "Screen lock"
    minutesSaved = Signal(int)

    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__("Screen lock")
        self.ctx = ctx
        self.body.addWidget(
            note(
                "A window nobody has used for this long is covered and asks its user's password "
                "again; what was typed and not saved stays. Every workstation of the office "
                "uses this value from its next start (this window at once)."
            )
        )
        low, high = settings_service.IDLE_LOCK_RANGE
        self.minutes = QSpinBox()
        self.minutes.setObjectName("idleLockMinutes")
        self.minutes.setRange(low, high)
        self.minutes.setSuffix(" minutes")
        self.minutes.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.minutes.setValue(settings_service.idle_lock_minutes(ctx))
        form = QFormLayout()
        form.addRow("Lock after:", self.minutes)
        self.body.addLayout(form)
        self.body.addWidget(self.field_errors.label("idle_lock_minutes"))
        self.save_button = QPushButton("&Save screen lock")
        self.save_button.setObjectName("saveScreenLock")
        self.save_button.clicked.connect(self.save)
        self.body.addLayout(button_row(self.save_button))
        self.finish()
        why = refusal(ctx.actor, "settings.edit")
        if why:
            for w in (self.minutes, self.save_button):
                w.setEnabled(False)
                w.setToolTip(f"{why} Only an administrator changes the screen lock.")

    def save(self) -> bool:
        try:
            saved = settings_service.save_idle_lock_minutes(self.ctx, self.minutes.value())
        except Exception as exc:
            self.status.clear()
            show_inline(self, self.field_errors, exc)
            return False
        self.minutes.setValue(saved)
        self.say(f"Saved: windows lock after {saved} minutes without input.")
        self.minutesSaved.emit(saved)
        return True
