"""What the main window remembers between runs: geometry, list columns, sort, filters, view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt

from caseapp.ui.pipeline_bar import VIEWS

if TYPE_CHECKING:
    from caseapp.ui.main_window import MainWindow


def restore_window_state(w: MainWindow) -> None:
    """Restore from the window's QSettings (a first run: 1280x800 on the list)."""
    s = w.settings
    view = "list"
    if s is not None:
        geometry = s.value("window/geometry")
        restored = isinstance(geometry, QByteArray | bytes) and w.restoreGeometry(geometry)
        if not restored:
            w.resize(1280, 800)
        header = s.value("list/header")
        if isinstance(header, QByteArray | bytes):
            w.list_page.table.horizontalHeader().restoreState(header)
        column = int(str(s.value("list/sort_column", 0) or 0))
        descending = bool(s.value("list/sort_descending", False, type=bool))
        w.list_page.table.sortByColumn(
            column,
            Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder,
        )
        w.search.setText(str(s.value("list/search", "") or ""))
        stage_index = w.stage_combo.findData(str(s.value("list/stage", "") or ""))
        w.stage_combo.setCurrentIndex(max(0, stage_index))
        w.mine_check.setChecked(bool(s.value("list/mine", False, type=bool)))
        view = str(s.value("view/current", "list") or "list")
    else:
        w.resize(1280, 800)
    w.show_view(view if view in VIEWS else "list")


def save_window_state(w: MainWindow) -> None:
    """Write the state to the window's QSettings (at close)."""
    s = w.settings
    if s is None:
        return
    s.setValue("window/geometry", w.saveGeometry())
    table = w.list_page.table
    s.setValue("list/header", table.horizontalHeader().saveState())
    s.setValue("list/sort_column", w.model.sort_column)
    s.setValue("list/sort_descending", w.model.sort_order == Qt.SortOrder.DescendingOrder)
    s.setValue("list/search", w.search.text())
    s.setValue("list/stage", w.stage_combo.currentData() or "")
    s.setValue("list/mine", w.mine_check.isChecked())
    s.setValue("view/current", w.current_view())
    s.sync()
