"""UI fixtures: temporary QSettings, a window on the demo database, no modal boxes ever."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from caseapp.db import Database
from caseapp.services.context import ServiceContext
from caseapp.ui import errors
from caseapp.ui.app import create_main_window, make_settings
from caseapp.ui.main_window import MainWindow
from caseapp.ui.worker import wait_for_workers

# The offscreen platform plugin warns that it cannot do what only a real screen does (size
# hints of top-level windows, raise(), keyboard grabs for popups): about the test platform,
# not about CaseApp.
OFFSCREEN_NOISE = "This plugin does not support"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def fresh_workspace_hooks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts without the Documents tab slot filled (the window fills it)."""
    from caseapp.ui.workspace import hooks

    monkeypatch.setattr(hooks, "DOCUMENTS_TAB_FACTORY", None)


@pytest.fixture(autouse=True)
def shown_errors(qapp: object, monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Record errors the UI would show in a message box, so no test blocks on a modal.

    Also makes sure a QApplication exists: models paint their status icons on demand.
    """
    from caseapp.ui.app import ensure_app

    ensure_app()  # the application as the product makes it (wheel guard included)
    shown: list[BaseException] = []
    monkeypatch.setattr(errors, "show_error", lambda _parent, exc: shown.append(exc))
    return shown


@pytest.fixture(autouse=True)
def typed_input_is_dropped_at_teardown(qtbot: QtBot) -> Iterator[None]:
    """Windows closed by pytest-qt at teardown would ask about what a test typed (a modal
    question nobody answers): before they close, every case workspace forgets its typing.
    Set up after qtbot, so this runs before qtbot closes the widgets."""
    yield
    from PySide6.QtWidgets import QApplication

    from caseapp.ui.workspace import CaseWorkspace

    for widget in QApplication.allWidgets():
        if isinstance(widget, CaseWorkspace):
            for watcher in widget.unsaved.values():
                watcher.clean()


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[QSettings]:
    """QSettings in a temporary folder: tests never read or write the user's settings."""
    previous = QSettings.defaultFormat()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings")
    )
    s = make_settings()
    s.clear()
    yield s
    QSettings.setDefaultFormat(previous)


@pytest.fixture
def make_window(qtbot: QtBot, db: Database, settings: QSettings) -> Iterator[object]:
    """Build windows for a context; each waits for its first list load."""
    windows: list[MainWindow] = []

    def build(ctx: ServiceContext, *, show: bool = True) -> MainWindow:
        window = create_main_window(db, ctx, settings=settings)
        qtbot.addWidget(window)
        windows.append(window)
        with qtbot.wait_signal(window.casesLoaded, timeout=20_000):
            if show:
                window.show()
        return window

    yield build
    for window in windows:
        # What a test typed is thrown away at teardown (closing would ask about it).
        for workspace in window.case_tabs.values():
            for watcher in getattr(workspace, "unsaved", {}).values():
                watcher.clean()
        window.close()
    wait_for_workers()


@pytest.fixture
def window(make_window, facilitator_ctx: ServiceContext) -> MainWindow:  # type: ignore[no-untyped-def]
    return make_window(facilitator_ctx)  # type: ignore[no-any-return]
