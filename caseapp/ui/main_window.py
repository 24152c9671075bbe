"""The main window: the pipeline (list, board, dashboard) and one closable tab per open case."""

from __future__ import annotations

import time

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from caseapp.services import cases as case_service
from caseapp.services.cases import CaseRow
from caseapp.services.context import ServiceContext
from caseapp.services.errors import DomainError
from caseapp.ui import errors, theme
from caseapp.ui.about import AboutDialog
from caseapp.ui.board import BoardView
from caseapp.ui.case_list import CaseListPage
from caseapp.ui.case_table import CaseTableModel
from caseapp.ui.case_tabs import CaseTabs
from caseapp.ui.dashboard import DashboardView
from caseapp.ui.demo_banner import mark_if_demo
from caseapp.ui.file_dialogs import choose_folder
from caseapp.ui.idle_lock import IdleLock, guard_window, log_out
from caseapp.ui.pipeline_bar import PipelineBar
from caseapp.ui.shortcuts_dialog import shortcut_rows, shortcuts_dialog
from caseapp.ui.widgets import hide_password
from caseapp.ui.window_actions import build_actions, build_menus
from caseapp.ui.window_state import restore_window_state, save_window_state
from caseapp.ui.worker import BackgroundOp, wait_for_workers
from caseapp.ui.workspace import CaseWorkspace


