"""The main window's actions (with their keys, tips and permissions) and its menus.

One place that says which command a role may use and why a greyed entry is greyed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

if TYPE_CHECKING:
    from caseapp.ui.main_window import MainWindow


def action(
    w: MainWindow,
    text: str,
    slot: Callable[[], Any],
    shortcuts: list[QKeySequence] | None = None,
    *,
    tip: str = "",
    name: str = "",
) -> QAction:
    """A window-wide action: its keys, its tip in the status bar and as a tooltip."""
    act = QAction(text, w)
    if shortcuts:
        act.setShortcuts(shortcuts)
    if tip:
        act.setStatusTip(tip)
        act.setToolTip(tip)
    act.setObjectName(name or text)
    act.triggered.connect(lambda _checked=False: slot())
    w.addAction(act)
    return act


def build_actions(w: MainWindow) -> None:
    """Every command of the window, enabled by the actor's permissions."""
    can = w.ctx.actor.can
    K = QKeySequence
    w.new_case_action = action(
        w,
        "&New case…",
        w.new_case,
        [K("Ctrl+N")],
        tip="Open a case for a new patient",
        name="new_case",
    )
    w.new_case_action.setEnabled(can("case.create"))
    if not can("case.create"):
        w.new_case_action.setStatusTip("Only facilitators and managers open cases.")
    w.reload_action = action(
        w,
        "&Reload",
        w.reload_all,
        [K("F5")],
        tip="Load the pipeline again from the database",
        name="reload",
    )
    w.quit_action = action(w, "&Quit", w.close, [K("Ctrl+Q")], name="quit")
    w.logout_action = action(
        w,
        "Log &out / switch user…",
        w.log_out,
        tip="End your session (unsaved input asks first); the log-in shows for the next person",
        name="log_out",
    )
    w.lock_action = action(
        w,
        "&Lock window",
        lambda: w.idle_lock.lock(),
        [K("Ctrl+L")],
        tip="Cover the window until your password is entered again (unsaved input stays)",
        name="lock",
    )
    w.find_action = action(
        w,
        "&Find…",
        w.focus_search,
        [K("Ctrl+F")],
        tip="Search name, ref, passport, nationality",
        name="find",
    )
    w.open_action = action(
        w,
        "&Open case",
        w.open_current,
        [K(Qt.Key.Key_Return), K(Qt.Key.Key_Enter)],
        tip="Open the selected case",
        name="open_case",
    )
    # Enter opens a case only from the pipeline (not in a case's forms): the action is
    # tied to the pipeline page below instead of the whole window.
    w.removeAction(w.open_action)
    w.open_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    w.advance_action = action(
        w,
        "&Advance to next stage",
        w.advance_current,
        [K("Ctrl+Return"), K("Ctrl+Enter")],
        tip="Move the case on if its gate holds",
        name="advance",
    )
    w.advance_action.setEnabled(can("case.advance"))
    # In a case tab the workspace's own Ctrl+Enter applies (one owner per key, or Qt
    # finds the shortcut ambiguous and runs neither); the menu entry works everywhere.
    w.removeAction(w.advance_action)
    w.advance_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    w.packets_action = action(
        w,
        "&Print travel packets of selected cases…",
        w.print_packets,
        [K("Ctrl+Shift+P")],
        tip="Write the travel packet PDF of every selected case into a folder",
        name="print_packets",
    )
    w.packets_action.setEnabled(w.ctx.actor.can("documents.generate"))
    w.close_case_action = action(
        w, "&Close case tab", w.close_current_case, [K("Ctrl+W")], name="close_case"
    )
    w.view_group = QActionGroup(w)
    w.view_actions = {}
    for n, (view, label) in enumerate(
        (("list", "&List"), ("board", "&Board"), ("dashboard", "&Dashboard")), start=1
    ):
        view_action = action(
            w, label, partial(w.show_view, view), [K(f"Ctrl+{n}")], name=f"view_{view}"
        )
        view_action.setCheckable(True)
        w.view_group.addAction(view_action)
        w.view_actions[view] = view_action
    dash = w.view_actions["dashboard"]
    dash.setEnabled(w.dashboard is not None)
    if w.dashboard is None:
        dash.setStatusTip("The dashboard is for managers (or not part of this build).")
    w.mine_action = action(w, "&My cases only", lambda: None, [K("Ctrl+M")], name="my_cases")
    w.mine_action.setCheckable(True)
    w.shortcuts_action = action(
        w, "&Keyboard shortcuts", w.show_shortcuts, [K("F1")], name="shortcuts"
    )
    w.about_action = action(w, "&About CaseApp", w.show_about, name="about")
    w.settings_action = action(
        w,
        "&Settings…",
        w.show_settings,
        [K("Ctrl+,")],
        tip="Letterhead, pipeline thresholds, database, data key, your password",
        name="settings",
    )
    w.staff_action = action(
        w,
        "&Staff and interpreters…",
        w.show_staff_admin,
        tip="Staff accounts (admins) and the interpreter roster",
        name="staff_admin",
    )
    may_staff = can("staff.manage") or can("interpreters.manage")
    w.staff_action.setEnabled(may_staff)
    if not may_staff:
        w.staff_action.setToolTip(
            f"Your role ({w.ctx.actor.role}) may not manage staff or interpreters."
        )
        w.staff_action.setStatusTip(w.staff_action.toolTip())
    w.audit_action = action(
        w,
        "&Audit trail…",
        w.show_audit,
        tip="Who changed what, when, across the office",
        name="audit_trail",
    )
    w.audit_action.setEnabled(can("audit.view"))
    if not can("audit.view"):
        w.audit_action.setToolTip("Only managers and admins see the office's audit trail.")
        w.audit_action.setStatusTip(w.audit_action.toolTip())


def build_menus(w: MainWindow) -> None:
    """File, Edit, Case, View, Tools, Help."""
    mb = w.menuBar()
    file_menu = mb.addMenu("&File")
    file_menu.addAction(w.reload_action)
    file_menu.addSeparator()
    file_menu.addAction(w.settings_action)
    file_menu.addSeparator()
    file_menu.addAction(w.lock_action)
    file_menu.addAction(w.logout_action)
    file_menu.addAction(w.quit_action)
    edit_menu = mb.addMenu("&Edit")
    edit_menu.addAction(w.find_action)
    case_menu = mb.addMenu("&Case")
    case_menu.addAction(w.new_case_action)
    case_menu.addSeparator()
    case_menu.addAction(w.open_action)
    case_menu.addAction(w.advance_action)
    case_menu.addAction(w.packets_action)
    case_menu.addSeparator()
    case_menu.addAction(w.close_case_action)
    view_menu = mb.addMenu("&View")
    for view_action in w.view_actions.values():
        view_menu.addAction(view_action)
    view_menu.addSeparator()
    view_menu.addAction(w.mine_action)
    tools_menu = mb.addMenu("&Tools")
    tools_menu.setToolTipsVisible(True)  # disabled entries say why
    tools_menu.addAction(w.staff_action)
    tools_menu.addAction(w.audit_action)
    help_menu = mb.addMenu("&Help")
    help_menu.addAction(w.shortcuts_action)
    help_menu.addAction(w.about_action)
    w.menus = {
        "File": file_menu,
        "Edit": edit_menu,
        "Case": case_menu,
        "View": view_menu,
        "Tools": tools_menu,
        "Help": help_menu,
    }
