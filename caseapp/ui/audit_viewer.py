"""The office-wide audit trail for managers and admins: filter, read, verify the hash chain.

Rows come from `audit.audit_entries` (newest first, at most a page); a double-click on an entry
of a case opens that case in the window.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseapp.services import audit
from caseapp.services.audit import AuditEntryRow, AuditFilters, AuditPage, ChainCheck
from caseapp.services.context import ServiceContext
from caseapp.services.errors import DomainError
from caseapp.ui import errors
from caseapp.ui.widgets import OK_STYLE
from caseapp.ui.worker import BackgroundOp
from caseapp.ui.workspace.forms import DateField
from caseapp.ui.workspace.palette import ERROR_STYLE
from caseapp.ui.workspace.table import Column, RowTableModel, compact
from caseapp.ui.workspace.tabs.history import ACTION_WORDS, ENTITY_WORDS, describe_changes

OFFICE_ENTITY_WORDS = {
    **ENTITY_WORDS,
    "StaffUser": "staff account",
    "Interpreter": "interpreter",
    "Setting": "setting",
    "DataKey": "data key",
    "Program": "program",
}
ANY = ""


def entity_text(r: AuditEntryRow) -> str:
    """What was changed, for people; the internal id only where it names something."""
    word = OFFICE_ENTITY_WORDS.get(r.entity, r.entity)
    return f"{word} {r.entity_id}" if not r.entity_id.isdigit() else word


def summarise_changes(changes: dict[str, Any]) -> str:
    """Like the History tab, but a changed JSON setting lists only the keys that changed."""
    flat: dict[str, Any] = {}
    for key, change in changes.items():
        if (
            isinstance(change, list)
            and len(change) == 2
            and isinstance(change[1], dict)
            and isinstance(change[0], dict | None)
        ):
            old, new = change[0] or {}, change[1]
            for sub in sorted(set(old) | set(new)):
                if old.get(sub) != new.get(sub):
                    flat[sub] = [old.get(sub), new.get(sub)]
        else:
            flat[key] = change
    return describe_changes(flat)


def action_text(r: AuditEntryRow) -> str:
    return ACTION_WORDS.get(r.action, r.action)


class AuditTableModel(RowTableModel[AuditEntryRow]):
    columns = (
        Column(
            "When",
            lambda r: r.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
            tooltip=lambda r: f"{r.at.astimezone():%Y-%m-%d %H:%M:%S %Z} (entry {r.id})",
        ),
        Column("Who", lambda r: r.actor_login),
        Column(
            "Case",
            lambda r: r.case_ref,
            tooltip=lambda r: "Double-click to open the case" if r.case_ref else "",
        ),
        Column("Entity", entity_text, tooltip=lambda r: f"{r.entity} {r.entity_id}"),
        Column("Action", action_text, tooltip=lambda r: r.action),
        Column(
            "Changes",
            lambda r: summarise_changes(r.changes),
            tooltip=lambda r: summarise_changes(r.changes).replace("; ", "\n"),
        ),
    )


def _choice_box(name: str, any_text: str) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    box.addItem(any_text, ANY)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return box


class AuditViewer(QDialog):
    """Filters on top, the trail below, the chain check at the bottom."""

    openCase = Signal(str)
    loaded = Signal(int)  # after each load, with the number of rows shown
    verified = Signal(object)  # ChainCheck

    def __init__(
        self, ctx: ServiceContext, parent: QWidget | None = None, *, autoload: bool = True
    ) -> None:
        super().__init__(parent)
        self.setObjectName("auditViewer")
        self.setWindowTitle("Audit trail")
        self.ctx = ctx
        self.last_op: BackgroundOp | None = None
        self.page: AuditPage | None = None
        self._generation = 0

        self.date_from = DateField()
        self.date_from.setObjectName("dateFrom")
        self.date_to = DateField()
        self.date_to.setObjectName("dateTo")
        self.user = _choice_box("user", "anyone")
        self.case_ref = QLineEdit()
        self.case_ref.setObjectName("caseRef")
        self.case_ref.setPlaceholderText("e.g. CA-2026-0012")
        self.case_ref.setClearButtonEnabled(True)
        self.case_ref.returnPressed.connect(self.reload)
        self.entity = _choice_box("entity", "any entity")
        self.action = _choice_box("action", "any action")
        self.apply_button = QPushButton("&Show")
        self.apply_button.setObjectName("apply")
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.reload)
        self.clear_button = QPushButton("C&lear filters")
        self.clear_button.clicked.connect(self.clear_filters)
        self._fill_choices()

        filters = QGridLayout()
        filters.setHorizontalSpacing(8)
        for col, (text, widget) in enumerate(
            (("From", self.date_from), ("To", self.date_to), ("User", self.user))
        ):
            filters.addWidget(QLabel(text), 0, col)
            filters.addWidget(widget, 1, col)
        for col, (text, widget) in enumerate(
            (("Case", self.case_ref), ("Entity", self.entity), ("Action", self.action)), start=3
        ):
            filters.addWidget(QLabel(text), 0, col)
            filters.addWidget(widget, 1, col)
        filters.addWidget(self.apply_button, 1, 6)
        filters.addWidget(self.clear_button, 1, 7)
        filters.setColumnStretch(8, 1)

        self.model = AuditTableModel(self)
        self.view = compact(QTableView(), 5)
        self.view.setObjectName("auditTable")
        self.view.setModel(self.model)
        self.view.doubleClicked.connect(self._double_clicked)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)

        self.verify_button = QPushButton("&Verify chain")
        self.verify_button.setObjectName("verify")
        self.verify_button.setToolTip(
            "Recompute every entry's hash: shows whether any entry was edited or deleted"
        )
        self.verify_button.clicked.connect(self.verify)
        self.verify_result = QLabel()
        self.verify_result.setObjectName("verifyResult")
        self.verify_result.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.verify_button)
        bottom.addWidget(self.verify_result, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.summary)
        layout.addLayout(bottom)
        self.resize(1200, 680)
        if autoload:
            self.reload()

    def _fill_choices(self) -> None:
        try:
            choices = audit.audit_choices(self.ctx)
        except DomainError as exc:
            errors.show_error(self, exc)
            return
        for box, values in (
            (self.user, choices.actors),
            (self.entity, choices.entities),
            (self.action, choices.actions),
        ):
            for value in values:
                label = OFFICE_ENTITY_WORDS.get(value, value) if box is self.entity else value
                box.addItem(label if label == value else f"{label} ({value})", value)

    def filters(self) -> AuditFilters:
        return AuditFilters(
            date_from=self.date_from.value(),
            date_to=self.date_to.value(),
            actor_login=str(self.user.currentData() or ""),
            case_ref=self.case_ref.text().strip(),
            entity=str(self.entity.currentData() or ""),
            action=str(self.action.currentData() or ""),
        )

    def set_filters(self, filters: AuditFilters) -> None:
        """Fill the filter boxes (tests and callers that open the viewer on a case)."""
        self.date_from.set_value(filters.date_from)
        self.date_to.set_value(filters.date_to)
        self.case_ref.setText(filters.case_ref)
        for box, value in (
            (self.user, filters.actor_login),
            (self.entity, filters.entity),
            (self.action, filters.action),
        ):
            box.setCurrentIndex(max(0, box.findData(value)))

    def clear_filters(self) -> None:
        self.set_filters(AuditFilters())
        self.reload()

    def reload(self) -> BackgroundOp:
        self._generation += 1
        generation = self._generation
        ctx, filters = self.ctx, self.filters()
        self.summary.setText("Loading…")
        self.summary.setStyleSheet("")

        def shown(page: AuditPage) -> None:
            if generation == self._generation:
                self._show(page)

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            if isinstance(exc, DomainError):
                self.summary.setText(exc.message)
                self.summary.setStyleSheet(ERROR_STYLE)
                self.model.set_rows([])
                self.loaded.emit(0)
            else:
                errors.show_error(self, exc)

        self.last_op = (
            BackgroundOp(self, lambda: audit.audit_entries(ctx, filters), shown)
            .failure(failed)
            .run_in_background()
        )
        return self.last_op

    def _show(self, page: AuditPage) -> None:
        self.page = page
        self.model.set_rows(page.rows)
        n = len(page.rows)
        if page.more:
            text = (
                f"The newest {n:,} entries; older ones match too: narrow the dates or filters "
                "to see them."
            )
        else:
            text = f"{n:,} entr{'y' if n == 1 else 'ies'}, newest first."
        self.summary.setText(
            f"{text} Personal values (passport, phone, notes…) show only as changed."
        )
        self.loaded.emit(n)

    def _double_clicked(self, index: QModelIndex) -> None:
        row = self.model.row_at(index)
        if row is not None and row.case_ref:
            self.openCase.emit(row.case_ref)

    def verify(self) -> BackgroundOp:
        ctx = self.ctx
        self.verify_result.setText("Checking every entry…")
        self.verify_result.setStyleSheet("")
        self.verify_button.setEnabled(False)

        def done(check: ChainCheck) -> None:
            self.verify_button.setEnabled(True)
            self.verify_result.setText(check.message)
            self.verify_result.setStyleSheet(
                OK_STYLE if check.intact else ERROR_STYLE + " font-weight: 600;"
            )
            self.verified.emit(check)

        def failed(exc: BaseException) -> None:
            self.verify_button.setEnabled(True)
            self.verify_result.clear()
            errors.show_error(self, exc)

        self.last_op = (
            BackgroundOp(self, lambda: audit.verify_chain(ctx), done)
            .failure(failed)
            .run_in_background()
        )
        return self.last_op

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter shows the rows (or opens the current row's case) instead of closing."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.view.hasFocus():
                self._double_clicked(self.view.currentIndex())
            else:
                self.reload()
            return
        super().keyPressEvent(event)
