"""An empty date field takes a typed date (it used to append digits to "not set")."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from caseapp.ui.dates import OptionalDateEdit
from caseapp.ui.workspace.forms import DateField


def test_typing_into_a_blank_field_sets_the_date(qtbot: QtBot) -> None:
    edit = OptionalDateEdit(date(2026, 11, 26))
    qtbot.addWidget(edit)
    edit.show()
    edit.setFocus()
    assert edit.value() is None and edit.text() == "not set"
    qtbot.keyClicks(edit, "2026-11-23")
    assert edit.value() == date(2026, 11, 23)


def test_the_form_field_types_too_and_clears(qtbot: QtBot) -> None:
    field = DateField()
    qtbot.addWidget(field)
    field.show()
    field.edit.setFocus()
    qtbot.keyClicks(field.edit, "2027-02-05")
    assert field.value() == date(2027, 2, 5)
    qtbot.mouseClick(field.clear_button, Qt.MouseButton.LeftButton)
    assert field.value() is None
