"""The board: one column per stage, a card per case; dropping a card on the next column advances it.

Each column is a QListView over a small list model with a painted card delegate, so a column with
thousands of cases costs no widgets. A column shows its first CARD_LIMIT cards (the longest in
stage first) and a "+N more" footer; the search box narrows the rest.
"""

from __future__ import annotations

import dataclasses
import html
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
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from caseapp.services import cases as case_service
from caseapp.services.cases import CaseRow
from caseapp.services.context import ServiceContext
from caseapp.services.errors import Blocked, DomainError
from caseapp.ui import errors, theme
from caseapp.ui.case_list import CaseRowRole, RefRole, plain_enter, search_terms, search_text

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
            from caseapp.ui.case_list import row_tooltip

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


class NoticePanel(QFrame):
    """Inline, non-modal notice under the board: why a card did not move, and a way to act."""

    openRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("boardNotice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#boardNotice { border: 1px solid rgba(220,38,38,150); border-radius: 4px;"
            " background: rgba(220,38,38,22); }"
        )
        self.text = QLabel()
        self.text.setObjectName("boardNoticeText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._ref = ""
        self.open_button = QPushButton("Open case")
        self.open_button.clicked.connect(lambda: self.openRequested.emit(self._ref))
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Hide this notice (Esc)")
        close.setAutoRaise(True)
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self._ref = ""
        self.hide()

    @property
    def ref(self) -> str:
        return self._ref

    def show_notice(self, ref: str, html_text: str) -> None:
        self._ref = ref
        self.text.setText(html_text)
        self.open_button.setVisible(bool(ref))
        self.show()

    def plain_text(self) -> str:
        from PySide6.QtGui import QTextDocument

        doc = QTextDocument()
        doc.setHtml(self.text.text())
        return doc.toPlainText()


class BoardView(QWidget):
    """All stage columns side by side, fed the same rows as the list and filtered the same way."""

    openRequested = Signal(str)
    caseChanged = Signal(str)  # a case was advanced here
    advanced = Signal(str, str)  # ref, new stage
    shownChanged = Signal()  # the cards were rebuilt: the window's count follows the board

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("board")
        self.ctx = ctx
        self._rows: list[CaseRow] = []
        self._hay: list[str] = []
        self._text = ""
        self._mine = False
        self._dirty = True
        self._counts = (0, 0)  # (cards the filters let through, cases the board could show)
        self.columns: dict[str, BoardColumn] = {}

        strip = QWidget()
        strip_layout = QHBoxLayout(strip)
        strip_layout.setContentsMargins(0, 0, 0, 0)
        strip_layout.setSpacing(6)
        can_advance = ctx.actor.can("case.advance")
        for stage in BOARD_STAGES:
            col = BoardColumn(stage)
            col.model.moveRequested.connect(self.request_move, Qt.ConnectionType.QueuedConnection)
            col.view.openRequested.connect(self.openRequested)
            col.view.selectionModel().currentChanged.connect(
                lambda cur, _prev, c=col: self._card_selected(c, cur)
            )
            col.view.setDragEnabled(can_advance and stage != "closed")
            self.columns[stage] = col
            strip_layout.addWidget(col)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(strip)
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.hint = QLabel(
            "Drag a card to the next column, or select it and press Ctrl+Enter, to advance it. "
            "Double-click or Enter opens the case."
            if can_advance
            else "You may view the board; only facilitators and managers advance cases."
        )
        self.hint.setObjectName("boardHint")
        self.hint.setStyleSheet("color: palette(mid);")
        self.advance_button = QPushButton("Advance selected ▸")
        self.advance_button.setToolTip("Move the selected card to the next stage (Ctrl+Enter)")
        self.advance_button.setEnabled(False)
        self.advance_button.setVisible(can_advance)
        self.advance_button.clicked.connect(self.advance_selected)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.hint, 1)
        top.addWidget(self.advance_button)

        self.notice = NoticePanel()
        self.notice.openRequested.connect(self.openRequested)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.notice)

    # ---- data ----------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[CaseRow]) -> None:
        self._rows = list(rows)
        self._hay = [search_text(r) for r in self._rows]
        self._invalidate()

    def set_filter(self, *, text: str | None = None, mine: bool | None = None) -> None:
        if text is not None:
            self._text = text
        if mine is not None:
            self._mine = mine
        self._invalidate()

    def replace_row(self, new: CaseRow) -> None:
        for i, r in enumerate(self._rows):
            if r.id == new.id:
                self._rows[i] = new
                self._hay[i] = search_text(new)
                self._invalidate()
                return

    def _invalidate(self) -> None:
        """Rebuild now if shown, else when next shown: typing in the list never pays for it."""
        self._dirty = True
        if self.isVisible():
            self.rebuild()

    def showEvent(self, event: QShowEvent) -> None:
        if self._dirty:
            self.rebuild()
        super().showEvent(event)

    def _groups(self) -> tuple[dict[str, list[CaseRow]], int]:
        """The rows each column shows under the filters, and how many cases any column holds."""
        terms = search_terms(self._text)
        me = self.ctx.actor.login
        groups: dict[str, list[CaseRow]] = {s: [] for s in BOARD_STAGES}
        on_board = 0
        for r, hay in zip(self._rows, self._hay, strict=True):
            if r.stage not in groups:
                continue
            on_board += 1
            if self._mine and r.owner != me:
                continue
            if all(t in hay for t in terms):
                groups[r.stage].append(r)
        return groups, on_board

    def is_filtered(self) -> bool:
        return bool(self._text.strip() or self._mine)

    def counts(self) -> tuple[int, int]:
        """(cases shown, cases on the board unfiltered): what the count label states.

        Declined and withdrawn cases have no column, so the board's total is not the list's.
        A hidden board that is out of date counts without building its cards.
        """
        if not self._dirty:
            return self._counts
        groups, on_board = self._groups()
        return sum(len(rows) for rows in groups.values()), on_board

    def rebuild(self) -> None:
        kept = self.current_ref()
        groups, on_board = self._groups()
        self._counts = (sum(len(rows) for rows in groups.values()), on_board)
        for stage, rows in groups.items():
            # Longest waiting first: stalled cases are the ones to look at.
            rows.sort(key=lambda r: -r.days_in_stage)
            self.columns[stage].model.set_rows(rows)
        self._dirty = False
        if kept:
            self.select_ref(kept)
        self._update_advance_button()
        self.shownChanged.emit()

    def cards(self, stage: str) -> list[CaseRow]:
        if self._dirty:
            self.rebuild()
        return self.columns[stage].model.cards()

    def stage_of(self, ref: str) -> str | None:
        return next((r.stage for r in self._rows if r.ref == ref), None)

    # ---- selection -------------------------------------------------------------------------

    def _card_selected(self, col: BoardColumn, current: QModelIndex) -> None:
        if current.isValid():
            for other in self.columns.values():
                if other is not col:
                    other.view.clearSelection()
                    other.view.setCurrentIndex(QModelIndex())
        self._update_advance_button()

    def current_ref(self) -> str | None:
        for col in self.columns.values():
            index = col.view.currentIndex()
            if index.isValid() and col.view.selectionModel().isSelected(index):
                ref = index.data(RefRole)
                if ref:
                    return str(ref)
        return None

    def select_ref(self, ref: str) -> bool:
        stage = self.stage_of(ref)
        if stage not in self.columns:
            return False
        col = self.columns[stage]
        row = col.model.row_of(ref)
        if row is None:
            return False
        index = col.model.index(row, 0)
        col.view.setCurrentIndex(index)
        col.view.scrollTo(index)
        return True

    def _update_advance_button(self) -> None:
        ref = self.current_ref()
        stage = self.stage_of(ref) if ref else None
        self.advance_button.setEnabled(bool(stage in theme.OPEN_STAGES))

    # ---- moving cards ------------------------------------------------------------------------

    def advance_selected(self) -> bool:
        ref = self.current_ref()
        if not ref:
            self.notice.show_notice("", "<p>Select a card first, then advance it.</p>")
            return False
        stage = self.stage_of(ref) or ""
        if stage not in theme.OPEN_STAGES:
            return self.request_move(ref, stage, stage)
        return self.request_move(ref, stage, theme.STAGES[theme.STAGES.index(stage) + 1])

    def request_move(self, ref: str, from_stage: str, to_stage: str) -> bool:
        """A card was dropped on another column (or advanced by key): ask the service."""
        refusal = move_refusal(ref, from_stage, to_stage)
        if refusal is not None:
            self.notice.show_notice(ref, f"<p><b>Not moved.</b> {html.escape(refusal)}</p>")
            return False
        try:
            new_stage = case_service.advance(self.ctx, ref)
        except Blocked as exc:
            patient = next((r.patient for r in self._rows if r.ref == ref), "")
            items = "".join(f"<li>{html.escape(b.message)}</li>" for b in exc.blockers)
            self.notice.show_notice(
                ref,
                f"<p><b>{html.escape(ref)} {html.escape(patient)} stays in "
                f"{theme.stage_label(exc.stage)}.</b> Before it can move to "
                f"{theme.stage_label(to_stage)}:</p><ul style='margin-left:-20px'>{items}</ul>",
            )
            return False
        except DomainError as exc:
            self.notice.show_notice(ref, f"<p><b>Not moved.</b> {html.escape(exc.message)}</p>")
            return False
        except Exception as exc:
            errors.show_error(self, exc)
            return False
        self.notice.hide()
        for i, r in enumerate(self._rows):
            if r.ref == ref:
                # Shown at once; the refresh that follows brings the new gate's blocker count.
                self._rows[i] = dataclasses.replace(
                    r, stage=new_stage, days_in_stage=0, blockers=0, warnings=0
                )
                self._invalidate()
                break
        self.select_ref(ref)
        self.advanced.emit(ref, new_stage)
        self.caseChanged.emit(ref)
        return True
