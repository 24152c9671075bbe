"""Help -> Keyboard shortcuts: every menu action that has a key, and the keys widgets handle."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QMenu,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

WIDGET_KEYS = [
    ("Search box", "Clear the search", "Esc"),
    ("Search box", "Go to the list", "Down"),
    ("List and board", "Open the case", "Double-click"),
    ("Board", "Advance a case", "Drag the card to the next column"),
    ("Tabs", "Next / previous tab", "Ctrl+Tab / Ctrl+Shift+Tab"),
]


def shortcut_rows(menus: dict[str, QMenu]) -> list[tuple[str, str, str]]:
    """(menu, command, keys) for every action with a shortcut, plus keys widgets handle."""
    rows: list[tuple[str, str, str]] = []
    for menu_name, menu in menus.items():
        for action in menu.actions():
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
            if keys:
                rows.append((menu_name, action.text().replace("&", ""), " or ".join(keys)))
    return rows + WIDGET_KEYS


def shortcuts_dialog(rows: list[tuple[str, str, str]], parent: QWidget) -> QDialog:
    """A non-modal table of the shortcuts, deleted when closed."""
    dialog = QDialog(parent)
    dialog.setObjectName("shortcutsDialog")
    dialog.setWindowTitle("Keyboard shortcuts")
    browser = QTextBrowser()
    body = "".join(
        f"<tr><td style='padding:3px 12px 3px 0'><b>{html.escape(keys)}</b></td>"
        f"<td style='padding:3px 12px 3px 0'>{html.escape(what)}</td>"
        f"<td style='color:gray'>{html.escape(where)}</td></tr>"
        for where, what, keys in rows
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
    return dialog
