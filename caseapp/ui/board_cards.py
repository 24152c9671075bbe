"""The board's columns: a list model of cards per stage, the painted card, drag and drop.

A column is a QListView over a small model with a painted delegate, so thousands of cases cost
no widgets. A column shows its first CARD_LIMIT cards (the longest in stage first) and a
"+N more" footer.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListView,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from caseapp.services.cases import CaseRow
from caseapp.ui import theme
from caseapp.ui.case_list import plain_enter
from caseapp.ui.case_table import CaseRowRole, RefRole

Index = QModelIndex | QPersistentModelIndex

BOARD_STAGES: tuple[str, ...] = (*theme.OPEN_STAGES, "closed")
MIME_TYPE = "application/x-caseapp-case"
CARD_LIMIT = 200
FooterRole = Qt.ItemDataRole.UserRole + 10


def encode_case(row: CaseRow) -> QMimeData:
    mime = QMimeData()
    payload = json.dumps({"ref": row.ref, "stage": row.stage}).encode()
    mime.setData(MIME_TYPE, QByteArray(payload))
    mime.setText(row.ref)
    return mime


def decode_case(mime: QMimeData) -> tuple[str, str] | None:
    if not mime.hasFormat(MIME_TYPE):
        return None
    try:
        data = json.loads(bytes(mime.data(MIME_TYPE).data()).decode())
        return str(data["ref"]), str(data["stage"])
    except (ValueError, KeyError, TypeError):
        return None


def move_refusal(ref: str, from_stage: str, to_stage: str) -> str | None:
    """Why a card may not go from one column to another, or None when it is the next stage."""
    if from_stage not in theme.OPEN_STAGES:
        return f"{ref} is {theme.stage_label(from_stage).lower()}; it does not move any more."
    expected = theme.STAGES[theme.STAGES.index(from_stage) + 1]
    if to_stage == expected:
        return None
    if to_stage in theme.STAGES and theme.STAGES.index(to_stage) < theme.STAGES.index(from_stage):
        return (
            f"{ref} cannot go back from {theme.stage_label(from_stage)} to "
            f"{theme.stage_label(to_stage)}: the pipeline only moves forward."
        )
    return (
        f"{ref} cannot jump from {theme.stage_label(from_stage)} to "
        f"{theme.stage_label(to_stage)}: a case moves one stage at a time, next to "
        f"{theme.stage_label(expected)}. To decline or withdraw a case, open it."
    )


class BoardColumnModel(QAbstractListModel):
    """The cards of one stage; drops are not applied here but handed to the board as a request."""

    moveRequested = Signal(str, str, str)  # ref, from stage, to stage

    def __init__(self, stage: str, limit: int = CARD_LIMIT, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stage = stage
        self.limit = limit
        self._cards: list[CaseRow] = []
        self._total = 0
        self._blocked = 0

    def set_rows(self, rows: Sequence[CaseRow]) -> None:
        self.beginResetModel()
        self._cards = list(rows[: self.limit])
        self._total = len(rows)
        self._blocked = sum(1 for r in rows if r.blockers)
        self.endResetModel()

    @property
    def total(self) -> int:
        return self._total

    @property
    def blocked(self) -> int:
        return self._blocked

    @property
    def hidden(self) -> int:
        return self._total - len(self._cards)

    def cards(self) -> list[CaseRow]:
        return list(self._cards)

    def row_of(self, ref: str) -> int | None:
        return next((n for n, r in enumerate(self._cards) if r.ref == ref), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        if parent.isValid():
            return 0
        return len(self._cards) + (1 if self.hidden else 0)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        if index.row() >= len(self._cards):
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        if index.row() >= len(self._cards):
            if role == Qt.ItemDataRole.DisplayRole:
                return f"+{self.hidden:,} more"
            if role == Qt.ItemDataRole.ToolTipRole:
                return (
                    f"The board shows the first {self.limit} cases of each stage. "
                    "Search, or use the list view, to find the others."
                )
            if role == FooterRole:
                return True
            return None
        r = self._cards[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return r.patient
        if role == Qt.ItemDataRole.ToolTipRole:
            from caseapp.ui.case_table import row_tooltip

            return row_tooltip(r)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{r.patient}, {r.ref}, {r.blockers} blockers"
        if role == CaseRowRole:
            return r
        if role == RefRole:
            return r.ref
        if role == FooterRole:
            return False
        return None

    # ---- drag and drop ------------------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = [self._cards[i.row()] for i in indexes if i.isValid() and i.row() < len(self._cards)]
        if not rows:
            return QMimeData()
        return encode_case(rows[0])

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        return data.hasFormat(MIME_TYPE)

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        """Ask the board to advance; never insert here (the card moves when the service agrees)."""
        decoded = decode_case(data)
        if decoded is None or action == Qt.DropAction.IgnoreAction:
            return False
        ref, from_stage = decoded
        if from_stage != self.stage:
            self.moveRequested.emit(ref, from_stage, self.stage)
        return False


class CardDelegate(QStyledItemDelegate):
    """Paints a card: patient, ref, program, days in stage, blockers; red edge when blocked."""

    PAD = 8

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, option.font.pointSizeF() * 0.9))
        return bold, small

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        bold, small = self._fonts(option)
        h = QFontMetrics(bold).height() + 2 * QFontMetrics(small).height() + 2 * self.PAD + 12
        return QSize(160, h)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = option.palette
        rect = option.rect.adjusted(4, 3, -4, -3)
        bold, small = self._fonts(option)
        if index.data(FooterRole):
            painter.setFont(small)
            painter.setPen(theme.MUTED_TEXT)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(index.data()))
            painter.restore()
            return
        r: CaseRow = index.data(CaseRowRole)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        border = (
            pal.color(QPalette.ColorRole.Highlight)
            if selected
            else pal.color(QPalette.ColorRole.Mid)
        )
        painter.setPen(QPen(border, 2 if selected else 1))
        painter.setBrush(pal.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(rect, 5, 5)
        if r.blockers:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theme.BLOCKED_TINT)
            painter.drawRoundedRect(rect, 5, 5)
            painter.setBrush(theme.BLOCKED_EDGE)
            painter.drawRoundedRect(QRect(rect.left(), rect.top(), 5, rect.height()), 2, 2)
        text = pal.color(QPalette.ColorRole.Text)
        inner = rect.adjusted(self.PAD + 3, self.PAD - 2, -self.PAD, -self.PAD + 2)
        fm_b, fm_s = QFontMetrics(bold), QFontMetrics(small)
        y = inner.top()
        painter.setFont(bold)
        painter.setPen(text)
        painter.drawText(
            QRect(inner.left(), y, inner.width(), fm_b.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            fm_b.elidedText(r.patient, Qt.TextElideMode.ElideRight, inner.width()),
        )
        y += fm_b.height() + 2
        painter.setFont(small)
        painter.setPen(theme.MUTED_TEXT)
        line = QRect(inner.left(), y, inner.width(), fm_s.height())
        ref_width = fm_s.horizontalAdvance(r.ref + "  ")
        painter.drawText(line, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, r.ref)
        painter.drawText(
            line.adjusted(ref_width, 0, 0, 0),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            fm_s.elidedText(
                r.program, Qt.TextElideMode.ElideRight, max(0, line.width() - ref_width)
            ),
        )
        y += fm_s.height() + 2
        line = QRect(inner.left(), y, inner.width(), fm_s.height())
        status_font = QFont(small)
        if r.blockers:
            status_font.setBold(True)
            status, status_color = (
                f"{r.blockers} blocker{'s' if r.blockers != 1 else ''}",
                theme.BLOCKED_TEXT,
            )
        elif r.stage in theme.OPEN_STAGES:
            status, status_color = "ready", QColor(21, 128, 61)
        else:
            status, status_color = "", theme.MUTED_TEXT
        status_width = QFontMetrics(status_font).horizontalAdvance(status + "  ") if status else 0
        days = f"{r.days_in_stage} d in stage"
        if r.overdue:
            days = f"{r.days_in_stage} d · overdue"
        painter.setPen(theme.OVERDUE_TEXT if r.overdue else theme.MUTED_TEXT)
        painter.drawText(
            line.adjusted(0, 0, -status_width, 0),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            fm_s.elidedText(days, Qt.TextElideMode.ElideRight, max(0, line.width() - status_width)),
        )
        painter.setFont(status_font)
        painter.setPen(status_color)
        painter.drawText(line, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, status)
        painter.restore()


class CardList(QListView):
    """A column's cards; Enter or double-click opens the case."""

    openRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setUniformItemSizes(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setItemDelegate(CardDelegate(self))
        self.setMouseTracking(True)
        self.doubleClicked.connect(self._open)

    def _open(self, index: QModelIndex) -> None:
        ref = index.data(RefRole)
        if ref:
            self.openRequested.emit(str(ref))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if plain_enter(event) and self.currentIndex().isValid():
            self._open(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class BoardColumn(QFrame):
    """Header (stage, count, blocked count) above the column's card list."""

    def __init__(self, stage: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"boardColumn_{stage}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.stage = stage
        self.model = BoardColumnModel(stage, parent=self)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.view = CardList()
        self.view.setModel(self.model)
        self.view.setAccessibleName(f"{theme.stage_label(stage)} cards")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        self.setMinimumWidth(168)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.model.modelReset.connect(self._update_title)
        self._update_title()

    def _update_title(self) -> None:
        m = self.model
        blocked = (
            f" <span style='color:{theme.BLOCKED_TEXT.name()}'>· {m.blocked} blocked</span>"
            if m.blocked
            else ""
        )
        self.title.setText(f"<b>{theme.stage_label(self.stage)}</b> {m.total:,}{blocked}")


