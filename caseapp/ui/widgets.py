"""Small widgets and helpers shared by the dialogs: notes, banners, status lines, inline errors.

One home for them, so that no dialog borrows them from another.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from caseapp.services.errors import DomainError
from caseapp.ui import errors
from caseapp.ui.worker import BackgroundOp
from caseapp.ui.workspace.forms import FieldErrors

OK_STYLE = "color: #1b5e20;"
NOTE_STYLE = "color: palette(dark);"
BANNER_STYLE = "background: #fff4d6; color: #5c4100; padding: 6px 8px; border-radius: 3px;"


def hide_password(url: str) -> str:
    """The database URL for people to read: never the password."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.password or parts.password == "***":
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def heading(text: str) -> QLabel:
    """A page's title line."""
    label = QLabel(f"<b style='font-size:14pt'>{text}</b>")
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


def note(text: str, style: str = NOTE_STYLE) -> QLabel:
    """A wrapped explanatory line under a form."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(style)
    return label


def banner(text: str) -> QLabel:
    """A tinted box that says why a page is read-only or cannot work here."""
    label = note(text, BANNER_STYLE)
    label.setObjectName("banner")
    return label


def status_label() -> QLabel:
    label = QLabel()
    label.setObjectName("status")
    label.setWordWrap(True)
    label.setStyleSheet(OK_STYLE)
    return label


def run_inline(
    parent: QWidget,
    work: Callable[[], Any],
    done: Callable[[Any], None],
    field_errors: FieldErrors,
    busy: Sequence[QWidget] = (),
) -> BackgroundOp:
    """Run a service call in the background; its DomainError shows inline, the input stays.

    `busy` widgets are disabled meanwhile so a second click cannot start the same work twice.
    """
    field_errors.clear()
    for w in busy:
        w.setEnabled(False)

    def release() -> None:
        for w in busy:
            w.setEnabled(True)

    def failed(exc: BaseException) -> None:
        release()
        if not (isinstance(exc, DomainError) and field_errors.show(exc)):
            errors.show_error(parent, exc)

    def succeeded(result: Any) -> None:
        release()
        done(result)

    return BackgroundOp(parent, work, succeeded).failure(failed).run_in_background()


def show_inline(parent: QWidget, field_errors: FieldErrors, exc: BaseException) -> None:
    """A service's refusal next to its field, or in a message box when it has no place."""
    if not (isinstance(exc, DomainError) and field_errors.show(exc)):
        errors.show_error(parent, exc)


def error_line() -> QLabel:
    """The red line under a log-in, unlock or passphrase form; hidden until it has a sentence."""
    label = QLabel()
    label.setObjectName("message")
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    label.hide()
    return label
