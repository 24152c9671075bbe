"""What the staff and interpreter pages share: dates in local time, greyed inactive rows."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableView

from caseapp.ui.workspace.palette import GREY
from caseapp.ui.workspace.table import RowTableModel


def when_text(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def inactive_colour(active: bool) -> QColor | None:
    return None if active else GREY


def selected_row(view: QTableView, model: RowTableModel[object]) -> object | None:
    rows = view.selectionModel().selectedRows()
    return model.row_at(rows[0]) if rows else None
