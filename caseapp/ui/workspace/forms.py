"""Form pieces: inline error labels keyed by a service field name, optional dates, permissions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from caseapp.security import ACTION_WORDS, Actor
from caseapp.services.errors import DomainError, ValidationError
from caseapp.ui.dates import BLANK, OptionalDateEdit
from caseapp.ui.workspace.palette import ERROR_STYLE

NULL_DATE = BLANK


class FieldErrors:
    """Red labels next to fields, found by the `field` a ValidationError names."""

    def __init__(self) -> None:
        self._labels: dict[str, QLabel] = {}
        self.fallback: QLabel | None = None  # a general line for errors without a known field

    def label(self, *fields: str) -> QLabel:
        """A hidden red label that shows errors for any of `fields`."""
        label = QLabel()
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        for name in fields:
            self._labels[name] = label
        return label

    def general(self) -> QLabel:
        self.fallback = self.label("__general__")
        return self.fallback

    def show(self, exc: DomainError) -> bool:
        """Show `exc` inline; False when there is no place for it (the caller shows a box)."""
        self.clear()
        return self.flag(exc)

    def flag(self, exc: DomainError) -> bool:
        """Like `show`, but keeps the errors already shown (live checks of many fields)."""
        target = None
        if isinstance(exc, ValidationError) and exc.field:
            target = self._labels.get(exc.field)
        target = target or self.fallback
        if target is None:
            return False
        target.setText(exc.message)
        target.show()
        return True

    def text(self, name: str) -> str:
        label = self._labels.get(name)
        parent = label.parentWidget() if label is not None else None
        return label.text() if label is not None and parent and label.isVisibleTo(parent) else ""

    def clear(self) -> None:
        for label in set(self._labels.values()):
            label.clear()
            label.hide()


def add_row(
    form: QFormLayout, title: str, widget: QWidget, errors: FieldErrors, *fields: str
) -> None:
    """A form row whose red error label sits right under the field."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(1)
    column.addWidget(widget)
    column.addWidget(errors.label(*fields))
    form.addRow(title, box)


class DateField(QWidget):
    """A date edit with a calendar popup that may also be empty ('not set')."""

    changed = Signal()

    def __init__(self, value: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = OptionalDateEdit()
        self.clear_button = QToolButton()
        self.clear_button.setText("✕")
        self.clear_button.setToolTip("Clear the date")
        self.clear_button.clicked.connect(lambda: self.set_value(None))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.edit)
        row.addWidget(self.clear_button)
        row.addStretch(1)
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance("2026-12-31") + 50)
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())
        self.set_value(value)

    def value(self) -> date | None:
        return self.edit.value()

    def set_value(self, value: date | None) -> None:
        self.edit.set_value(value)


@dataclass(frozen=True)
class ReadOnlyActor(Actor):
    """The actor as the tabs of a read-only case see it: may look, may change nothing."""

    why: str = ""

    def can(self, action: str) -> bool:
        return action.endswith(".view") and super().can(action)


def refusal(actor: Actor, action: str) -> str:
    """Why a control is disabled, for its tooltip; empty when the actor may act."""
    if actor.can(action):
        return ""
    if isinstance(actor, ReadOnlyActor) and Actor.can(actor, action):
        return actor.why
    return f"Your role ({actor.role}) may not {ACTION_WORDS.get(action, action)}."


def permit(
    actor: Actor, action: str, *widgets: QWidget, enabled: bool = True, why: str = ""
) -> None:
    """Enable widgets only when the actor may act (tooltip says why not) and `enabled` holds."""
    refused = refusal(actor, action)
    for w in widgets:
        w.setEnabled(enabled and not refused)
        if refused:
            w.setToolTip(refused)
        elif not enabled and why:
            w.setToolTip(why)
        else:
            w.setToolTip(w.property("normalTip") or "")


def button_row(*buttons: QWidget) -> QHBoxLayout:
    """Buttons at their natural width, to the left (form rows would stretch them)."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    for b in buttons:
        row.addWidget(b)
    row.addStretch(1)
    return row
