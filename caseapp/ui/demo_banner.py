"""A demo database says so everywhere: "DEMO — " before the window title and a banner on top.

Its accounts share the README's password, so nobody should mistake it for the office's data.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QToolBar

from caseapp.services.context import ServiceContext
from caseapp.services.demo_mark import is_demo

DEMO_TITLE_PREFIX = "DEMO — "
BANNER_TEXT = (
    "DEMO DATABASE: made-up patients and demo accounts whose password is in the README. "
    "Never enter real patient data here."
)


def mark_if_demo(window: QMainWindow, ctx: ServiceContext) -> bool:
    """Prefix the title and add the banner when ctx's database is a demo one."""
    if not is_demo(ctx):
        return False
    title = window.windowTitle()
    if not title.startswith(DEMO_TITLE_PREFIX):
        window.setWindowTitle(DEMO_TITLE_PREFIX + title)
    bar = QToolBar("Demo database", window)
    bar.setObjectName("demoBanner")
    bar.setMovable(False)
    bar.setFloatable(False)
    bar.toggleViewAction().setEnabled(False)  # it cannot be hidden from the toolbar menu
    label = QLabel(BANNER_TEXT)
    label.setObjectName("demoBannerText")
    label.setStyleSheet(
        "QLabel { background: #b3261e; color: white; font-weight: bold; padding: 4px 10px; }"
    )
    bar.addWidget(label)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    return True
