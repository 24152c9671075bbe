"""The pipeline list's model: light CaseRow tuples filtered and sorted in Python.

A stock QSortFilterProxyModel calls data() for every row on every keystroke (1-1.7 s at 50,000
rows). This model keeps the rows, one lower-cased search string per row and a list of visible
row indices: a keystroke is a list comprehension plus a model reset, a sort is one
`list.sort(key=...)` inside layoutAboutToBeChanged/layoutChanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QWidget,
)

from caseapp.services.cases import CaseRow
from caseapp.ui import theme

Index = QModelIndex | QPersistentModelIndex

CaseRowRole = Qt.ItemDataRole.UserRole + 1
RefRole = Qt.ItemDataRole.UserRole + 2

# Stage filter values besides a stage name.
ALL = ""
OPEN = "open"

(COL_REF, COL_PATIENT, COL_NATIONALITY, COL_PROGRAM, COL_STAGE, COL_OWNER, COL_DAYS,
 COL_BLOCKERS, COL_DEADLINE) = range(9)  # fmt: skip
HEADERS = (
    "Ref",
    "Patient",
    "Nationality",
    "Program",
    "Stage",
    "Owner",
    "Days in stage",
    "Blockers",
    "Next deadline",
)
HEADER_TIPS = (
    "Case reference",
    "Patient's name as in the passport",
    "Nationality",
    "Trial program",
    "Where the case stands in the pipeline",
    "Facilitator who owns the case",
    "Days since the case entered its current stage",
    "Things that keep the case in its stage (open the case to see them)",
    "The next dated thing the case must meet",
)
_STAGE_RANK = {s: i for i, s in enumerate(theme.ALL_STAGES)}


def search_text(row: CaseRow) -> str:
    """What the search box looks in: name, ref, passport and nationality, case-folded."""
    return f"{row.ref}\n{row.patient}\n{row.passport_number}\n{row.nationality}".casefold()


def search_terms(text: str) -> list[str]:
    """Every word must match (in any of the searched fields): 'kaz ivan' narrows to both."""
    return text.casefold().split()


def _deadline_key(r: CaseRow) -> tuple[bool, date]:
    return (r.next_deadline is None, r.next_deadline or date.min)


SORT_KEYS: tuple[Callable[[CaseRow], Any], ...] = (
    lambda r: r.ref,
    lambda r: r.patient.casefold(),
    lambda r: r.nationality.casefold(),
    lambda r: r.program,
    lambda r: _STAGE_RANK.get(r.stage, 99),
    lambda r: r.owner_name.casefold(),
    lambda r: r.days_in_stage,
    lambda r: (r.blockers, r.warnings),
    _deadline_key,
)


def deadline_text(r: CaseRow) -> str:
    if r.next_deadline is None:
        return ""
    return f"{r.next_deadline.isoformat()}  {r.next_deadline_what}"


def row_tooltip(r: CaseRow) -> str:
    """Why a row is marked, in words."""
    lines = [f"{r.ref}: {r.patient} ({r.nationality}), passport {r.passport_number}"]
    lines.append(
        f"{theme.stage_label(r.stage)} for {r.days_in_stage} days; owner {r.owner_name} ({r.owner})"
    )
    if r.blockers:
        noun = "blocker keeps" if r.blockers == 1 else "blockers keep"
        lines.append(
            f"Blocked: {r.blockers} {noun} this case in the {theme.stage_label(r.stage)} "
            "stage. Open the case to see them."
        )
    if r.warnings:
        lines.append(f"{r.warnings} warning{'s' if r.warnings != 1 else ''} (not blocking).")
    if r.overdue and r.next_deadline:
        lines.append(f"Overdue: {r.next_deadline_what} was due {r.next_deadline.isoformat()}.")
    elif r.next_deadline:
        lines.append(f"Next: {r.next_deadline_what} on {r.next_deadline.isoformat()}.")
    return "\n".join(lines)


class CaseTableModel(QAbstractTableModel):
    """Rows of the pipeline with text, stage and owner filters, fast at 50,000 cases."""

    filterChanged = Signal()

    _bold: ClassVar[QFont | None] = None

    def __init__(self, me: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._me = me
        self._rows: list[CaseRow] = []
        self._hay: list[str] = []
        self._stages: list[str] = []
        self._owners: list[str] = []
        self._order: list[int] = []  # every row index, in the current sort order
        self._visible: list[int] = []  # the rows shown, in the same order
        self._text = ""
        self._stage = ALL
        self._mine = False
        self._refs: frozenset[str] | None = None  # "the cases behind" a dashboard figure
        self.refs_title = ""
        self._sort_column = COL_REF
        self._sort_order = Qt.SortOrder.AscendingOrder

    # ---- feeding and filtering -------------------------------------------------------------

    def set_rows(self, rows: Iterable[CaseRow]) -> None:
        """Replace every row (after a load); filters and sort order stay as the user set them."""
        self.beginResetModel()
        self._rows = list(rows)
        self._hay = [search_text(r) for r in self._rows]
        self._stages = [r.stage for r in self._rows]
        self._owners = [r.owner for r in self._rows]
        self._order = self._sorted_order()
        self._visible = self._filtered()
        self.endResetModel()
        self.filterChanged.emit()

    def set_filter(
        self,
        *,
        text: str | None = None,
        stage: str | None = None,
        mine: bool | None = None,
    ) -> None:
        """Change any of the filters (None leaves one as it is) and refilter the rows.

        `filterChanged` fires whenever a filter changed, even when the same rows stay visible:
        the empty state and the count name the current search, which may have changed alone.
        The model is reset only when the visible rows differ (a reset costs the view).
        """
        before = (self._text, self._stage, self._mine)
        if text is not None:
            self._text = text
        if stage is not None:
            self._stage = stage
        if mine is not None:
            self._mine = mine
        visible = self._filtered()
        if visible != self._visible:
            self.beginResetModel()
            self._visible = visible
            self.endResetModel()
        elif before == (self._text, self._stage, self._mine):
            return
        self.filterChanged.emit()

    def set_refs(self, refs: Iterable[str] | None, title: str = "") -> None:
        """Show only these cases (a dashboard bar or row); None shows every case again."""
        self._refs = None if refs is None else frozenset(refs)
        self.refs_title = title if refs is not None else ""
        self.beginResetModel()
        self._visible = self._filtered()
        self.endResetModel()
        self.filterChanged.emit()

    @property
    def refs(self) -> frozenset[str] | None:
        return self._refs

    def set_search(self, text: str) -> None:
        """What the search box calls on every keystroke."""
        self.set_filter(text=text)

    def _filtered(self) -> list[int]:
        idx = self._order
        if self._refs is not None:
            refs, rows = self._refs, self._rows
            idx = [i for i in idx if rows[i].ref in refs]
        if self._stage == OPEN:
            wanted = set(theme.OPEN_STAGES)
            stages = self._stages
            idx = [i for i in idx if stages[i] in wanted]
        elif self._stage:
            stage, stages = self._stage, self._stages
            idx = [i for i in idx if stages[i] == stage]
        if self._mine:
            me, owners = self._me, self._owners
            idx = [i for i in idx if owners[i] == me]
        hay = self._hay
        for term in search_terms(self._text):
            idx = [i for i in idx if term in hay[i]]
        return idx if idx is not self._order else list(idx)

    @property
    def filter_text(self) -> str:
        return self._text

    @property
    def stage_filter(self) -> str:
        return self._stage

    @property
    def mine(self) -> bool:
        return self._mine

    @property
    def me(self) -> str:
        return self._me

    def is_filtered(self) -> bool:
        return bool(self._text.strip() or self._stage or self._mine or self._refs is not None)

    def total_count(self) -> int:
        return len(self._rows)

    def visible_count(self) -> int:
        return len(self._visible)

    def all_rows(self) -> Sequence[CaseRow]:
        return self._rows

    def visible_rows(self) -> list[CaseRow]:
        return [self._rows[i] for i in self._visible]

    def case_at(self, row: int) -> CaseRow:
        return self._rows[self._visible[row]]

    def row_of(self, ref: str) -> int | None:
        """Visible row of the case with this ref, or None when it is filtered out."""
        for n, i in enumerate(self._visible):
            if self._rows[i].ref == ref:
                return n
        return None

    def replace_row(self, new: CaseRow) -> None:
        """Show a changed case at once (e.g. after advance) before the next full load."""
        for i, r in enumerate(self._rows):
            if r.id == new.id:
                self.beginResetModel()
                self._rows[i] = new
                self._hay[i] = search_text(new)
                self._stages[i] = new.stage
                self._owners[i] = new.owner
                self._order = self._sorted_order()
                self._visible = self._filtered()
                self.endResetModel()
                self.filterChanged.emit()
                return

    # ---- sorting ------------------------------------------------------------------------------

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    def _sorted_order(self) -> list[int]:
        rows = self._rows
        key = SORT_KEYS[self._sort_column]
        # list_cases returns rows by ref, and sort is stable: ties stay in ref order.
        order = list(range(len(rows)))
        if self._sort_column != COL_REF or self._sort_order != Qt.SortOrder.AscendingOrder:
            order.sort(
                key=lambda i: key(rows[i]),
                reverse=self._sort_order == Qt.SortOrder.DescendingOrder,
            )
        if self._sort_column == COL_DEADLINE and self._sort_order == Qt.SortOrder.DescendingOrder:
            # Cases without a deadline go last in both directions.
            order = [i for i in order if rows[i].next_deadline is not None] + [
                i for i in order if rows[i].next_deadline is None
            ]
        return order

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(HEADERS):
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        sources = [(self._visible[p.row()], p.column()) for p in persistent]
        self._sort_column, self._sort_order = column, order
        self._order = self._sorted_order()
        self._visible = self._filtered()
        if persistent:
            where = {src: n for n, src in enumerate(self._visible)}
            self.changePersistentIndexList(
                persistent,
                [
                    self.index(where[src], col) if src in where else QModelIndex()
                    for src, col in sources
                ],
            )
        self.layoutChanged.emit()

    # ---- the Qt model interface ----------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return HEADER_TIPS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section in (COL_DAYS, COL_BLOCKERS):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    @classmethod
    def _bold_font(cls) -> QFont:
        if cls._bold is None:
            cls._bold = QFont()
            cls._bold.setBold(True)
        return cls._bold

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._visible):
            return None
        r = self._rows[self._visible[index.row()]]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == Qt.ItemDataRole.BackgroundRole:
            if r.blockers:
                return theme.BLOCKED_TINT
            if r.overdue:
                return theme.OVERDUE_TINT
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_BLOCKERS and r.blockers:
                return theme.BLOCKED_TEXT
            if col == COL_DEADLINE and r.overdue:
                return theme.OVERDUE_TEXT
            return None
        if role == Qt.ItemDataRole.FontRole:
            if (col == COL_BLOCKERS and r.blockers) or (col == COL_DEADLINE and r.overdue):
                return self._bold_font()
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            if col == COL_REF and r.blockers:
                return theme.blocked_icon()
            if col == COL_DEADLINE and r.overdue:
                return theme.overdue_icon()
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return row_tooltip(r)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col in (COL_DAYS, COL_BLOCKERS):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == CaseRowRole:
            return r
        if role == RefRole:
            return r.ref
        return None

    @staticmethod
    def _display(r: CaseRow, col: int) -> str:
        if col == COL_REF:
            return r.ref
        if col == COL_PATIENT:
            return r.patient
        if col == COL_NATIONALITY:
            return r.nationality
        if col == COL_PROGRAM:
            return r.program
        if col == COL_STAGE:
            return theme.stage_label(r.stage)
        if col == COL_OWNER:
            return r.owner_name
        if col == COL_DAYS:
            return str(r.days_in_stage)
        if col == COL_BLOCKERS:
            if r.blockers:
                return str(r.blockers)
            return "–" if r.stage in theme.OPEN_STAGES else ""
        return deadline_text(r)


