"""One way to tell the user a service said no: the service's own sentence, every blocker listed.

Widgets call `errors.show_error(parent, exc)` through the module (not `from ... import`), so
tests can monkeypatch `caseapp.ui.errors.show_error` and never block on a modal box.
"""

from __future__ import annotations

import html
import logging
import traceback

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from caseapp.services.errors import Blocked, DomainError, PermissionDenied, StaleEdit

log = logging.getLogger(__name__)


def error_title(exc: BaseException) -> str:
    """A short window title naming the kind of refusal."""
    if isinstance(exc, Blocked):
        return "The case cannot move on yet"
    if isinstance(exc, PermissionDenied):
        return "Not allowed"
    if isinstance(exc, StaleEdit):
        return "Someone else saved first"
    if isinstance(exc, DomainError):
        return "Cannot do that"
    return "Unexpected error"


def error_text(exc: BaseException) -> str:
    """The plain-text message: the service's sentence, or a short note for a program error."""
    if isinstance(exc, Blocked):
        lines = [f"The case cannot leave the {exc.stage} stage until:"]
        lines += [f"• {b.message}" for b in exc.blockers]
        return "\n".join(lines)
    if isinstance(exc, DomainError):
        return exc.message
    return (
        f"Something went wrong ({exc.__class__.__name__}: {exc}). Nothing was saved. "
        "Please tell the developers what you were doing."
    )


def error_html(exc: BaseException) -> str:
    """Rich text for message boxes and inline panels (blockers as a bullet list)."""
    if isinstance(exc, Blocked):
        items = "".join(f"<li>{html.escape(b.message)}</li>" for b in exc.blockers)
        return (
            f"<p>The case cannot leave the <b>{html.escape(exc.stage)}</b> stage until:</p>"
            f"<ul style='margin-left:-20px'>{items}</ul>"
        )
    return f"<p>{html.escape(error_text(exc))}</p>"


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Show a modal message box with the service's sentence (Blocked: every blocker)."""
    if not isinstance(exc, DomainError):
        log.error(
            "unexpected error shown to the user\n%s",
            "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        )
    box = QMessageBox(parent)
    box.setIcon(
        QMessageBox.Icon.Warning if isinstance(exc, DomainError) else QMessageBox.Icon.Critical
    )
    box.setWindowTitle(error_title(exc))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(error_html(exc))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()
