"""What every workspace tab shares: the service context, prompts, and the save-then-reload rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from caseapp.services.cases import CaseDetail
from caseapp.services.context import ServiceContext
from caseapp.services.errors import DomainError
from caseapp.ui.workspace.forms import FieldErrors
from caseapp.ui.workspace.prompts import Prompts


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

    @property
    def actor(self) -> Any:
        return self.ctx.actor

    def load(self, detail: CaseDetail) -> None:
        """Show the case as read; forms keep unsaved input when their saved data did not change."""
        self.detail = detail

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
