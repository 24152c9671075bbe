"""The pipeline list's view: the table (fixed row height, Enter opens a case) and its page.

The rows, filters and sorting are the model's (`case_table.py`).
"""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseapp.ui import theme
from caseapp.ui.case_table import COL_REF, OPEN, CaseTableModel, RefRole

COLUMN_WIDTHS = (118, 200, 150, 130, 100, 140, 104, 76, 300)


def plain_enter(event: QKeyEvent) -> bool:
    """Enter or Return without Ctrl: opens a case (Ctrl+Enter advances it)."""
    return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and event.modifiers() in (
        Qt.KeyboardModifier.NoModifier,
        Qt.KeyboardModifier.KeypadModifier,
    )


class CaseTableView(QTableView):
    """The table: fixed row height (no per-row measuring at 50,000 rows), Enter opens a case."""

    openRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseTable")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several rows at once: travel packets are printed for a selection.
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setShowGrid(False)
        self.setCornerButtonEnabled(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vh = self.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(max(26, self.fontMetrics().height() + 10))
        hh = self.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setStretchLastSection(True)
        hh.setSectionsMovable(True)
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.doubleClicked.connect(self._open_index)

    def apply_default_widths(self) -> None:
        for col, width in enumerate(COLUMN_WIDTHS):
            self.setColumnWidth(col, width)

    def current_ref(self) -> str | None:
        index = self.currentIndex()
        if not index.isValid() or not self.selectionModel().isRowSelected(index.row()):
            return None
        ref = index.siblingAtColumn(COL_REF).data(RefRole)
        return str(ref) if ref else None

    def selected_refs(self) -> list[str]:
        """Refs of every selected row, in the order shown."""
        rows = sorted(i.row() for i in self.selectionModel().selectedRows(COL_REF))
        return [str(self.model().index(r, COL_REF).data(RefRole)) for r in rows]

    def select_ref(self, ref: str | None) -> bool:
        model = self.model()
        if not ref or not isinstance(model, CaseTableModel):
            return False
        row = model.row_of(ref)
        if row is None:
            return False
        index = model.index(row, COL_REF)
        self.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.scrollTo(index)
        return True

    def _open_index(self, index: QModelIndex) -> None:
        ref = index.siblingAtColumn(COL_REF).data(RefRole)
        if ref:
            self.openRequested.emit(str(ref))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if plain_enter(event) and self.currentIndex().isValid():
            self._open_index(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class CaseListPage(QWidget):
    """The table, or a clear sentence when there is nothing to show (loading, none, no match)."""

    openRequested = Signal(str)
    clearFiltersRequested = Signal()

    def __init__(self, model: CaseTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.table = CaseTableView()
        self.table.setModel(model)
        self.table.apply_default_widths()
        self.table.horizontalHeader().setSortIndicator(model.sort_column, model.sort_order)
        self.table.openRequested.connect(self.openRequested)
        self._loaded = False
        self._kept_ref: str | None = None

        self.empty = QWidget()
        self.empty.setObjectName("emptyState")
        self.empty_label = QLabel()
        self.empty_label.setObjectName("emptyLabel")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        font = self.empty_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.empty_label.setFont(font)
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.clicked.connect(self.clearFiltersRequested)
        box = QVBoxLayout(self.empty)
        box.addStretch(2)
        box.addWidget(self.empty_label)
        box.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addStretch(3)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        model.modelAboutToBeReset.connect(self._keep_selection)
        model.modelReset.connect(self._restore_selection)
        model.filterChanged.connect(self._update_empty_state)
        self._update_empty_state()

    def set_loaded(self, loaded: bool) -> None:
        self._loaded = loaded
        self._update_empty_state()

    def _keep_selection(self) -> None:
        self._kept_ref = self.table.current_ref()

    def _restore_selection(self) -> None:
        self.table.select_ref(self._kept_ref)

    def _update_empty_state(self) -> None:
        m = self.model
        if m.visible_count():
            self.stack.setCurrentWidget(self.table)
            return
        if not self._loaded:
            text, can_clear = "Loading cases…", False
        elif not m.total_count():
            text, can_clear = "No cases yet.\nPress Ctrl+N to open the first case.", False
        else:
            parts = []
            if m.filter_text.strip():
                parts.append(f"“{m.filter_text.strip()}”")
            if m.stage_filter == OPEN:
                parts.append("open stages")
            elif m.stage_filter:
                parts.append(f"stage {theme.stage_label(m.stage_filter)}")
            if m.mine:
                parts.append("your cases only")
            text = f"No case matches {', '.join(parts)}."
            text += f"\n{m.total_count():,} cases are hidden by the filters."
            can_clear = True
        self.empty_label.setText(text)
        self.clear_button.setVisible(can_clear)
        self.stack.setCurrentWidget(self.empty)
