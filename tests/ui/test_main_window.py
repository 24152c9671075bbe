"""The window: title, menus and shortcuts, status bar, case tabs, settings that persist."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from caseapp.services import cases as case_service
from caseapp.services.context import ServiceContext
from caseapp.services.errors import Blocked
from caseapp.ui import theme
from caseapp.ui.dashboard import DashboardView
from caseapp.ui.main_window import MainWindow
from caseapp.ui.widgets import hide_password


def keys(action) -> set[str]:  # type: ignore[no-untyped-def]
    return {k.toString(QKeySequence.SequenceFormat.PortableText) for k in action.shortcuts()}


def test_title_names_the_user_and_role_and_says_demo(window: MainWindow) -> None:
    assert window.windowTitle() == "DEMO — CaseApp — Fatima Rahman (facilitator)"
    banner = window.findChild(QLabel, "demoBannerText")
    assert banner is not None and banner.text().startswith("DEMO DATABASE")
    assert not banner.isHidden()


def test_an_office_database_has_no_demo_banner(qtbot, system_ctx) -> None:  # type: ignore[no-untyped-def]
    from caseapp.services import first_run

    admin = first_run.create_office(
        system_ctx, first_run.FirstAdmin("anna", "Anna Berg", "a long password")
    )
    office = MainWindow(system_ctx.as_actor(admin), autoload=False)
    qtbot.addWidget(office)
    assert office.windowTitle() == "CaseApp — Anna Berg (admin)"
    assert office.findChild(QLabel, "demoBannerText") is None


def test_every_required_shortcut_exists_and_none_is_ambiguous(window: MainWindow) -> None:
    assert "Ctrl+N" in keys(window.new_case_action)
    assert "F5" in keys(window.reload_action)
    assert "Ctrl+F" in keys(window.find_action)
    assert "Ctrl+Return" in keys(window.advance_action)
    assert "Ctrl+W" in keys(window.close_case_action)
    assert "Return" in keys(window.open_action)
    assert "Ctrl+Q" in keys(window.quit_action)
    assert [keys(window.view_actions[v]) for v in ("list", "board", "dashboard")] == [
        {"Ctrl+1"},
        {"Ctrl+2"},
        {"Ctrl+3"},
    ]
    menus = {
        name: [a.text().replace("&", "") for a in m.actions()] for name, m in window.menus.items()
    }
    assert "Reload" in menus["File"] and "Quit" in menus["File"]
    assert "Log out / switch user…" in menus["File"]
    case_entries = {"New case…", "Open case", "Advance to next stage", "Close case tab"}
    assert case_entries <= set(menus["Case"])
    assert {"List", "Board", "Dashboard"} <= set(menus["View"])
    assert {"Keyboard shortcuts", "About CaseApp"} <= set(menus["Help"])
    seen: dict[str, str] = {}
    for action in window.findChildren(type(window.new_case_action)):
        for k in keys(action):
            assert k not in seen, f"{k} is bound to both {seen[k]} and {action.text()}"
            seen[k] = action.text()


def test_shortcuts_dialog_lists_every_shortcut(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.show_shortcuts()
    qtbot.addWidget(dialog)
    listed = {row[2] for row in window.shortcut_rows()}
    for action in window.findChildren(type(window.new_case_action)):
        for k in action.shortcuts():
            native = k.toString(QKeySequence.SequenceFormat.NativeText)
            assert any(native in entry for entry in listed), native


def test_ctrl_f_focuses_search_from_a_case_tab(qtbot: QtBot, window: MainWindow) -> None:
    window.open_case(window.model.case_at(0).ref)
    assert window.tabs.currentIndex() == 1
    window.find_action.trigger()
    assert window.tabs.currentWidget() is window.pipeline_page
    qtbot.waitUntil(lambda: window.search.hasFocus() or not window.isActiveWindow(), timeout=2000)


def test_status_bar_shows_database_user_and_count(window: MainWindow) -> None:
    assert window.db_label.text().startswith(("Database: sqlite:///", "Database: postgresql"))
    assert window.user_label.text() == "Fatima Rahman · facilitator"
    assert window.cases_label.text() == "30 cases"
    url = "postgresql+psycopg://caseapp:s3cret@db.office/caseapp"
    assert hide_password(url) == "postgresql+psycopg://caseapp:***@db.office/caseapp"
    assert hide_password("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_case_tabs_open_once_and_close_with_ctrl_w(window: MainWindow) -> None:
    a, b = window.model.case_at(0).ref, window.model.case_at(1).ref
    window.open_case(a)
    window.open_case(b)
    window.open_case(a)
    assert window.tabs.count() == 3 and list(window.case_tabs) == [a, b]
    assert window.tabs.currentWidget() is window.case_tabs[a]
    window.close_case_action.trigger()
    assert list(window.case_tabs) == [b]
    window.tabs.setCurrentIndex(0)
    window.close_case_action.trigger()  # the pipeline tab never closes
    window.close_tab(0)
    assert window.tabs.widget(0) is window.pipeline_page and window.tabs.count() == 2


class FakeWorkspace(QWidget):
    """Stands in for the workspace contract: (ctx, ref, parent), caseChanged, reload()."""

    caseChanged = Signal(str)

    def __init__(self, ctx: ServiceContext, ref: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ref = ref
        self.reloads = 0

    def reload(self) -> None:
        self.reloads += 1

    def has_unsaved_changes(self) -> bool:
        return False

    def unsaved_tabs(self) -> list[str]:
        return []


def test_workspace_save_refreshes_that_case_in_list_and_board(
    qtbot: QtBot, window: MainWindow, facilitator_ctx: ServiceContext
) -> None:
    window.workspace_class = FakeWorkspace
    row = next(r for r in window.model.all_rows() if r.blockers == 0 and r.stage == "records")
    ws = window.open_case(row.ref)
    assert isinstance(ws, FakeWorkspace)
    case_service.advance(facilitator_ctx, row.ref)  # what a save in the workspace does
    with qtbot.wait_signal(window.caseRefreshed, timeout=5000):
        ws.caseChanged.emit(row.ref)
    fresh = next(r for r in window.model.all_rows() if r.ref == row.ref)
    assert fresh.stage == "eligibility"
    assert row.ref in {c.ref for c in window.board.cards("eligibility")}
    window.reload_action.trigger()  # F5 reloads the open case too
    assert ws.reloads == 1


def test_advance_from_the_list_shows_every_blocker(
    window: MainWindow, facilitator_ctx: ServiceContext, shown_errors: list[BaseException]
) -> None:
    row = next(r for r in window.model.all_rows() if r.blockers and r.stage in theme.OPEN_STAGES)
    window.list_page.table.select_ref(row.ref)
    window.advance_action.trigger()
    assert len(shown_errors) == 1 and isinstance(shown_errors[0], Blocked)
    assert len(shown_errors[0].blockers) == row.blockers
    assert case_service.case_detail(facilitator_ctx, row.ref).stage == row.stage


def test_settings_round_trip(
    qtbot: QtBot, make_window, facilitator_ctx: ServiceContext, settings: QSettings
) -> None:
    first = make_window(facilitator_ctx)
    first.resize(1111, 777)
    first.search.setText("a")
    first.stage_combo.setCurrentIndex(first.stage_combo.findData("open"))
    first.mine_check.setChecked(True)
    first.list_page.table.sortByColumn(6, Qt.SortOrder.DescendingOrder)
    first.show_view("board")
    first.close()
    assert settings.value("list/search") == "a"

    second = make_window(facilitator_ctx)
    assert second.search.text() == "a"
    assert second.stage_combo.currentData() == "open"
    assert second.mine_check.isChecked()
    assert second.current_view() == "board"
    assert (second.model.sort_column, second.model.sort_order) == (6, Qt.SortOrder.DescendingOrder)
    # The offscreen screen is small, so the platform may shrink the restored window: check
    # that the geometry was kept and is accepted back.
    assert second.restoreGeometry(settings.value("window/geometry"))
    # The filters apply to the loaded rows, not just to the widgets.
    rows = second.model.visible_rows()
    assert rows and all(r.owner == "fatima" and r.stage in theme.OPEN_STAGES for r in rows)


def test_managers_have_the_dashboard_view(make_window, manager_ctx: ServiceContext) -> None:
    window = make_window(manager_ctx)
    assert isinstance(window.dashboard, DashboardView)
    window.view_actions["dashboard"].trigger()
    assert window.current_view() == "dashboard" and not window.search.isVisibleTo(window)
    ref = window.model.case_at(0).ref
    window.dashboard.openCase.emit(ref)
    assert ref in window.case_tabs


def test_without_reports_permission_the_dashboard_view_is_disabled(
    make_window, facilitator_ctx: ServiceContext
) -> None:
    window = make_window(facilitator_ctx)
    assert window.dashboard is None
    assert not window.view_actions["dashboard"].isEnabled()
    window.show_view("dashboard")
    assert window.current_view() == "list"


def test_closing_a_case_tab_with_typed_input_asks_and_cancel_keeps_it(
    qtbot: QtBot, window: MainWindow, monkeypatch
) -> None:
    from PySide6.QtWidgets import QLineEdit, QMessageBox

    ref = window.model.case_at(0).ref
    ws = window.open_case(ref)
    assert ws is not None and not ws.has_unsaved_changes()  # a freshly loaded case is clean
    ws.reload()
    assert not ws.has_unsaved_changes()  # a reload refills forms: nothing the user typed
    overview = ws.area_tabs["overview"]
    field = next(
        e for e in overview.findChildren(QLineEdit) if e.isEnabled() and not e.isReadOnly()
    )
    qtbot.keyClicks(field, " typed")
    assert ws.has_unsaved_changes() and "Overview" in " ".join(ws.unsaved_tabs())
    asked: list[str] = []

    def answer(button):  # type: ignore[no-untyped-def]
        def question(_parent, _title, text, *_args):  # type: ignore[no-untyped-def]
            asked.append(text)
            return button
        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    window.close_case_action.trigger()
    assert asked and ref in asked[0] and ref in window.case_tabs
    assert field.text().endswith(" typed")  # the input stays
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Discard))
    window.close_case_action.trigger()
    assert ref not in window.case_tabs


def test_a_successful_save_makes_the_tab_clean_again(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QLineEdit

    ws = window.open_case(window.model.case_at(0).ref)
    assert ws is not None
    tab = ws.area_tabs["overview"]
    field = next(e for e in tab.findChildren(QLineEdit) if e.isEnabled() and not e.isReadOnly())
    qtbot.keyClicks(field, "x")
    assert ws.has_unsaved_changes()
    tab.changed.emit()  # what every tab emits after its service call succeeded
    assert not ws.has_unsaved_changes()


def test_a_case_tab_is_titled_by_the_case_however_it_was_opened(window: MainWindow) -> None:
    row = window.model.case_at(0)
    window.model.set_rows([r for r in window.model.all_rows() if r.ref != row.ref])
    window.open_case(row.ref)  # not in the list (as from the audit viewer or a dashboard figure)
    index = window.tabs.indexOf(window.case_tabs[row.ref])
    assert window.tabs.tabText(index) == f"{row.patient} · {row.ref}"


def test_log_out_from_the_file_menu_ends_the_window_for_the_next_login(
    window: MainWindow,
) -> None:
    window.logout_action.trigger()
    assert window.logged_out and not window.isVisible()
