"""The idle lock: after the office's idle time every window is covered and the password is asked
again; a wrong one keeps it locked (and counts), the right one unlocks with typed input intact.
The clock is injected and the timer's tick is called directly: no test waits."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from caseapp.models import StaffUser
from caseapp.services import settings as settings_service
from caseapp.services.context import ServiceContext
from caseapp.services.demo.build import DEMO_PASSWORD
from caseapp.services.staff import actor_for
from caseapp.ui.idle_lock import COVER_COLOR, LOCKED_TITLE, IdleLock, LockCover
from caseapp.ui.main_window import MainWindow
from caseapp.ui.workspace import CaseWorkspace


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def minutes(self, n: float) -> None:
        self.t += n * 60


def injected(lock: IdleLock) -> FakeClock:
    clock = FakeClock()
    lock.clock = clock
    lock.last_input = clock()
    return clock


def assert_opaque(widget: QWidget) -> None:
    """Every sampled pixel of the window (away from the centred line) is the cover's colour."""
    image = widget.grab().toImage()
    w, h = image.width(), image.height()
    points = [(x * w // 10, y * h // 10) for x in range(1, 10) for y in range(1, 10) if y != 5]
    colours = {image.pixelColor(x, y).name() for x, y in points}
    assert colours == {COVER_COLOR}


def discard_typing(workspace: CaseWorkspace) -> None:
    """pytest-qt closes the window before the fixtures' teardown: closing must not ask."""
    for watcher in workspace.unsaved.values():
        watcher.clean()


def failed_logins(ctx: ServiceContext) -> int:
    with ctx.read() as s:
        user = s.get(StaffUser, ctx.actor.id)
        assert user is not None
        return user.failed_logins


def open_case_with_typing(qtbot: QtBot, window: MainWindow) -> tuple[CaseWorkspace, QLineEdit]:
    ref = window.model.case_at(0).ref
    workspace = window.open_case(ref)
    assert isinstance(workspace, CaseWorkspace)
    phone = workspace.area_tabs["overview"].phone
    phone.setFocus()
    phone.clear()
    qtbot.keyClicks(phone, "+7 701 555 0199")
    return workspace, phone


def test_locks_after_the_idle_time_and_unlocks_only_with_the_right_password(
    qtbot: QtBot, window: MainWindow
) -> None:
    lock = window.idle_lock
    clock = injected(lock)
    title = window.windowTitle()
    workspace, phone = open_case_with_typing(qtbot, window)
    assert phone.text() == "+7 701 555 0199"

    clock.minutes(14.9)
    lock.timer.timeout.emit()
    assert not lock.is_locked and lock.prompt is None

    clock.minutes(0.2)
    lock.timer.timeout.emit()
    assert lock.is_locked
    prompt = lock.prompt
    assert prompt is not None and prompt.isVisible()
    cover = window.findChild(LockCover, "lockCover")
    assert cover is not None and cover.isVisible()
    assert cover.geometry() == window.rect()  # menus, tabs and status bar all under it
    assert window.windowTitle() == LOCKED_TITLE  # the title can name a patient
    assert_opaque(window)
    assert "Fatima Rahman" in prompt.explanation.text()

    # Nothing under the cover takes input: keys into the field and the window's shortcuts.
    qtbot.keyClicks(phone, "999")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert phone.text() == "+7 701 555 0199"
    assert getattr(window, "new_case_dialog", None) is None

    qtbot.keyClicks(prompt.password, "not my password")
    qtbot.keyClick(prompt.password, Qt.Key.Key_Return)
    assert lock.is_locked and cover.isVisible()
    assert prompt.message.text() == "The password is not right."
    assert prompt.password.text() == ""
    assert failed_logins(window.ctx) == 1  # counted like a wrong log-in

    qtbot.keyClicks(prompt.password, DEMO_PASSWORD)
    qtbot.mouseClick(prompt.unlock_button, Qt.MouseButton.LeftButton)
    assert not lock.is_locked and lock.prompt is None
    assert window.findChild(LockCover, "lockCover") is None or not cover.isVisible()
    assert window.windowTitle() == title
    assert phone.text() == "+7 701 555 0199"  # typed, never saved, still there
    assert workspace.has_unsaved_changes()  # and still known as unsaved
    assert failed_logins(window.ctx) == 0
    discard_typing(workspace)


def test_input_keeps_the_window_open(qtbot: QtBot, window: MainWindow) -> None:
    lock = window.idle_lock
    clock = injected(lock)
    clock.minutes(10)
    qtbot.keyClick(window.search, Qt.Key.Key_A)
    clock.minutes(10)
    lock.timer.timeout.emit()
    assert not lock.is_locked
    clock.minutes(5)
    lock.timer.timeout.emit()
    assert lock.is_locked


def test_other_windows_are_covered_too_and_come_back(qtbot: QtBot, window: MainWindow) -> None:
    settings = window.show_settings()
    question = QMessageBox(QMessageBox.Icon.Question, "About C-2026-0001", "Go on?", parent=window)
    question.setModal(True)  # like a dialog in exec(): the prompt must still get the keys
    question.show()
    lock = window.idle_lock
    clock = injected(lock)
    clock.minutes(15)
    lock.timer.timeout.emit()
    assert settings.windowTitle() == LOCKED_TITLE
    cover = settings.findChild(LockCover, "lockCover")
    assert cover is not None and cover.isVisible() and cover.geometry() == settings.rect()
    assert_opaque(settings)
    assert QApplication.activeModalWidget() is lock.prompt
    assert lock.prompt is not None
    assert question.windowTitle() == LOCKED_TITLE
    assert question.findChild(LockCover, "lockCover") is not None
    qtbot.keyClicks(lock.prompt.password, DEMO_PASSWORD)
    qtbot.keyClick(lock.prompt.password, Qt.Key.Key_Return)
    assert not lock.is_locked
    assert question.isVisible() and question.windowTitle() == "About C-2026-0001"
    assert settings.isVisible() and settings.windowTitle() == "Settings"
    assert not cover.isVisible()


def test_a_locked_window_cannot_be_closed_around_the_prompt(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.idle_lock.lock()
    assert window.close() is False and window.isVisible()
    prompt = window.idle_lock.prompt
    assert prompt is not None
    prompt.reject()
    qtbot.keyClick(prompt, Qt.Key.Key_Escape)
    assert prompt.isVisible() and window.idle_lock.is_locked


def test_log_out_asks_before_losing_unsaved_input(qtbot: QtBot, window: MainWindow) -> None:
    workspace, _phone = open_case_with_typing(qtbot, window)
    window.idle_lock.lock()
    prompt = window.idle_lock.prompt
    assert prompt is not None
    prompt.logout_button.click()
    assert window.isVisible() and not window.logged_out
    assert workspace.ref in prompt.message.text() and "lost" in prompt.message.text()
    prompt.logout_button.click()
    assert window.logged_out and not window.isVisible()


def test_log_out_without_unsaved_input_needs_one_click(qtbot: QtBot, window: MainWindow) -> None:
    window.open_case(window.model.case_at(0).ref)
    window.idle_lock.lock()
    prompt = window.idle_lock.prompt
    assert prompt is not None
    prompt.logout_button.click()
    assert window.logged_out and not window.isVisible()


def test_the_idle_time_is_the_office_setting(
    qtbot: QtBot,
    make_window,
    demo_db: ServiceContext,  # type: ignore[no-untyped-def]
) -> None:
    admin = demo_db.as_actor(actor_for(demo_db, "kevin"))
    assert settings_service.idle_lock_minutes(admin) == 15
    window = make_window(admin)
    page = window.show_settings().show_page("screen_lock")
    page.minutes.setValue(5)
    assert page.save()
    assert settings_service.idle_lock_minutes(admin) == 5
    lock = window.idle_lock
    clock = injected(lock)
    clock.minutes(5)
    lock.timer.timeout.emit()
    assert lock.is_locked  # this window took the new value at once


def test_only_an_administrator_changes_the_idle_time(window: MainWindow) -> None:
    page = window.show_settings().show_page("screen_lock")
    assert not page.minutes.isEnabled() and not page.save_button.isEnabled()
