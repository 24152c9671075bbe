"""Screenshots of the window to look at: python -m caseapp.ui.screenshots OUTDIR [--user LOGIN].

A temporary database with 60 demo cases is made. Saves the case list, the board,
every workspace tab of one rich case (when the workspace is built) and the dashboard (when
present). Run it under Xvfb for real fonts: xvfb-run -a -s "-screen 0 1600x1000x24" ...
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QTabWidget, QWidget

from caseapp.services.context import ServiceContext
from caseapp.ui.app import create_main_window, ensure_app
from caseapp.ui.main_window import MainWindow
from caseapp.ui.worker import wait_for_workers

SIZE = (1440, 900)


def settle(ms: int = 150) -> None:
    """Let layouts, pending signals and paints finish."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(condition: Callable[[], bool], timeout_ms: int = 30_000) -> bool:
    deadline = QDeadlineTimer(timeout_ms)
    while not condition():
        if deadline.hasExpired():
            return False
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        settle(20)
    return True


def save(widget: QWidget, path: Path) -> Path:
    settle()
    widget.grab().save(str(path))
    print(path)
    return path


def rich_case(window: MainWindow) -> str | None:
    """A case with much to show: in treatment or follow-up, the longest in stage first."""
    rows = list(window.model.all_rows())
    for stage in ("treatment", "followup", "interpreters", "lodging"):
        found = sorted((r for r in rows if r.stage == stage), key=lambda r: -r.blockers)
        if found:
            return found[0].ref
    return rows[0].ref if rows else None


def take_screenshots(window: MainWindow, out: Path, case_ref: str | None = None) -> list[Path]:
    """Drive the window through its views and save one PNG per view or tab."""
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    wait_for(lambda: not window.loading and window.model.total_count() > 0)
    window.clear_filters()
    window.show_view("list")
    window.list_page.table.setFocus()
    window.list_page.table.selectRow(2)
    saved.append(save(window, out / "01-case-list.png"))
    window.search.setText("an")
    saved.append(save(window, out / "02-case-list-search.png"))
    window.search.setText("zzzz")
    saved.append(save(window, out / "03-case-list-no-match.png"))
    window.clear_filters()
    window.show_view("board")
    saved.append(save(window, out / "04-board.png"))
    blocked = next(
        (r for r in window.model.all_rows() if r.blockers and r.stage in ("visa", "lodging")),
        None,
    )
    if blocked is not None:
        window.board.select_ref(blocked.ref)
        window.board.advance_selected()
        saved.append(save(window, out / "05-board-blocked.png"))
        window.board.notice.hide()
    if window.dashboard is not None:
        window.show_view("dashboard")
        saved.append(
            save(
                window,
                out / "06-dashboard.png",
            )
        )
    window.show_view("list")
    ref = case_ref or rich_case(window)
    if ref:
        widget = window.open_case(ref)
        settle(400)
        tabs = widget.findChild(QTabWidget) if widget is not None else None
        if tabs is None:
            saved.append(save(window, out / "10-case.png"))
        else:
            for i in range(tabs.count()):
                tabs.setCurrentIndex(i)
                name = tabs.tabText(i).replace("&", "").strip().lower().replace(" ", "-")
                name = "".join(c for c in name if c.isalnum() or c == "-")
                saved.append(save(window, out / f"{10 + i:02d}-case-{name or i}.png"))
    window.show_shortcuts()
    settle()
    saved.append(save(window.shortcuts_dialog, out / "30-shortcuts.png"))
    window.shortcuts_dialog.close()
    from caseapp.ui.new_case import NewCaseDialog

    dialog = NewCaseDialog(window.ctx, window)
    dialog.add_companion()
    dialog.show()
    dialog.full_name.setText("Test Patient")
    dialog.passport_number.setText("AB 12")
    dialog.submit()
    saved.append(save(dialog, out / "31-new-case-error.png"))
    dialog.reject()
    saved += lock_screenshots(window, out)
    return saved


def lock_screenshots(window: MainWindow, out: Path) -> list[Path]:
    """The idle lock over the window and an open Settings dialog: the whole screen (Xvfb),
    then the prompt after a wrong password; the right one takes the covers off again."""
    from PySide6.QtWidgets import QApplication

    from caseapp.services.demo.build import DEMO_PASSWORD

    settings = window.show_settings()
    settings.move(window.x() + 60, window.y() + 120)
    window.idle_lock.lock()
    settle(300)
    saved = [save(window, out / "40-locked-window.png")]
    screen = QApplication.primaryScreen()
    path = out / "41-locked-screen.png"
    screen.grabWindow(0).save(str(path))
    print(path)
    saved.append(path)
    prompt = window.idle_lock.prompt
    if prompt is not None:
        prompt.password.setText("a wrong guess")
        prompt.try_unlock()
        saved.append(save(prompt, out / "42-unlock-wrong-password.png"))
        prompt.password.setText(DEMO_PASSWORD)
        prompt.try_unlock()
    settings.close()
    return saved


def use_throwaway_keyring() -> None:
    """The temporary demo database's key lives in memory for this run only.

    Only for the throwaway database made here: a database given with --db uses the
    operating system's keyring like the app does.
    """
    import keyring
    from keyring.backend import KeyringBackend

    class RunKeyring(KeyringBackend):
        priority = 1

        def __init__(self) -> None:
            super().__init__()
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.store.pop((service, username), None)

    keyring.set_keyring(RunKeyring())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m caseapp.ui.screenshots")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--user", default="fatima", help="login to act as (default fatima)")
    parser.add_argument("--case", help="case ref for the workspace shots")
    args = parser.parse_args(argv)

    from caseapp.db import open_database
    from caseapp.security import SYSTEM
    from caseapp.services.demo import build_demo
    from caseapp.services.staff import actor_for

    tmp = tempfile.TemporaryDirectory()
    # Always a throwaway demo database: acting as --user without a password is only
    # harmless where every account is a demo one.
    url = f"sqlite:///{Path(tmp.name) / 'screens.sqlite3'}"
    use_throwaway_keyring()
    db = open_database(url)
    system = ServiceContext(db.session_factory, SYSTEM)
    build_demo(system, 60, 2026)
    ctx = system.as_actor(actor_for(system, args.user))

    app = ensure_app()
    settings = QSettings(str(Path(tmp.name) / "settings.ini"), QSettings.Format.IniFormat)
    window = create_main_window(db, ctx, settings=settings)
    window.resize(*SIZE)
    window.show()
    try:
        take_screenshots(window, args.outdir, args.case)
    finally:
        window.close()
        wait_for_workers()
        app.processEvents()
        db.engine.dispose()
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
