"""Documents tab of the case workspace: generate any document, preview it, save, print."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QAbstractListModel,
    QBuffer,
    QByteArray,
    QIODevice,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from caseapp.docs import DOCUMENT_KINDS
from caseapp.services import documents
from caseapp.services.cases import CaseDetail
from caseapp.services.context import ServiceContext
from caseapp.services.errors import DomainError
from caseapp.ui.file_dialogs import save_file
from caseapp.ui.worker import BackgroundOp
from caseapp.ui.workspace.base import AreaTab
from caseapp.ui.workspace.forms import permit
from caseapp.ui.workspace.prompts import Prompts

Index = QModelIndex | QPersistentModelIndex


class KindListModel(QAbstractListModel):
    """The document kinds, with when each was last kept for this case."""

    def __init__(self) -> None:
        super().__init__()
        self.kinds = list(DOCUMENT_KINDS.values())
        self.kept: dict[str, str] = {}

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.kinds)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.kinds):
            return None
        kind = self.kinds[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            when = self.kept.get(kind.name)
            return f"{kind.title}\n   kept {when}" if when else kind.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"caseapp pdf {kind.name} REF"
        if role == Qt.ItemDataRole.UserRole:
            return kind.name
        return None

    def set_kept(self, kept: dict[str, str]) -> None:
        self.kept = kept
        if self.kinds:
            self.dataChanged.emit(self.index(0), self.index(len(self.kinds) - 1))


class DocumentsTab(AreaTab):
    area = "documents"
    title = "Documents"

    def __init__(
        self, ctx: ServiceContext, ref: str, prompts: Prompts, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, ref, prompts, parent)
        self.pdf_bytes: bytes | None = None
        self.current_kind: str | None = None
        self.op: BackgroundOp | None = None
        self._generation = 0  # the newest render asked for; older results are dropped
        self.kinds = KindListModel()
        self.list = QListView()
        self.list.setModel(self.kinds)
        self.list.setMinimumWidth(240)
        self.list.setSpacing(2)
        self.list.doubleClicked.connect(lambda _i: self.preview())
        self.preview_button = QPushButton("Preview")
        self.keep_button = QPushButton("Generate && keep")
        self.keep_button.setProperty(
            "normalTip", "Render the document and keep the PDF with the case"
        )
        self.keep_button.setToolTip(self.keep_button.property("normalTip"))
        self.save_button = QPushButton("Save as…")
        self.print_button = QPushButton("Print…")
        self.status = QLabel("Choose a document and press Preview.")
        self.status.setWordWrap(True)
        self.pdf = QPdfDocument(self)
        self.view = QPdfView()
        self.view.setDocument(self.pdf)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.buffer: QBuffer | None = None
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(QLabel("<b>Documents of this case</b>"))
        column.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.keep_button)
        column.addLayout(buttons)
        column.addWidget(self.status)
        right = QWidget()
        pane = QVBoxLayout(right)
        pane.setContentsMargins(0, 0, 0, 0)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.save_button)
        actions.addWidget(self.print_button)
        pane.addLayout(actions)
        self.placeholder = QLabel(
            "Choose a document on the left: its pages appear here.\n"
            # A QLabel shows text as written ("&&" only escapes "&" on buttons and menus).
            "Generate & keep stores the PDF with the case (the handoff letter opens the "
            "treatment gate)."
        )
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet("QLabel { color: #555; background: #f3f3f3; }")
        self.pages = QStackedWidget()
        self.pages.addWidget(self.placeholder)
        self.pages.addWidget(self.view)
        pane.addWidget(self.pages, 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.preview_button.clicked.connect(self.preview)
        self.keep_button.clicked.connect(self.keep)
        self.save_button.clicked.connect(self.save_as)
        self.print_button.clicked.connect(self.print_pdf)
        self.list.setCurrentIndex(self.kinds.index(0))
        # Choosing a document shows it: previews render in the background in a tenth of a second.
        self.list.selectionModel().currentChanged.connect(lambda *_: self._auto_preview())
        allowed = ctx.actor.can("documents.generate")
        for button in (self.preview_button, self.keep_button):
            button.setEnabled(allowed)
            if not allowed:
                button.setToolTip(f"A {ctx.actor.role} may not generate documents.")
        self._update_actions()

    def load(self, detail: CaseDetail) -> None:
        super().load(detail)
        kept = {
            # size 0: recorded as sent without the PDF stored here (demo data, older records)
            d.kind: d.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
            + ("" if d.size else " (recorded, no PDF stored)")
            for d in detail.documents
        }
        self.kinds.set_kept(kept)
        # a read-only case's documents are shown and saved as files, not kept with it
        permit(self.actor, "documents.generate", self.keep_button)

    def selected_kind(self) -> str:
        index = self.list.currentIndex()
        return str(self.kinds.data(index, Qt.ItemDataRole.UserRole) or self.kinds.kinds[0].name)

    def _auto_preview(self) -> None:
        if self.preview_button.isEnabled() and self.isVisible():
            self.preview()

    def preview(self) -> None:
        self._run(self.selected_kind(), keep=False)

    def keep(self) -> None:
        self._run(self.selected_kind(), keep=True)

    def _run(self, kind: str, *, keep: bool) -> None:
        ctx, ref = self.ctx, self.ref
        work = documents.generate_document if keep else documents.render_document
        self.status.setText(f"Rendering {DOCUMENT_KINDS[kind].title.lower()}…")
        self._generation += 1
        generation = self._generation

        def shown(pdf: bytes) -> None:
            if keep:
                self.changed.emit()  # kept even if a newer preview replaces it on screen
            if generation == self._generation:  # a late older render never covers a newer one
                self._show(kind, pdf, keep)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._failed(exc)

        self.op = BackgroundOp(self, lambda: work(ctx, kind, ref), shown).failure(failed)
        self.op.run_in_background()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(exc.message if isinstance(exc, DomainError) else str(exc))
        self.prompts.show_error(self, exc)

    def _show(self, kind: str, pdf: bytes, kept: bool) -> None:
        self.pdf_bytes, self.current_kind = pdf, kind
        self.buffer = QBuffer(self)
        self.buffer.setData(QByteArray(pdf))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf.load(self.buffer)
        self.pages.setCurrentWidget(self.view)
        pages = self.pdf.pageCount()
        title = DOCUMENT_KINDS[kind].title
        self.status.setText(
            f"{title}: {pages} page{'s' * (pages != 1)}, {len(pdf) // 1024 + 1} KB"
            + (" — kept with the case." if kept else " — preview (not kept).")
        )
        self._update_actions()

    def _update_actions(self) -> None:
        has = self.pdf_bytes is not None
        self.save_button.setEnabled(has)
        self.print_button.setEnabled(has)

    def ask_save_path(self, suggested: str) -> Path | None:
        """The file dialog (tests replace this method)."""
        return save_file(self, "Save PDF", suggested, "PDF files (*.pdf)")

    def save_as(self) -> None:
        if self.pdf_bytes is None or self.current_kind is None:
            return
        target = self.ask_save_path(DOCUMENT_KINDS[self.current_kind].filename(self.ref))
        if target is None:
            return
        try:
            target.write_bytes(self.pdf_bytes)
        except OSError as exc:
            self.prompts.show_error(self, DomainError(f"Could not save {target}: {exc.strerror}."))
            return
        self.status.setText(f"Saved {target}.")

    def print_pdf(self) -> None:
        """Print through the system dialog, one rendered page per sheet."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        if self.pdf_bytes is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        painter = QPainter(printer)
        try:
            for page in range(self.pdf.pageCount()):
                if page:
                    printer.newPage()
                rect = painter.viewport()
                image = self.pdf.render(page, rect.size())
                painter.drawImage(rect, image)
        finally:
            painter.end()


def documents_tab(
    ctx: ServiceContext, ref: str, prompts: Prompts, parent: QWidget | None = None
) -> DocumentsTab:
    return DocumentsTab(ctx, ref, prompts, parent)


def install() -> None:
    """Put the Documents tab into every case workspace built from now on."""
    from caseapp.ui.workspace import hooks

    hooks.DOCUMENTS_TAB_FACTORY = documents_tab
