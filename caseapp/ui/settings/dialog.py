"""Settings: letterhead, pipeline thresholds, screen lock, database, data key, my password.

Every page saves through a service; a ValidationError shows in red under the field it names and
the input stays. Modal questions (file choosers) go through `SettingsPrompts`, which tests replace,
and work that takes noticeable time (password hashing, key sealing, connecting to a server) runs in
a BackgroundOp so the window never freezes.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from caseapp.services.context import ServiceContext
from caseapp.ui.settings.account import AccountPage
from caseapp.ui.settings.data_key import DataKeyPage
from caseapp.ui.settings.database import DatabasePage
from caseapp.ui.settings.letterhead import LetterheadPage
from caseapp.ui.settings.page import SettingsPage, SettingsPrompts
from caseapp.ui.settings.screen_lock import ScreenLockPage
from caseapp.ui.settings.thresholds import PipelinePage


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
        self.screen_lock = ScreenLockPage(ctx)
        self.database = DatabasePage(db_url, self.prompts)
        self.data_key = DataKeyPage(ctx, self.prompts)
        self.account = AccountPage(ctx)
        self.pages: dict[str, SettingsPage] = {
            "letterhead": self.letterhead,
            "pipeline": self.pipeline,
            "screen_lock": self.screen_lock,
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

    def show_page(self, name: str) -> SettingsPage:
        self.nav.setCurrentRow(list(self.pages).index(name))
        return self.pages[name]
