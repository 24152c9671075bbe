"""The blockers panel: every reason the case cannot move on; a click opens the tab that fixes it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QListView,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from caseapp.services.errors import Blocker
from caseapp.ui.workspace.palette import AMBER, RED
from caseapp.ui.workspace.stepper import stage_label
from caseapp.ui.workspace.table import ROW_ROLE

Index = QModelIndex | QPersistentModelIndex


class BlockerModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Blocker] = []

    def set_rows(self, rows: list[Blocker]) -> None:
        self.beginResetModel()
        # blocking first, warnings after: the order a facilitator works them
        self._rows = [b for b in rows if b.blocks] + [b for b in rows if not b.blocks]
        self.endResetModel()

    @property
    def rows(self) -> list[Blocker]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        b = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return b.message
        if role == Qt.ItemDataRole.DecorationRole:
            icon = (
                QStyle.StandardPixmap.SP_MessageBoxCritical
                if b.blocks
                else QStyle.StandardPixmap.SP_MessageBoxWarning
            )
            return QApplication.style().standardIcon(icon)
        if role == Qt.ItemDataRole.BackgroundRole:
            return AMBER if not b.blocks else RED
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor("black")
        if role == Qt.ItemDataRole.ToolTipRole:
            kind = "Warning" if not b.blocks else "Blocks the next stage"
            return f"{kind}. Click to open the {b.area} tab."
        if role == ROW_ROLE:
            return b
        return None


class BlockersPanel(QWidget):
    """A compact list; `areaRequested` carries the Blocker.area of the clicked line."""

    areaRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = BlockerModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(False)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSpacing(1)
        size = self.view.fontMetrics().height()
        self.view.setIconSize(QSize(size, size))
        self.view.clicked.connect(self._open)
        self.view.activated.connect(self._open)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.view)

    def load(self, blockers: list[Blocker], stage: str, next_stage: str | None) -> None:
        self.model.set_rows(blockers)
        blocking = sum(b.blocks for b in blockers)
        warnings = len(blockers) - blocking
        if next_stage is None:
            self.summary.setText(f"The case is {stage}; it does not move on.")
        elif blocking:
            s = "s" if blocking != 1 else ""
            extra = f" and {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
            self.summary.setText(
                f"<b>{blocking} blocker{s}</b>{extra} keep the case in {stage_label(stage)} "
                "(click one to open its tab):"
            )
        elif warnings:
            self.summary.setText(f"Ready to move to {next_stage}; note the warnings:")
        else:
            self.summary.setText(f"Nothing blocks the move to <b>{next_stage}</b>.")
        self.view.setVisible(bool(blockers))
        rows = min(len(blockers), 5)
        line = max(self.view.sizeHintForRow(0), self.view.fontMetrics().height()) + 2
        self.view.setFixedHeight(rows * line + 2 * self.view.frameWidth() + 2 if rows else 0)

    def _open(self, index: QModelIndex) -> None:
        b = self.model.data(index, ROW_ROLE)
        if b is not None:
            self.areaRequested.emit(b.area)
