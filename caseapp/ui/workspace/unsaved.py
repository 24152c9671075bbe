"""Knows whether a workspace tab holds input the user typed and has not saved yet.

The case tab and the window ask before closing when it does, so closing never drops typing
silently. Only the user's own edits count (a form refilled by a reload or by choosing another
row is not "unsaved"): text typed or pasted, a choice picked from a list, a box ticked, a
number or date changed while the field has the keyboard focus. A successful save of the tab
(its `changed` signal) makes it clean again.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTextEdit,
    QTimeEdit,
    QWidget,
)


class UnsavedInput(QObject):
    """Watches the input widgets under `root` (those there when `watch` is called)."""

    def __init__(self, root: QWidget) -> None:
        super().__init__(root)
        self.root = root
        self.dirty = False
        self._watched: set[int] = set()

    def watch(self) -> None:
        """Connect to every input widget not watched yet (call after the form is built)."""
        for widget in self.root.findChildren(QWidget):
            if id(widget) in self._watched or self._is_inner_editor(widget):
                continue
            if self._connect(widget):
                self._watched.add(id(widget))

    @staticmethod
    def _is_inner_editor(widget: QWidget) -> bool:
        """The line edit inside a spin box or an editable combo reports through its owner."""
        parent = widget.parentWidget()
        return isinstance(widget, QLineEdit) and isinstance(parent, QAbstractSpinBox | QComboBox)

    def _connect(self, widget: QWidget) -> bool:
        mark = self._mark
        if isinstance(widget, QLineEdit):
            widget.textEdited.connect(mark)
        elif isinstance(widget, QComboBox):
            widget.activated.connect(mark)
            edit = widget.lineEdit()
            if widget.isEditable() and edit is not None:
                edit.textEdited.connect(mark)
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            widget.textChanged.connect(lambda w=widget: self._mark_if_focused(w))
        elif isinstance(widget, QDateEdit | QDateTimeEdit | QTimeEdit):
            widget.dateTimeChanged.connect(lambda _v, w=widget: self._mark_if_focused(w))
        elif isinstance(widget, QSpinBox | QDoubleSpinBox):
            widget.valueChanged.connect(lambda _v, w=widget: self._mark_if_focused(w))
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            widget.clicked.connect(mark)
        else:
            return False
        return True

    def _mark(self, *_args: object) -> None:
        self.dirty = True

    def _mark_if_focused(self, widget: QWidget) -> None:
        if widget.hasFocus():
            self.dirty = True

    def clean(self) -> None:
        self.dirty = False
