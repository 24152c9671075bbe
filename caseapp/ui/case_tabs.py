"""The main window's tabs: the pipeline, always first and never closed, then one tab per case.

A case tab is closed only after its workspace agrees (unsaved input asks first), so closing a tab
or the window never drops what someone typed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QTabBar, QTabWidget, QWidget

from caseapp.ui.workspace import CaseWorkspace


class CaseTabs(QTabWidget):
    """Tabs keyed by case reference; `by_ref` maps each open case to its workspace."""

    def __init__(self, pipeline_page: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pipeline_page = pipeline_page
        self.by_ref: dict[str, CaseWorkspace] = {}
        self.setObjectName("tabs")
        self.setDocumentMode(True)
        self.setTabsClosable(True)
        self.setMovable(True)
        self.setElideMode(Qt.TextElideMode.ElideRight)
        self.setUsesScrollButtons(True)
        self.addTab(pipeline_page, "Pipeline")
        bar = self.tabBar()
        for side in (QTabBar.ButtonPosition.RightSide, QTabBar.ButtonPosition.LeftSide):
            bar.setTabButton(0, side, None)
        bar.tabMoved.connect(self._keep_pipeline_first)
        self.tabCloseRequested.connect(self.close_case_at)

    def _keep_pipeline_first(self, _from: int, _to: int) -> None:
        if self.indexOf(self.pipeline_page) != 0:
            self.tabBar().moveTab(self.indexOf(self.pipeline_page), 0)

    def on_pipeline(self) -> bool:
        return self.currentWidget() is self.pipeline_page

    def show_case(
        self, ref: str, make: Callable[[], CaseWorkspace], title: Callable[[CaseWorkspace], str]
    ) -> CaseWorkspace:
        """The case's tab, made by `make` on first open; it becomes the current tab."""
        if ref not in self.by_ref:
            workspace = make()
            text = title(workspace)
            index = self.addTab(workspace, text)
            self.setTabToolTip(index, text)
            self.by_ref[ref] = workspace
        self.setCurrentWidget(self.by_ref[ref])
        return self.by_ref[ref]

    def ref_of(self, widget: QWidget | None) -> str | None:
        return next((ref for ref, w in self.by_ref.items() if w is widget), None)

    def confirm_close(self, ref: str) -> bool:
        """True when the case's tab may close: nothing unsaved, or the user lets it go."""
        workspace = self.by_ref.get(ref)
        if workspace is None or not workspace.has_unsaved_changes():
            return True
        self.setCurrentWidget(workspace)
        where = ", ".join(workspace.unsaved_tabs())
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            f"{ref} has input that is not saved ({where}). Close it and lose that input?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    def confirm_close_all(self) -> bool:
        return all(self.confirm_close(ref) for ref in list(self.by_ref))

    def close_case_at(self, index: int) -> None:
        widget = self.widget(index)
        ref = self.ref_of(widget)
        if widget is None or ref is None or not self.confirm_close(ref):
            return
        self.removeTab(index)
        del self.by_ref[ref]
        widget.deleteLater()
