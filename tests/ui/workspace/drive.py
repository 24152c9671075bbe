"""Small helpers that act on widgets the way a user does: click, type, choose."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialogButtonBox,
    QLineEdit,
    QPlainTextEdit,
)
from pytestqt.qtbot import QtBot

from caseapp.services.interpreters import CHINA_TZ
from caseapp.ui.workspace.dialogs import FormDialog


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    assert button.isEnabled(), f"{button.text()!r} is disabled: {button.toolTip()}"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_into(qtbot: QtBot, edit: QLineEdit | QPlainTextEdit, text: str) -> None:
    """Select everything and type over it."""
    edit.setFocus()
    if isinstance(edit, QLineEdit):
        edit.selectAll()
        qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    else:
        edit.clear()
    qtbot.keyClicks(edit, text)


def choose(combo: QComboBox, value: object) -> None:
    """Pick the entry whose data (or text) is `value`, as a user picking from the list."""
    index = combo.findData(value)
    if index < 0:
        index = combo.findText(str(value))
    assert index >= 0, (
        f"{value!r} is not offered: {[combo.itemText(i) for i in range(combo.count())]}"
    )
    combo.setCurrentIndex(index)


def save_dialog(qtbot: QtBot, dialog: FormDialog) -> None:
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Save))


def china_qdatetime(moment: datetime) -> QDateTime:
    local = moment.astimezone(CHINA_TZ)
    return QDateTime(local.year, local.month, local.day, local.hour, local.minute, 0)
