"""Records: the program's required documents, their status, attachments (drop files on a row)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseapp.private_files import write_opened
from caseapp.services import records
from caseapp.services.cases import CaseDetail
from caseapp.services.errors import ValidationError
from caseapp.services.records import RecordState
from caseapp.ui.workspace.base import AreaTab
from caseapp.ui.workspace.forms import DateField, FieldErrors, add_row, permit
from caseapp.ui.workspace.palette import AMBER, GREEN, GREY, RED
from caseapp.ui.workspace.table import Column, RowTableModel, compact, day, whole_row

STATUS_COLOURS = {
    records.RECEIVED: GREEN,
    records.MISSING: RED,
    records.TOO_OLD: RED,
    records.UNDATED: AMBER,
    records.WAIVED: GREY,
}


def _status_colour(s: RecordState) -> QColor | None:
    if not s.required and s.status == records.MISSING:
        return None  # an optional document nobody sent is not a problem
    return STATUS_COLOURS.get(s.status)


def _file_or_reason(s: RecordState) -> str:
    if s.status == records.WAIVED:
        return f"waived: {s.waived_reason}"
    return s.attachment_name


class RecordModel(RowTableModel[RecordState]):
    columns = whole_row(
        _status_colour,
        [
            Column("Document", lambda s: s.name, tooltip=lambda s: s.name),
            Column("Required", lambda s: "required" if s.required else "optional"),
            Column("Status", lambda s: s.status),
            Column("Received", lambda s: day(s.received_on)),
            Column("Document date", lambda s: day(s.document_date)),
            Column(
                "Max age",
                lambda s: f"{s.max_age_days} days" if s.max_age_days is not None else "",
            ),
            Column("File or waiver", _file_or_reason, tooltip=_file_or_reason),
        ],
    )


class DropTable(QTableView):
    """Accepts files dropped on a row: `fileDropped(row, path)`."""

    fileDropped = Signal(int, Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        if event.mimeData().hasUrls() and index.isValid():
            self.selectRow(index.row())
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if not index.isValid() or not urls:
            event.ignore()
            return
        event.acceptProposedAction()
        self.fileDropped.emit(index.row(), Path(urls[0].toLocalFile()))


class RecordsTab(AreaTab):
    area = "records"
    title = "Records"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.errors = FieldErrors()
        self.pending: tuple[str, bytes] | None = None  # a chosen file not yet saved
        self._shown: tuple[object, ...] | None = None  # the saved record the form shows
        self.model = RecordModel(self)
        self.view = DropTable()
        self.view.setModel(self.model)
        compact(self.view, 0)
        self.view.fileDropped.connect(self.drop_file)
        self.view.selectionModel().currentRowChanged.connect(self._selected)
        self.view.doubleClicked.connect(lambda _i: self.open_attachment())

        hint = QLabel("Select a document, or drop a scanned file onto its row.")
        hint.setStyleSheet("color: #555;")
        editor = QGroupBox("Selected document")
        self.selected_label = QLabel("Nothing selected.")
        self.selected_label.setWordWrap(True)
        self.received_on = DateField(self.ctx.today())
        self.document_date = DateField()
        self.pending_label = QLabel()
        form = QFormLayout()
        form.addRow("", self.selected_label)
        add_row(form, "Received on", self.received_on, self.errors, "received_on")
        add_row(form, "Date on the document", self.document_date, self.errors, "document_date")
        add_row(form, "File", self.pending_label, self.errors, "file")
        form.addRow("", self.errors.general())
        self.attach_button = QPushButton("Attach file…")
        self.attach_button.clicked.connect(self.attach_file)
        self.receive_button = QPushButton("Mark received")
        self.receive_button.clicked.connect(self.receive)
        self.open_button = QPushButton("Open file")
        self.open_button.clicked.connect(self.open_attachment)
        self.waive_button = QPushButton("Waive…")
        self.waive_button.clicked.connect(self.waive)
        self.clear_button = QPushButton("Clear (back to missing)")
        self.clear_button.clicked.connect(self.clear)
        buttons = QHBoxLayout()
        for b in (
            self.attach_button,
            self.receive_button,
            self.open_button,
            self.waive_button,
            self.clear_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        box = QVBoxLayout(editor)
        box.addLayout(form)
        box.addLayout(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(hint)
        layout.addWidget(editor)

    # ---- showing --------------------------------------------------------------------------

    def load(self, detail: CaseDetail) -> None:
        super().load(detail)
        current = self.current()
        self.model.set_rows(detail.records)
        codes = [r.code for r in detail.records]
        if current is not None and current.code in codes:
            self.view.selectRow(codes.index(current.code))
        self._selected()

    def current(self) -> RecordState | None:
        return self.model.row_at(self.view.currentIndex())

    def select(self, code: str) -> None:
        codes = [r.code for r in self.model.rows]
        self.view.selectRow(codes.index(code))

    def _selected(self, *_args: QModelIndex) -> None:
        s = self.current()
        if s is None:
            self.selected_label.setText("Nothing selected.")
            self._shown = None
        else:
            age = f" (at most {s.max_age_days} days old)" if s.max_age_days is not None else ""
            self.selected_label.setText(f"<b>{s.name}</b>{age}: {s.status}")
            shown = (s.code, s.received_on, s.document_date)
            if shown != self._shown:  # another record, or its saved dates changed: show them
                self._shown = shown
                self.received_on.set_value(s.received_on or self.ctx.today())
                self.document_date.set_value(s.document_date)
        self._show_pending()
        chosen = s is not None
        permit(
            self.actor,
            "records.edit",
            self.attach_button,
            self.receive_button,
            self.waive_button,
            enabled=chosen,
            why="Select a document first.",
        )
        permit(
            self.actor,
            "records.edit",
            self.clear_button,
            enabled=chosen and s is not None and s.status != records.MISSING,
        )
        self.open_button.setEnabled(s is not None and s.attachment_id is not None)

    def _show_pending(self) -> None:
        s = self.current()
        if self.pending is not None:
            self.pending_label.setText(f"{self.pending[0]} (not saved yet)")
        elif s is not None and s.attachment_name:
            self.pending_label.setText(s.attachment_name)
        else:
            self.pending_label.setText("no file")

    # ---- commands -------------------------------------------------------------------------

    def drop_file(self, row: int, path: Path) -> None:
        self.view.selectRow(row)
        self._take_file(path)

    def attach_file(self) -> None:
        path = self.prompts.choose_file(
            self, "Attach a scanned document", "Documents (*.pdf *.jpg *.jpeg *.png *.tif);;All (*)"
        )
        if path is not None:
            self._take_file(path)

    def _take_file(self, path: Path) -> None:
        try:
            self.pending = (path.name, path.read_bytes())
        except OSError as exc:
            self.errors.clear()
            self.prompts.show_error(self, exc)
            return
        self.receive()

    def receive(self) -> None:
        s = self.current()
        if s is None:
            return
        received, dated = self.received_on.value(), self.document_date.value()
        pending = self.pending
        if received is None:
            self.errors.show(ValidationError("Enter the date the document arrived.", "received_on"))
            return

        def call() -> None:
            records.receive_record(
                self.ctx,
                self.ref,
                s.code,
                received_on=received,
                document_date=dated,
                filename=pending[0] if pending else None,
                content=pending[1] if pending else None,
            )

        if self.attempt(call, self.errors):  # the reload shows the saved dates
            self.pending = None
            self._show_pending()

    def waive(self) -> None:
        s = self.current()
        if s is None:
            return
        reason = self.prompts.ask_reason(
            self, f"Waive {s.name}", "Who agreed to go without this document, and why?"
        )
        if reason is not None:
            self.attempt(
                lambda: records.waive_record(self.ctx, self.ref, s.code, reason), self.errors
            )

    def clear(self) -> None:
        s = self.current()
        if s is not None:
            self.attempt(lambda: records.clear_record(self.ctx, self.ref, s.code), self.errors)

    def open_attachment(self) -> None:
        s = self.current()
        if s is None or s.attachment_id is None:
            return
        try:
            f = records.attachment_file(self.ctx, self.ref, s.attachment_id)
        except Exception as exc:  # a DomainError or a damaged file: say so, never crash
            self.prompts.show_error(self, exc)
            return
        path = write_opened(f.filename, f.content)  # private folder, removed at exit
        self.last_opened = path
        self.prompts.open_path(path)