class MainWindow(QMainWindow):
    """Pipeline views and case tabs; every action has a menu entry and, where natural, a key."""

    casesLoaded = Signal(int)  # after each full list load, with the number of cases
    caseRefreshed = Signal(str)  # after one case's row was refreshed

    # Built by window_actions.build_actions / build_menus:
    new_case_action: QAction
    reload_action: QAction
    quit_action: QAction
    lock_action: QAction
    logout_action: QAction
    find_action: QAction
    open_action: QAction
    advance_action: QAction
    packets_action: QAction
    close_case_action: QAction
    mine_action: QAction
    shortcuts_action: QAction
    about_action: QAction
    settings_action: QAction
    staff_action: QAction
    audit_action: QAction
    view_group: QActionGroup
    view_actions: dict[str, QAction]
    menus: dict[str, QMenu]

    def __init__(
        self,
        ctx: ServiceContext,
        db_url: str = "",
        settings: QSettings | None = None,
        parent: QWidget | None = None,
        *,
        autoload: bool = True,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.db_url = hide_password(db_url)
        self.settings = settings
        self.setObjectName("mainWindow")
        actor = ctx.actor
        self.setWindowTitle(f"CaseApp — {actor.full_name or actor.login} ({actor.role})")
        self.demo = mark_if_demo(self, ctx)
        self.setWindowIcon(theme.app_icon())
        self._load_generation = 0
        self._load_started = 0.0
        self.last_load_seconds: float | None = None
        self.loading = False
        self.workspace_class: type[CaseWorkspace] = CaseWorkspace

        self.model = CaseTableModel(actor.login, self)
        self.list_page = CaseListPage(self.model)
        self.list_page.openRequested.connect(self.open_case)
        self.list_page.clearFiltersRequested.connect(self.clear_filters)
        self.board = BoardView(ctx)
        self.board.openRequested.connect(self.open_case)
        self.board.caseChanged.connect(self.refresh_case)
        self.board.advanced.connect(
            lambda ref, stage: self.statusBar().showMessage(
                f"{ref} moved to {theme.stage_label(stage)}.", 6000
            )
        )
        self.dashboard: DashboardView | None = None
        if actor.can("reports.view"):
            self.dashboard = DashboardView(ctx, None, settings=settings)
            self.dashboard.openCase.connect(self.open_case)
            self.dashboard.showCases.connect(self.show_refs)

        build_actions(self)
        self._build_pipeline_page()
        self._build_tabs()
        build_menus(self)
        self._build_status_bar()
        self.model.filterChanged.connect(self._update_counts)
        self.board.shownChanged.connect(self._update_counts)
        restore_window_state(self)
        self._update_counts()
        self.logged_out = False  # set by Log out on the lock: the app asks for a log-in again
        self.idle_lock: IdleLock = guard_window(self)
        if autoload:
            self.reload()

    # ---- construction ------------------------------------------------------------------------

    def _build_pipeline_page(self) -> None:
        """The first tab: the filter bar over the list, board and dashboard."""
        page = QWidget()
        page.setObjectName("pipelinePage")
        self.pipeline_page = page
        # Enter and Ctrl+Enter open and advance from the pipeline only (not in a case's forms).
        page.addAction(self.open_action)
        page.addAction(self.advance_action)
        self.bar = PipelineBar(self.view_actions, self.ctx.actor.login, self.dashboard is not None)
        bar = self.bar
        self.search, self.stage_combo, self.mine_check = bar.search, bar.stage_combo, bar.mine_check
        self.count_label, self.refs_label, self.refs_clear = (
            bar.count_label, bar.refs_label, bar.refs_clear
        )  # fmt: skip
        self.search.textChanged.connect(self._search_changed)
        self.stage_combo.currentIndexChanged.connect(self._stage_changed)
        self.mine_check.toggled.connect(self._mine_changed)
        self.mine_action.toggled.connect(self.mine_check.setChecked)
        self.mine_check.toggled.connect(self.mine_action.setChecked)
        bar.downPressed.connect(self._focus_results)
        bar.clearRefsRequested.connect(lambda: self.show_refs(None))

        self.view_stack = QStackedWidget()
        self.view_stack.addWidget(self.list_page)
        self.view_stack.addWidget(self.board)
        if self.dashboard is not None:
            self.view_stack.addWidget(self.dashboard)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(bar)
        layout.addWidget(self.view_stack, 1)

    def _build_tabs(self) -> None:
        self.tabs = CaseTabs(self.pipeline_page)
        self.case_tabs = self.tabs.by_ref
        self.tabs.currentChanged.connect(self._update_actions)
        self.setCentralWidget(self.tabs)

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.busy = QProgressBar()
        self.busy.setObjectName("busy")
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.db_label = QLabel(f"Database: {self.db_url}" if self.db_url else "")
        self.db_label.setObjectName("dbLabel")
        self.db_label.setToolTip(self.db_url)
        actor = self.ctx.actor
        self.user_label = QLabel(f"{actor.full_name or actor.login} · {actor.role}")
        self.user_label.setObjectName("userLabel")
        self.cases_label = QLabel()
        self.cases_label.setObjectName("casesLabel")
        for w in (self.busy, self.cases_label, self.user_label, self.db_label):
            if w is not self.busy:
                w.setContentsMargins(6, 0, 6, 0)
            sb.addPermanentWidget(w)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.idle_lock.is_locked and not self.logged_out:
            event.ignore()  # a locked window closes through Log out (which asks) only
            return
        if not self.logged_out and not self.tabs.confirm_close_all():
            event.ignore()
            return
        self.idle_lock.stop()
        save_window_state(self)
        # No background job may outlive the window (it would write into a closed database).
        wait_for_workers(timeout_ms=5000)
        super().closeEvent(event)

    # ---- loading ------------------------------------------------------------------------------

    def reload(self) -> BackgroundOp:
        """Load the whole pipeline in a worker thread; a newer load wins over an older one."""
        self._load_generation += 1
        generation = self._load_generation
        self._load_started = time.perf_counter()
        self._set_busy(True)
        ctx = self.ctx
        op = BackgroundOp(
            self,
            lambda: case_service.list_cases(ctx),
            lambda rows: self._rows_loaded(generation, rows),
        ).failure(lambda exc: self._load_failed(generation, exc))
        return op.run_in_background()

    def _rows_loaded(self, generation: int, rows: list[CaseRow]) -> None:
        if generation != self._load_generation:
            return
        self.model.set_rows(rows)
        self.board.set_rows(rows)
        self.list_page.set_loaded(True)
        self.last_load_seconds = time.perf_counter() - self._load_started
        self._set_busy(False)
        self._update_counts()
        self.statusBar().showMessage(
            f"Loaded {len(rows):,} cases in {self.last_load_seconds:.2f} s.", 4000
        )
        self.casesLoaded.emit(len(rows))

    def _load_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._load_generation:
            return
        self._set_busy(False)
        self.list_page.set_loaded(True)
        errors.show_error(self, exc)

    def _set_busy(self, busy: bool) -> None:
        self.loading = busy
        self.busy.setVisible(busy)
        self.busy.setToolTip("Loading cases…" if busy else "")
        if busy:
            self.statusBar().showMessage("Loading cases…")

    def refresh_case(self, ref: str) -> BackgroundOp:
        """After a save: fetch just this case's row (tens of ms, not a full reload)."""
        ctx = self.ctx

        def fetch() -> CaseRow | None:
            return next((r for r in case_service.list_cases(ctx, search=ref) if r.ref == ref), None)

        def apply(row: CaseRow | None) -> None:
            if row is None:
                self.reload()
                return
            self.model.replace_row(row)
            self.board.replace_row(row)
            self.caseRefreshed.emit(ref)

        return BackgroundOp(self, fetch, apply).run_in_background()

    def reload_all(self) -> None:
        """F5: the pipeline, and the open case if one is showing."""
        self.reload()
        widget = self.tabs.currentWidget()
        if widget is not self.pipeline_page and hasattr(widget, "reload"):
            widget.reload()
        for name in ("reload", "refresh"):
            if self.dashboard is not None and callable(getattr(self.dashboard, name, None)):
                getattr(self.dashboard, name)()
                break

    # ---- filters ------------------------------------------------------------------------------

    def _search_changed(self, text: str) -> None:
        self.model.set_filter(text=text)
        self.board.set_filter(text=text)

    def _stage_changed(self, _index: int) -> None:
        self.model.set_filter(stage=str(self.stage_combo.currentData() or ""))

    def _mine_changed(self, mine: bool) -> None:
        self.model.set_filter(mine=mine)
        self.board.set_filter(mine=mine)

    def show_refs(self, title: str | None, refs: list[str] | None = None) -> None:
        """Show the cases behind a dashboard figure in the list (None: every case again)."""
        if title is None or refs is None:
            self.model.set_refs(None)
            self.bar.show_refs_banner(None)
            return
        self.model.set_refs(refs, title)
        self.bar.show_refs_banner(f"{title}: {len(refs)} case{'s' * (len(refs) != 1)}")
        self.show_view("list")

    def ask_packet_folder(self) -> str:
        """The folder chooser (tests replace this method)."""
        folder = choose_folder(self, "Folder for the travel packets")
        return str(folder) if folder else ""

    def print_packets(self) -> BackgroundOp | None:
        """Travel packets of the selected cases, written in the background with progress."""
        from pathlib import Path

        from caseapp.services import documents

        refs = self.list_page.table.selected_refs()
        if not refs:
            self.statusBar().showMessage("Select one or more cases in the list first.", 6000)
            return None
        folder = self.ask_packet_folder()
        if not folder:
            return None
        ctx = self.ctx

        def done(result: documents.BatchResult) -> None:
            lines = [f"{len(result.written)} travel packet(s) written to {folder}."]
            lines += [f"{ref}: {why}" for ref, why in result.failed]
            self.last_packets = result
            self.statusBar().showMessage(lines[0], 10000)
            if result.failed:
                errors.show_error(self, DomainError("\n".join(lines)))
            self.reload_all()

        op = BackgroundOp(
            self, lambda progress: documents.write_packets(ctx, refs, Path(folder), progress), done
        ).with_progress(f"Writing {len(refs)} travel packet(s)…", title="Travel packets")
        self.packets_op = op.run_in_background()
        return self.packets_op

    def clear_filters(self) -> None:
        self.show_refs(None)
        self.bar.clear()

    def _update_counts(self) -> None:
        m = self.model
        total, shown = m.total_count(), m.visible_count()
        self.count_label.setToolTip("")
        if self.current_view() == "board":
            # The board's own figures: its search and my-cases filters, and no exit columns.
            cards, on_board = self.board.counts()
            if self.board.is_filtered():
                self.count_label.setText(f"{cards:,} of {on_board:,} cases")
            else:
                self.count_label.setText(f"{on_board:,} cases")
            if on_board < total:
                self.count_label.setToolTip(
                    f"{total - on_board:,} declined or withdrawn cases are not on the board."
                )
        elif m.is_filtered():
            self.count_label.setText(f"{shown:,} of {total:,} cases")
        else:
            self.count_label.setText(f"{total:,} cases")
        self.cases_label.setText(f"{total:,} cases")

    def _focus_results(self) -> None:
        if self.current_view() == "list" and self.model.visible_count():
            table = self.list_page.table
            table.setFocus()
            if table.current_ref() is None:
                table.selectRow(0)

    def focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.pipeline_page)
        if self.current_view() == "dashboard":
            self.show_view("list")
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # ---- views and tabs --------------------------------------------------------------------

    def current_view(self) -> str:
        widget = self.view_stack.currentWidget()
        if widget is self.board:
            return "board"
        if self.dashboard is not None and widget is self.dashboard:
            return "dashboard"
        return "list"

    def show_view(self, view: str) -> None:
        if view == "dashboard" and self.dashboard is None:
            view = "list"
        target = {"list": self.list_page, "board": self.board, "dashboard": self.dashboard}[view]
        assert target is not None
        self.view_stack.setCurrentWidget(target)
        self.view_actions[view].setChecked(True)
        self.tabs.setCurrentWidget(self.pipeline_page)
        self.bar.set_view(view)
        self._update_counts()
        self._update_actions()

    def _row(self, ref: str) -> CaseRow | None:
        return next((r for r in self.model.all_rows() if r.ref == ref), None)

    def open_case(self, ref: str) -> QWidget | None:
        """Show the case's tab, creating it on first open."""
        row = self._row(ref)
        title = f"{row.patient} · {ref}" if row else ref

        def make() -> CaseWorkspace:
            workspace = self.workspace_class(self.ctx, ref, None)
            workspace.caseChanged.connect(self._workspace_changed)
            return workspace

        def titled(workspace: CaseWorkspace) -> str:
            """One title however the case was opened: the name as the case holds it."""
            detail = getattr(workspace, "detail", None)
            return f"{detail.patient.full_name} · {ref}" if detail is not None else title

        try:
            return self.tabs.show_case(ref, make, titled)
        except DomainError as exc:
            errors.show_error(self, exc)
            return None

    def log_out(self) -> None:
        """File -> Log out: once unsaved input is agreed to be lost, the log-in shows again."""
        if self.tabs.confirm_close_all():
            log_out(self, self.idle_lock)

    def _workspace_changed(self, ref: str) -> None:
        self.refresh_case(ref or self.tabs.ref_of(self.tabs.currentWidget()) or "")

    def current_case_ref(self) -> str | None:
        """The case the user is looking at: its tab, or the selection in the list or board."""
        widget = self.tabs.currentWidget()
        if widget is not self.pipeline_page:
            return self.tabs.ref_of(widget)
        view = self.current_view()
        if view == "list":
            return self.list_page.table.current_ref()
        if view == "board":
            return self.board.current_ref()
        return None

    def open_current(self) -> None:
        ref = self.current_case_ref()
        if ref is None and self.current_view() == "list" and self.model.visible_count() == 1:
            ref = self.model.case_at(0).ref  # typed a name, pressed Enter: open the only match
        if ref is None and self.current_view() == "list":
            index = self.list_page.table.currentIndex()
            if index.isValid():
                ref = self.model.case_at(index.row()).ref
        if ref:
            self.open_case(ref)

    def close_tab(self, index: int) -> None:
        self.tabs.close_case_at(index)

    def close_current_case(self) -> None:
        index = self.tabs.currentIndex()
        if self.tabs.widget(index) is self.pipeline_page:
            self.statusBar().showMessage("The pipeline stays open; Ctrl+W closes case tabs.", 4000)
            return
        self.close_tab(index)

    def _update_actions(self, *_args: object) -> None:
        on_case = self.tabs.currentWidget() is not self.pipeline_page
        self.close_case_action.setEnabled(on_case)
        # The dashboard binds F5 itself; two owners of one key would make Qt run neither.
        on_dashboard = not on_case and self.current_view() == "dashboard"
        self.reload_action.setShortcuts([] if on_dashboard else [QKeySequence("F5")])

    # ---- commands ----------------------------------------------------------------------------

    def new_case(self) -> None:
        from caseapp.ui.new_case import NewCaseDialog

        dialog = NewCaseDialog(
            self.ctx, self, nationalities={r.nationality for r in self.model.all_rows()}
        )
        self.new_case_dialog = dialog
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.created_ref:
            self.case_created(dialog.created_ref)
        self.new_case_dialog = None  # type: ignore[assignment]
        dialog.deleteLater()

    def case_created(self, ref: str) -> None:
        """A new case exists: load it into the pipeline and open it."""
        self.statusBar().showMessage(f"Opened case {ref}.", 6000)
        self.reload()
        self.open_case(ref)

    def advance_current(self) -> bool:
        """Ctrl+Enter: advance the case in view (board: the selected card)."""
        if not self.ctx.actor.can("case.advance"):
            return False
        widget = self.tabs.currentWidget()
        if widget is self.pipeline_page and self.current_view() == "board":
            return self.board.advance_selected()
        if widget is not self.pipeline_page and callable(getattr(widget, "advance", None)):
            widget.advance()  # type: ignore[attr-defined]  # the workspace asks for confirmation and shows blockers itself
            return True
        ref = self.current_case_ref()
        if not ref:
            self.statusBar().showMessage("Select a case to advance.", 4000)
            return False
        return self.advance_case(ref)

    def advance_case(self, ref: str) -> bool:
        try:
            stage = case_service.advance(self.ctx, ref)
        except Exception as exc:
            errors.show_error(self, exc)
            return False
        self.statusBar().showMessage(f"{ref} moved to {theme.stage_label(stage)}.", 6000)
        widget = self.case_tabs.get(ref)
        if widget is not None and hasattr(widget, "reload"):
            widget.reload()
        self.refresh_case(ref)
        return True

    # ---- help --------------------------------------------------------------------------------

    def shortcut_rows(self) -> list[tuple[str, str, str]]:
        return shortcut_rows(self.menus)

    def show_shortcuts(self) -> QDialog:
        dialog = shortcuts_dialog(self.shortcut_rows(), self)
        dialog.show()
        self.shortcuts_dialog = dialog
        return dialog

    def show_settings(self) -> QDialog:
        """Settings (non-modal); the letterhead and thresholds apply from the next use."""
        from caseapp.ui.settings.dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx, self.db_url, self)
        dialog.screen_lock.minutesSaved.connect(self.idle_lock.set_minutes)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.settings_dialog = dialog
        return dialog

    def show_staff_admin(self) -> QDialog | None:
        from caseapp.ui.staff_admin import StaffAdminDialog

        if not self.staff_action.isEnabled():
            return None
        dialog = StaffAdminDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.staff_dialog = dialog
        return dialog

    def show_audit(self) -> QDialog | None:
        """The office-wide trail; double-clicking an entry of a case opens it here."""
        from caseapp.ui.audit_viewer import AuditViewer

        if not self.ctx.actor.can("audit.view"):
            return None
        viewer = AuditViewer(self.ctx, self)
        viewer.openCase.connect(self.open_case)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.show()
        self.audit_viewer = viewer
        return viewer

    def show_about(self) -> None:
        dialog = AboutDialog(self.db_url, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.about_dialog = dialog
