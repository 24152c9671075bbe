"""A wheel over a combo, spin or date field without keyboard focus changes nothing, anywhere.

Every tab of a case in every stage, every dialog those tabs open, and every window-level dialog
is walked; each field gets wheel notches both ways while another widget has the focus.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QWidget,
)
from pytestqt.qtbot import QtBot

from caseapp.services import cases
from caseapp.services.context import ServiceContext
from caseapp.services.staff import actor_for
from caseapp.ui.audit_viewer import AuditViewer
from caseapp.ui.new_case import NewCaseDialog
from caseapp.ui.settings.dialog import SettingsDialog
from caseapp.ui.staff_admin import StaffAdminDialog
from caseapp.ui.welcome import WelcomeWizard
from caseapp.ui.wheel_guard import WheelGuard
from caseapp.ui.workspace import CaseWorkspace

from .conftest import ScriptedPrompts

Field = QComboBox | QAbstractSpinBox


def fields(root: QWidget) -> Iterator[Field]:
    yield from root.findChildren(QComboBox)
    yield from root.findChildren(QAbstractSpinBox)


def value(field: Field) -> object:
    return field.currentIndex() if isinstance(field, QComboBox) else field.text()


def wheel(field: QWidget, notches: int) -> None:
    """What a mouse wheel over the middle of `field` sends (to the child under the pointer)."""
    centre = field.rect().center()
    target = field.childAt(centre) or field
    at = QPointF(target.mapFrom(field, centre))
    event = QWheelEvent(
        at, QPointF(field.mapToGlobal(centre)), QPoint(0, 0), QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
        False,
    )  # fmt: skip
    QApplication.sendEvent(target, event)


def assert_wheel_changes_nothing(root: QWidget, where: str) -> int:
    checked = 0
    for field in fields(root):
        field.ensurePolished()  # as when its page is first shown
        assert field.focusPolicy() != Qt.FocusPolicy.WheelFocus, f"{where}: {field!r}"
        field.clearFocus()
        before = value(field)
        for notches in (1, -1, 3, -3):
            wheel(field, notches)
            assert value(field) == before, f"{where}: the wheel changed {field.objectName()!r}"
        checked += 1
    return checked


def test_the_product_application_has_the_guard(qapp: QApplication) -> None:
    assert qapp.findChildren(WheelGuard)


def test_a_focused_field_still_takes_the_wheel(qtbot: QtBot) -> None:
    """The control for the tests below: the event does reach a field that has the focus."""
    combo = QComboBox()
    combo.addItems(["a", "b", "c"])
    qtbot.addWidget(combo)
    combo.show()
    qtbot.waitExposed(combo)
    combo.activateWindow()
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    wheel(combo, -1)
    assert combo.currentIndex() == 1
    combo.clearFocus()
    wheel(combo, -1)
    assert combo.currentIndex() == 1


STAGE_REFS = sorted(
    {"records": "CA-2026-0001", "eligibility": "CA-2026-0002", "visa": "CA-2026-0003",
     "lodging": "CA-2026-0004", "interpreters": "CA-2026-0005", "treatment": "CA-2026-0006",
     "followup": "CA-2026-0007", "closed": "CA-2026-0008", "declined": "CA-2026-0009",
     "withdrawn": "CA-2026-0010"}.items()
)  # fmt: skip


@pytest.mark.qt_log_ignore("This plugin does not support")
@pytest.mark.parametrize(("stage", "ref"), STAGE_REFS, ids=[s for s, _ in STAGE_REFS])
def test_wheel_changes_no_field_of_any_tab(
    qtbot: QtBot, manager_ctx: ServiceContext, prompts: ScriptedPrompts, stage: str, ref: str
) -> None:
    assert cases.case_detail(manager_ctx, ref).stage == stage
    ws = CaseWorkspace(manager_ctx, ref, prompts=prompts)
    qtbot.addWidget(ws)
    ws.resize(1400, 900)
    ws.show()
    checked = 0
    for i in range(ws.tabs.count()):
        ws.tabs.setCurrentIndex(i)
        checked += assert_wheel_changes_nothing(ws.tabs.widget(i), ws.tabs.tabText(i))
    assert checked >= 10


@pytest.mark.qt_log_ignore("This plugin does not support")
def test_wheel_changes_no_field_of_any_tab_dialog(
    qtbot: QtBot, manager_ctx: ServiceContext, prompts: ScriptedPrompts
) -> None:
    ws = CaseWorkspace(manager_ctx, "CA-2026-0006", prompts=prompts)  # every dialog may open
    qtbot.addWidget(ws)
    ws.show()
    opened = 0
    for tab in ws.area_tabs.values():
        for button in tab.findChildren(QAbstractButton):
            text = button.text()
            if not button.isEnabled() or not text.startswith(("Add", "Edit")):
                continue
            before = set(tab.findChildren(QDialog))
            button.click()
            for dialog in set(tab.findChildren(QDialog)) - before:
                if dialog.isVisible():
                    opened += 1
                    assert_wheel_changes_nothing(dialog, f"{tab.title}: {dialog.windowTitle()}")
                    dialog.reject()
    assert opened >= 5


@pytest.mark.qt_log_ignore("This plugin does not support")
def test_wheel_changes_no_field_of_the_window_dialogs(
    qtbot: QtBot, manager_ctx: ServiceContext, demo_db: ServiceContext, tmp_path: Path
) -> None:
    admin_ctx = demo_db.as_actor(actor_for(demo_db, "kevin"))
    dialogs: list[QDialog] = [
        NewCaseDialog(manager_ctx),
        SettingsDialog(admin_ctx),
        StaffAdminDialog(admin_ctx),
        AuditViewer(manager_ctx),
        WelcomeWizard(tmp_path / "office.sqlite3"),
    ]
    checked = 0
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        checked += assert_wheel_changes_nothing(dialog, dialog.windowTitle())
    assert checked >= 10


def test_the_wheel_over_an_unfocused_field_scrolls_the_page(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QScrollArea, QVBoxLayout

    page = QWidget()
    column = QVBoxLayout(page)
    combo = QComboBox()
    combo.addItems(["no", "yes"])
    column.addWidget(combo)
    column.addSpacing(3000)
    area = QScrollArea()
    area.setWidget(page)
    area.resize(300, 200)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    wheel(combo, -1)
    assert combo.currentIndex() == 0
    assert area.verticalScrollBar().value() > 0
