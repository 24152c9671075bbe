"""Staff accounts (admins) and the interpreter roster (coordinators, managers, admins).

Accounts: create, disable, enable, reset a password (the one-time password shows once, inline,
never in a log). Interpreters: add, correct, take off or back on the roster. Every change goes
through a service; a ValidationError shows under its field and the input stays.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from caseapp.services.context import ServiceContext
from caseapp.services.errors import DomainError
from caseapp.ui.interpreter_roster import InterpreterPage
from caseapp.ui.staff_accounts import StaffPage
from caseapp.ui.workspace.forms import refusal
from caseapp.ui.workspace.prompts import Prompts


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
