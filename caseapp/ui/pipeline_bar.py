"""The bar above the pipeline views: view switch, search, stage filter, my cases, counts.

It holds the widgets and their keys (Esc clears the search, Down goes to the results); the main
window decides what a filter does to the list and the board.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QWidget,
)

from caseapp.ui import theme
from caseapp.ui.case_table import ALL, OPEN

VIEWS = ("list", "board", "dashboard")


class PipelineBar(QWidget):
    """One row of filters; `downPressed` asks the window to move the focus to the results."""

    downPressed = Signal()
    clearRefsRequested = Signal()

    def __init__(
        self,
        view_actions: dict[str, QAction],
        login: str,
        with_dashboard: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        switch = QWidget()
        switch_layout = QHBoxLayout(switch)
        switch_layout.setContentsMargins(0, 0, 0, 0)
        switch_layout.setSpacing(0)
        for view in VIEWS:
            button = QToolButton()
            button.setDefaultAction(view_actions[view])
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setObjectName(f"viewButton_{view}")
            switch_layout.addWidget(button)
            if view == "dashboard" and not with_dashboard:
                button.hide()

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText("Search name, ref, passport or nationality  (Ctrl+F)")
        self.search.setMinimumWidth(340)
        self.search.installEventFilter(self)

        self.stage_combo = QComboBox()
        self.stage_combo.setObjectName("stageFilter")
        self.stage_combo.addItem("All stages", ALL)
        self.stage_combo.addItem("Open stages", OPEN)
        self.stage_combo.insertSeparator(2)
        for stage in theme.ALL_STAGES:
            self.stage_combo.addItem(theme.stage_label(stage), stage)
        self.stage_combo.setToolTip("Show only cases in this stage")

        self.mine_check = QCheckBox("My cases only")
        self.mine_check.setObjectName("myCases")
        self.mine_check.setToolTip(f"Only cases owned by {login} (Ctrl+M)")

        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.refs_label = QLabel()
        self.refs_label.setObjectName("refsLabel")
        self.refs_label.setStyleSheet("QLabel { background: #fff4d6; padding: 2px 8px; }")
        self.refs_clear = QPushButton("Show all cases")
        self.refs_clear.setObjectName("refsClear")
        self.refs_clear.clicked.connect(self.clearRefsRequested)
        self.show_refs_banner(None)

        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(switch)
        bar.addSpacing(12)
        bar.addWidget(self.search, 2)
        bar.addWidget(self.stage_combo)
        bar.addWidget(self.mine_check)
        bar.addWidget(self.refs_label)
        bar.addWidget(self.refs_clear)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        self.filter_widgets: list[QWidget] = [
            self.search, self.stage_combo, self.mine_check, self.count_label
        ]  # fmt: skip

    def show_refs_banner(self, text: str | None) -> None:
        """The banner naming a dashboard figure whose cases the list shows (None hides it)."""
        self.refs_label.setText(text or "")
        for w in (self.refs_label, self.refs_clear):
            w.setVisible(text is not None)

    def set_view(self, view: str) -> None:
        """The stage filter is the list's only; the dashboard has filters of its own."""
        self.stage_combo.setEnabled(view == "list")
        self.stage_combo.setToolTip(
            "Show only cases in this stage"
            if view == "list"
            else "The board shows every stage as a column"
        )
        for w in self.filter_widgets:
            w.setVisible(view != "dashboard")

    def clear(self) -> None:
        self.search.clear()
        self.stage_combo.setCurrentIndex(0)
        self.mine_check.setChecked(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
            if event.key() == Qt.Key.Key_Down:
                self.downPressed.emit()
                return True
        return super().eventFilter(watched, event)
