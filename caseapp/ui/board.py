"""The board: one column per stage, a card per case; dropping a card on the next column advances it.

This module holds the view: filters, selection, the advance button and the notice that names a
refused move's blockers. The columns and their painted cards are in `board_cards.py`.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Sequence

from PySide6.QtCore import (
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QShowEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from caseapp.services import cases as case_service
from caseapp.services.cases import CaseRow
from caseapp.services.context import ServiceContext
from caseapp.services.errors import Blocked, DomainError
from caseapp.ui import errors, theme
from caseapp.ui.board_cards import BOARD_STAGES, BoardColumn, move_refusal
from caseapp.ui.case_table import RefRole, search_terms, search_text


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
