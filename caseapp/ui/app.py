"""Start the window: QApplication set up once, the main window, the event loop."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from caseapp.private_files import remove_opened, sweep_opened
from caseapp.services.context import ServiceContext
from caseapp.ui import errors, theme
from caseapp.ui.wheel_guard import install_wheel_guard
from caseapp.ui.worker import wait_for_workers

if TYPE_CHECKING:
    from caseapp.security import Actor
    from caseapp.ui.main_window import MainWindow

ORGANIZATION = "CaseApp"
APPLICATION = "CaseApp"
log = logging.getLogger(__name__)


class HasUrl(Protocol):
    """What the window needs of caseapp.db.Database: the URL to show (password hidden)."""

    @property
    def url(self) -> str: ...


def ensure_app() -> QApplication:
    """The one QApplication, named so QSettings and the platform know the app."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setWindowIcon(theme.app_icon())
    install_wheel_guard(app)  # a wheel over an unfocused field scrolls; it changes nothing
    return app


def make_settings() -> QSettings:
    """Per-user settings; tests redirect them with QSettings.setPath and setDefaultFormat."""
    return QSettings(
        QSettings.defaultFormat(), QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


def create_main_window(
    db: HasUrl | str,
    ctx: ServiceContext,
    *,
    settings: QSettings | None = None,
    autoload: bool = True,
) -> MainWindow:
    """Build the window without running the event loop (tests, screenshots).

    The window's modules (workspace, dashboard, charts, documents) load here, after the log-in,
    so the login window shows as soon as Qt is up.
    """
    from caseapp.ui import documents_tab
    from caseapp.ui.main_window import MainWindow

    ensure_app()
    documents_tab.install()  # the Documents tab in every case workspace
    url = db if isinstance(db, str) else db.url
    return MainWindow(
        ctx, url, settings if settings is not None else make_settings(), autoload=autoload
    )


main_window_for_tests = create_main_window


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """A bug in a slot shows one sentence instead of vanishing into the terminal."""
    log.error("unhandled error\n%s", "".join(traceback.format_exception(kind, exc, tb)))
    if isinstance(exc, KeyboardInterrupt):
        QApplication.quit()
        return
    window = QApplication.activeWindow()
    QTimer.singleShot(0, lambda: errors.show_error(window, exc))


def _log_in_again(db: HasUrl, ctx: ServiceContext) -> Actor | None:
    """After Log out: forget a keyring session of this database, then the log-in dialog."""
    from caseapp.secrets import delete_secret, get_secret, session_name
    from caseapp.security import SYSTEM
    from caseapp.services import auth
    from caseapp.ui.login import ask_login

    system = ctx.as_actor(SYSTEM)
    identity = getattr(db, "identity", None)
    if isinstance(identity, str):
        token = get_secret(session_name(identity))
        if token:
            auth.end_session(system, token)
            delete_secret(session_name(identity))
    return ask_login(system)


def run_window(db: HasUrl, ctx: ServiceContext) -> int:
    """Open the main window acting as ctx.actor; returns the application's exit code."""
    app = ensure_app()
    sweep_opened()  # decrypted attachments a crashed run left behind
    previous = sys.excepthook
    sys.excepthook = _excepthook
    try:
        while True:
            window = create_main_window(db, ctx)
            window.show()
            code = app.exec()
            if not window.logged_out:
                break
            # Log out on the lock: the stored session ends too, then whoever logs in next.
            actor = _log_in_again(db, ctx)
            if actor is None:
                break
            ctx = ctx.as_actor(actor)
    finally:
        sys.excepthook = previous
        wait_for_workers(timeout_ms=5000)
        remove_opened()
    return int(code)
