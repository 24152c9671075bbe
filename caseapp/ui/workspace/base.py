"""What every workspace tab shares: the service context, prompts, and the save-then-reload rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QTextEdit,
    QToolButton,
    QWidget,
)

from caseapp.services.cases import CaseDetail
from caseapp.services.context import ServiceContext
from caseapp.services.errors import DomainError
from caseapp.services.read_only import READ_ONLY_STAGES
from caseapp.ui.workspace.forms import FieldErrors, ReadOnlyActor
from caseapp.ui.workspace.prompts import Prompts

# What a user types or picks into; QPushButtons follow `permit` (some only show or open).
INPUT_TYPES = (
    QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox, QCheckBox, QRadioButton,
    QToolButton,
)  # fmt: skip


def read_only_note(d: CaseDetail) -> str:
    """The sentence a read-only case shows above its tabs and on every disabled button."""
    return (
        f"This case is {d.stage}, so it is read-only. "
        "A manager can reopen it with a reason (Reopen… above)."
    )


class AreaTab(QWidget):
    """One area of a case. `changed` fires after a successful save; the workspace then reloads.

    A failed save changes nothing on screen but the error text: the user's input stays.
    """

    area = ""
    title = ""
    changed = Signal()

    def __init__(
        self, ctx: ServiceContext, ref: str, prompts: Prompts, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.ref, self.prompts = ctx, ref, prompts
        self.detail: CaseDetail | None = None
        self._locked: dict[QWidget, bool] = {}  # inputs disabled while the case is read-only

    @property
    def actor(self) -> Any:
        """Who acts; on a read-only case an actor who may only look (buttons say why)."""
        d = self.detail
        if d is not None and d.stage in READ_ONLY_STAGES:
            a = self.ctx.actor
            return ReadOnlyActor(a.id, a.login, a.role, a.full_name, read_only_note(d))
        return self.ctx.actor

    def load(self, detail: CaseDetail) -> None:
        """Show the case as read; forms keep unsaved input when their saved data did not change."""
        self.detail = detail

    def set_read_only(self, read_only: bool) -> None:
        """Disable every input of the tab (the workspace calls this after `load`); buttons
        follow `permit` with the read-only actor. Reopened, the inputs are as they were."""
        if read_only:
            for widget in self.findChildren(QWidget):
                if isinstance(widget, INPUT_TYPES) and widget not in self._locked:
                    self._locked[widget] = widget.isEnabled()
                    widget.setEnabled(False)
            return
        for widget, enabled in self._locked.items():
            widget.setEnabled(enabled)
        self._locked.clear()

    def attempt(self, call: Callable[[], object], errors: FieldErrors | None = None) -> bool:
        """Run one service command; show its error inline (or in a box) and keep the input."""
        if errors is not None:
            errors.clear()
        try:
            call()
        except DomainError as exc:
            if errors is None or not errors.show(exc):
                self.prompts.show_error(self, exc)
            return False
        self.changed.emit()
        return True
