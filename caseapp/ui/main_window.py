"""The main window: the pipeline (list, board, dashboard) and one closable tab per open case."""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTabBar,
    QTabWidget,
    QTextBrowser,
    QToolButton,
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
from caseapp.ui.case_list import ALL, OPEN, CaseListPage, CaseTableModel
from caseapp.ui.dashboard import DashboardView
from caseapp.ui.demo_banner import mark_if_demo
from caseapp.ui.widgets import hide_password
from caseapp.ui.worker import BackgroundOp, wait_for_workers
from caseapp.ui.workspace import CaseWorkspace

VIEWS = ("list", "board", "dashboard")


class MainWindow(QMainWindow):
    """Pipeline views and case tabs; every action has a menu entry and, where natural, a key."""

    casesLoaded = Signal(int)  # after each full list load, with the number of cases
    caseRefreshed = Signal(str)  # after one case's row was refreshed

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
        self.case_tabs: dict[str, QWidget] = {}
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

        self._build_actions()
        self._build_pipeline_page()
        self._build_tabs()
        self._build_menus()
        self._build_status_bar()
        self.model.filterChanged.connect(self._update_counts)
        self.board.shownChanged.connect(self._update_counts)
        self._restore_settings()
        self._update_counts()
        if autoload:
            self.reload()

    # ---- construction ------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Callable[[], Any],
        shortcuts: list[QKeySequence] | None = None,
        *,
        tip: str = "",
        name: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcuts:
            action.setShortcuts(shortcuts)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.setObjectName(name or text)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        can = self.ctx.actor.can
        K = QKeySequence
        self.new_case_action = self._action(
            "&New case…",
            self.new_case,
            [K("Ctrl+N")],
            tip="Open a case for a new patient",
            name="new_case",
        )
        self.new_case_action.setEnabled(can("case.create"))
        if not can("case.create"):
            self.new_case_action.setStatusTip("Only facilitators and managers open cases.")
        self.reload_action = self._action(
            "&Reload",
            self.reload_all,
            [K("F5")],
            tip="Load the pipeline again from the database",
            name="reload",
        )
        self.quit_action = self._action("&Quit", self.close, [K("Ctrl+Q")], name="quit")
        self.find_action = self._action(
            "&Find…",
            self.focus_search,
            [K("Ctrl+F")],
            tip="Search name, ref, passport, nationality",
            name="find",
        )
        self.open_action = self._action(
            "&Open case",
            self.open_current,
            [K(Qt.Key.Key_Return), K(Qt.Key.Key_Enter)],
            tip="Open the selected case",
            name="open_case",
        )
        # Enter opens a case only from the pipeline (not in a case's forms): the action is
        # tied to the pipeline page below instead of the whole window.
        self.removeAction(self.open_action)
        self.open_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.advance_action = self._action(
            "&Advance to next stage",
            self.advance_current,
            [K("Ctrl+Return"), K("Ctrl+Enter")],
            tip="Move the case on if its gate holds",
            name="advance",
        )
        self.advance_action.setEnabled(can("case.advance"))
        # In a case tab the workspace's own Ctrl+Enter applies (one owner per key, or Qt
        # finds the shortcut ambiguous and runs neither); the menu entry works everywhere.
        self.removeAction(self.advance_action)
        self.advance_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.packets_action = self._action(
            "&Print travel packets of selected cases…",
            self.print_packets,
            [K("Ctrl+Shift+P")],
            tip="Write the travel packet PDF of every selected case into a folder",
            name="print_packets",
        )
        self.packets_action.setEnabled(self.ctx.actor.can("documents.generate"))
        self.close_case_action = self._action(
            "&Close case tab", self.close_current_case, [K("Ctrl+W")], name="close_case"
        )
        self.view_group = QActionGroup(self)
        self.view_actions: dict[str, QAction] = {}
        for n, (view, label) in enumerate(
            (("list", "&List"), ("board", "&Board"), ("dashboard", "&Dashboard")), start=1
        ):
            action = self._action(
                label, partial(self.show_view, view), [K(f"Ctrl+{n}")], name=f"view_{view}"
            )
            action.setCheckable(True)
            self.view_group.addAction(action)
            self.view_actions[view] = action
        dash = self.view_actions["dashboard"]
        dash.setEnabled(self.dashboard is not None)
        if self.dashboard is None:
            dash.setStatusTip("The dashboard is for managers (or not part of this build).")
        self.mine_action = self._action(
            "&My cases only", lambda: None, [K("Ctrl+M")], name="my_cases"
        )
        self.mine_action.setCheckable(True)
        self.shortcuts_action = self._action(
            "&Keyboard shortcuts", self.show_shortcuts, [K("F1")], name="shortcuts"
        )
        self.about_action = self._action("&About CaseApp", self.show_about, name="about")
        self.settings_action = self._action(
            "&Settings…",
            self.show_settings,
            [K("Ctrl+,")],
            tip="Letterhead, pipeline thresholds, database, data key, your password",
            name="settings",
        )
        self.staff_action = self._action(
            "&Staff and interpreters…",
            self.show_staff_admin,
            tip="Staff accounts (admins) and the interpreter roster",
            name="staff_admin",
        )
        may_staff = can("staff.manage") or can("interpreters.manage")
        self.staff_action.setEnabled(may_staff)
        if not may_staff:
            self.staff_action.setToolTip(
                f"Your role ({self.ctx.actor.role}) may not manage staff or interpreters."
            )
            self.staff_action.setStatusTip(self.staff_action.toolTip())
        self.audit_action = self._action(
            "&Audit trail…",
            self.show_audit,
            tip="Who changed what, when, across the office",
            name="audit_trail",
        )
        self.audit_action.setEnabled(can("audit.view"))
        if not can("audit.view"):
            self.audit_action.setToolTip("Only managers and admins see the office's audit trail.")
            self.audit_action.setStatusTip(self.audit_action.toolTip())

    def _build_pipeline_page(self) -> None:
        page = QWidget()
        page.setObjectName("pipelinePage")
        self.pipeline_page = page
        page.addAction(self.open_action)
        page.addAction(self.advance_action)

        switch = QWidget()
        switch_layout = QHBoxLayout(switch)
        switch_layout.setContentsMargins(0, 0, 0, 0)
        switch_layout.setSpacing(0)
        self.view_buttons = QButtonGroup(self)
        for view in VIEWS:
            button = QToolButton()
            button.setDefaultAction(self.view_actions[view])
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setObjectName(f"viewButton_{view}")
            switch_layout.addWidget(button)
            if view == "dashboard" and self.dashboard is None:
                button.hide()

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText("Search name, ref, passport or nationality  (Ctrl+F)")
        self.search.setMinimumWidth(340)
        self.search.textChanged.connect(self._search_changed)
        self.search.installEventFilter(self)

        self.stage_combo = QComboBox()
        self.stage_combo.setObjectName("stageFilter")
        self.stage_combo.addItem("All stages", ALL)
        self.stage_combo.addItem("Open stages", OPEN)
        self.stage_combo.insertSeparator(2)
        for stage in theme.ALL_STAGES:
            self.stage_combo.addItem(theme.stage_label(stage), stage)
        self.stage_combo.setToolTip("Show only cases in this stage")
        self.stage_combo.currentIndexChanged.connect(self._stage_changed)

        self.mine_check = QCheckBox("My cases only")
        self.mine_check.setObjectName("myCases")
        self.mine_check.setToolTip(f"Only cases owned by {self.ctx.actor.login} (Ctrl+M)")
        self.mine_check.toggled.connect(self._mine_changed)
        self.mine_action.toggled.connect(self.mine_check.setChecked)
        self.mine_check.toggled.connect(self.mine_action.setChecked)

        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.refs_label = QLabel()
        self.refs_label.setObjectName("refsLabel")
        self.refs_label.setStyleSheet("QLabel { background: #fff4d6; padding: 2px 8px; }")
        self.refs_clear = QPushButton("Show all cases")
        self.refs_clear.setObjectName("refsClear")
        self.refs_clear.clicked.connect(lambda: self.show_refs(None))
        for w in (self.refs_label, self.refs_clear):
            w.hide()

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(switch)
        bar.addSpacing(12)
        bar.addWidget(self.search, 2)
        bar.addWidget(self.stage_combo)
        bar.addWidget(self.mine_check)
        bar.addWidget(self.refs_label)
        bar.addWidget(self.refs_clear)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        self.filter_widgets: list[QWidget] = [
            self.search, self.stage_combo, self.mine_check, self.count_label
        ]  # fmt: skip

        self.view_stack = QStackedWidget()
        self.view_stack.addWidget(self.list_page)
        self.view_stack.addWidget(self.board)
        if self.dashboard is not None:
            self.view_stack.addWidget(self.dashboard)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(bar)
        layout.addWidget(self.view_stack, 1)

    def _build_tabs(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.setElideMode(Qt.TextElideMode.ElideRight)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.addTab(self.pipeline_page, "Pipeline")
        bar = self.tabs.tabBar()
        for side in (QTabBar.ButtonPosition.RightSide, QTabBar.ButtonPosition.LeftSide):
            bar.setTabButton(0, side, None)
        bar.tabMoved.connect(self._keep_pipeline_first)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self._update_actions)
        self.setCentralWidget(self.tabs)

    def _build_menus(self) -> None:
        mb = self.menuBar()
        file_menu = mb.addMenu("&File")
        file_menu.addAction(self.new_case_action)
        file_menu.addAction(self.reload_action)
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = mb.addMenu("&Edit")
        edit_menu.addAction(self.find_action)
        case_menu = mb.addMenu("&Case")
        case_menu.addAction(self.open_action)
        case_menu.addAction(self.advance_action)
        case_menu.addAction(self.packets_action)
        case_menu.addSeparator()
        case_menu.addAction(self.close_case_action)
        view_menu = mb.addMenu("&View")
        for action in self.view_actions.values():
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.mine_action)
        tools_menu = mb.addMenu("&Tools")
        tools_menu.setToolTipsVisible(True)  # disabled entries say why
        tools_menu.addAction(self.staff_action)
        tools_menu.addAction(self.audit_action)
        help_menu = mb.addMenu("&Help")
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)
        self.menus = {
            "File": file_menu,
            "Edit": edit_menu,
            "Case": case_menu,
            "View": view_menu,
            "Tools": tools_menu,
            "Help": help_menu,
        }

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

    # ---- settings ----------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        s = self.settings
        view = "list"
        if s is not None:
            geometry = s.value("window/geometry")
            restored = isinstance(geometry, QByteArray | bytes) and self.restoreGeometry(geometry)
            if not restored:
                self.resize(1280, 800)
            header = s.value("list/header")
            if isinstance(header, QByteArray | bytes):
                self.list_page.table.horizontalHeader().restoreState(header)
            column = int(str(s.value("list/sort_column", 0) or 0))
            descending = bool(s.value("list/sort_descending", False, type=bool))
            self.list_page.table.sortByColumn(
                column,
                Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder,
            )
            self.search.setText(str(s.value("list/search", "") or ""))
            stage_index = self.stage_combo.findData(str(s.value("list/stage", "") or ""))
            self.stage_combo.setCurrentIndex(max(0, stage_index))
            self.mine_check.setChecked(bool(s.value("list/mine", False, type=bool)))
            view = str(s.value("view/current", "list") or "list")
        else:
            self.resize(1280, 800)
        self.show_view(view if view in VIEWS else "list")

    def save_settings(self) -> None:
        s = self.settings
        if s is None:
            return
        s.setValue("window/geometry", self.saveGeometry())
        table = self.list_page.table
        s.setValue("list/header", table.horizontalHeader().saveState())
        s.setValue("list/sort_column", self.model.sort_column)
        s.setValue("list/sort_descending", self.model.sort_order == Qt.SortOrder.DescendingOrder)
        s.setValue("list/search", self.search.text())
        s.setValue("list/stage", self.stage_combo.currentData() or "")
        s.setValue("list/mine", self.mine_check.isChecked())
        s.setValue("view/current", self.current_view())
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        for ref in list(self.case_tabs):
            if not self._confirm_close(ref):
                event.ignore()
                return
        self.save_settings()
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
            self.refs_label.hide()
            self.refs_clear.hide()
            return
        self.model.set_refs(refs, title)
        self.refs_label.setText(f"{title}: {len(refs)} case{'s' * (len(refs) != 1)}")
        self.refs_label.show()
        self.refs_clear.show()
        self.show_view("list")

    def ask_packet_folder(self) -> str:
        """The folder chooser (tests replace this method)."""
        return QFileDialog.getExistingDirectory(self, "Folder for the travel packets")

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
        self.search.clear()
        self.stage_combo.setCurrentIndex(0)
        self.mine_check.setChecked(False)

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

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
            if event.key() == Qt.Key.Key_Down:
                self._focus_results()
                return True
        return super().eventFilter(watched, event)

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
        self.stage_combo.setEnabled(view == "list")
        self.stage_combo.setToolTip(
            "Show only cases in this stage"
            if view == "list"
            else "The board shows every stage as a column"
        )
        for w in self.filter_widgets:
            w.setVisible(view != "dashboard")
        self._update_counts()
        self._update_actions()

    def _keep_pipeline_first(self, _from: int, _to: int) -> None:
        if self.tabs.indexOf(self.pipeline_page) != 0:
            self.tabs.tabBar().moveTab(self.tabs.indexOf(self.pipeline_page), 0)

    def _row(self, ref: str) -> CaseRow | None:
        return next((r for r in self.model.all_rows() if r.ref == ref), None)

    def open_case(self, ref: str) -> QWidget | None:
        """Show the case's tab, creating it on first open."""
        if ref in self.case_tabs:
            self.tabs.setCurrentWidget(self.case_tabs[ref])
            return self.case_tabs[ref]
        row = self._row(ref)
        try:
            widget = self.workspace_class(self.ctx, ref, None)
        except DomainError as exc:
            errors.show_error(self, exc)
            return None
        widget.caseChanged.connect(self._workspace_changed)
        title = f"{row.patient} · {ref}" if row else ref
        index = self.tabs.addTab(widget, title)
        self.tabs.setTabToolTip(index, title)
        self.case_tabs[ref] = widget
        self.tabs.setCurrentIndex(index)
        return widget

    def _workspace_changed(self, ref: str) -> None:
        self.refresh_case(ref or self._ref_of(self.tabs.currentWidget()) or "")

    def _ref_of(self, widget: QWidget | None) -> str | None:
        return next((ref for ref, w in self.case_tabs.items() if w is widget), None)

    def current_case_ref(self) -> str | None:
        """The case the user is looking at: its tab, or the selection in the list or board."""
        widget = self.tabs.currentWidget()
        if widget is not self.pipeline_page:
            return self._ref_of(widget)
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

    def _confirm_close(self, ref: str) -> bool:
        widget = self.case_tabs.get(ref)
        unsaved = getattr(widget, "has_unsaved_changes", None)
        if widget is not None and callable(unsaved) and unsaved():
            self.tabs.setCurrentWidget(widget)
            answer = QMessageBox.question(
                self,
                "Unsaved changes",
                f"{ref} has changes that are not saved. Close it and lose them?",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            return answer == QMessageBox.StandardButton.Discard
        return True

    def close_tab(self, index: int) -> None:
        widget = self.tabs.widget(index)
        ref = self._ref_of(widget)
        if widget is None or widget is self.pipeline_page or ref is None:
            return
        if not self._confirm_close(ref):
            return
        self.tabs.removeTab(index)
        del self.case_tabs[ref]
        widget.deleteLater()

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
        """(menu, command, keys) for every action with a shortcut, plus keys widgets handle."""
        rows: list[tuple[str, str, str]] = []
        for menu_name, menu in self.menus.items():
            for action in menu.actions():
                keys = [
                    k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()
                ]
                if keys:
                    rows.append((menu_name, action.text().replace("&", ""), " or ".join(keys)))
        rows += [
            ("Search box", "Clear the search", "Esc"),
            ("Search box", "Go to the list", "Down"),
            ("List and board", "Open the case", "Double-click"),
            ("Board", "Advance a case", "Drag the card to the next column"),
            ("Tabs", "Next / previous tab", "Ctrl+Tab / Ctrl+Shift+Tab"),
        ]
        return rows

    def show_shortcuts(self) -> QDialog:
        dialog = QDialog(self)
        dialog.setObjectName("shortcutsDialog")
        dialog.setWindowTitle("Keyboard shortcuts")
        browser = QTextBrowser()
        body = "".join(
            f"<tr><td style='padding:3px 12px 3px 0'><b>{html.escape(keys)}</b></td>"
            f"<td style='padding:3px 12px 3px 0'>{html.escape(what)}</td>"
            f"<td style='color:gray'>{html.escape(where)}</td></tr>"
            for where, what, keys in self.shortcut_rows()
        )
        browser.setHtml(f"<table>{body}</table>")
        browser.setFrameShape(QFrame.Shape.NoFrame)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(browser)
        layout.addWidget(buttons)
        dialog.resize(560, 520)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.shortcuts_dialog = dialog
        return dialog

    def show_settings(self) -> QDialog:
        """Settings (non-modal); the letterhead and thresholds apply from the next use."""
        from caseapp.ui.settings.dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx, self.db_url, self)
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
