"""A small read-only table model of tuples for report tables: sorts, aligns, marks alerts.

Each row carries a key (a case ref, a stage, a month) so a click can name what it stands for.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
DASH = "—"
OVERDUE_COLOUR = QColor("#b42318")
Cell = str | int | float | Decimal | date | None

_Index = QModelIndex | QPersistentModelIndex


def cell_text(value: Cell) -> str:
    if value is None:
        return DASH
    if isinstance(value, Decimal):
        return f"{value:,.0f}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class TupleTableModel(QAbstractTableModel):
    """A read-only table over plain tuples, each row with a key (a ref, a stage, a month...).

    Rows are kept as given; sorting reorders a list of row indices, as the case list does.
    """

    def __init__(
        self,
        headers: Sequence[str],
        parent: QObject | None = None,
        *,
        right: Sequence[int] = (),
        alert_column: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._right = set(right)
        self._alert_column = alert_column  # None: an alert colours the whole row
        self._rows: list[tuple[Cell, ...]] = []
        self._keys: list[str] = []
        self._alert: list[bool] = []

    def set_rows(
        self,
        rows: Sequence[tuple[Cell, ...]],
        keys: Sequence[str],
        alert: Sequence[bool] | None = None,
    ) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._keys = list(keys)
        self._alert = list(alert) if alert is not None else [False] * len(self._rows)
        self.endResetModel()

    def key(self, row: int) -> str:
        return self._keys[row]

    def rows(self) -> list[tuple[Cell, ...]]:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self._rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            # The tooltip repeats the text: a narrow column elides it, the tooltip does not.
            return cell_text(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if index.column() in self._right:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and self._alert[index.row()]
            and self._alert_column in (None, index.column())
        ):
            return QBrush(OVERDUE_COLOUR)
        if role == KEY_ROLE:
            return self._keys[index.row()]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._headers) or not self._rows:
            return

        def sort_key(i: int) -> tuple[int, Any]:
            value = self._rows[i][column]
            if value is None:
                return (0, 0)
            if isinstance(value, int | float | Decimal):
                return (1, value)
            return (2, str(value).casefold())

        order_ = sorted(
            range(len(self._rows)),
            key=sort_key,
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self.beginResetModel()
        self._rows = [self._rows[i] for i in order_]
        self._keys = [self._keys[i] for i in order_]
        self._alert = [self._alert[i] for i in order_]
        self.endResetModel()


def table_view(model: TupleTableModel, *, stretch: int | None = None) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(22)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    return view


def group_box(title: str, *widgets: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(6, 6, 6, 6)
    for w in widgets:
        layout.addWidget(w)
    return box
