"""The idle lock: after N minutes without input every window of CaseApp is covered and the
logged-in person's password is asked again; nothing under the covers is touched, so whatever was
typed and not yet saved is there, exactly as typed, after unlocking.

One application-wide event filter notes the time of each input event and, while locked, lets
input reach only the password prompt. A QTimer looks at an injected clock now and then, so tests
move the clock instead of waiting. The password goes through the service's check (a wrong one
counts towards the lockout like a log-in); only the same person unlocks, "Log out" is how
someone else gets the computer.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from caseapp.services import auth
from caseapp.services.context import ServiceContext
from caseapp.services.errors import DomainError

LOCKED_TITLE = "CaseApp — locked"
COVER_COLOR = "#2b3a42"
CHECK_EVERY_MS = 10_000  # how often the timer looks at the clock

# What a person does: these keep the window open, and while locked only the prompt gets them.
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.ShortcutOverride,
        QEvent.Type.Shortcut,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
        QEvent.Type.ContextMenu,
        QEvent.Type.InputMethod,
        QEvent.Type.DragEnter,
        QEvent.Type.Drop,
    }
)


class LockCover(QWidget):
    """An opaque sheet over one window: nothing of what is under it shows."""

    def __init__(self, window: QWidget, text: str) -> None:
        super().__init__(window)
        self.setObjectName("lockCover")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # opaque, not see-through
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            f"#lockCover {{ background: {COVER_COLOR}; }} QLabel {{ color: #dfe7ea; }}"
        )
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        label.setFont(font)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        self.fit()

    def fit(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.raise_()
        self.show()


class UnlockPrompt(QDialog):
    """The password prompt over the locked windows; it cannot be closed, only answered."""

    unlocked = Signal()
    logOutRequested = Signal()

    def __init__(self, who: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("unlockPrompt")
        self.setWindowTitle(LOCKED_TITLE)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self.check: Callable[[str], None] = lambda _password: None
        self.unsaved: Callable[[], list[str]] = list
        self._logout_armed = False
        self.explanation = QLabel(
            f"CaseApp was locked after a time without input. {who}, enter your password to go "
            "on where you left off; what you typed and did not save is kept.\n"
            "Someone else: log out and log in as yourself."
        )
        self.explanation.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setObjectName("lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Password")
        self.message = QLabel()
        self.message.setObjectName("lockMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.message.hide()
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.logout_button = QPushButton("&Log out…")
        self.logout_button.setObjectName("logoutButton")
        self.logout_button.clicked.connect(self.log_out)
        buttons = QHBoxLayout()
        buttons.addWidget(self.logout_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.password)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(460)

    def say(self, sentence: str) -> None:
        self.message.setText(sentence)
        self.message.show()

    def try_unlock(self) -> None:
        try:
            self.check(self.password.text())
        except DomainError as exc:
            self.password.clear()
            self.password.setFocus()
            self.say(exc.message)
            return
        self.password.clear()
        self.message.hide()
        self._logout_armed = False
        self.unlocked.emit()

    def log_out(self) -> None:
        """With unsaved input in a case tab, a second click is the consent to lose it."""
        refs = self.unsaved()
        if refs and not self._logout_armed:
            self._logout_armed = True
            self.logout_button.setText("&Log out anyway")
            self.say(
                f"Input typed and not saved in {', '.join(refs)} is lost when you log out. "
                "Click 'Log out anyway' to go on."
            )
            return
        self.logOutRequested.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            return  # Esc would reject the dialog and leave the windows covered with no prompt
        super().keyPressEvent(event)

    def reject(self) -> None:
        """Not closable: only the right password or Log out ends the lock."""

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()


class IdleLock(QObject):
    """Locks `window` (and every other window of the app) after `minutes` without input."""

    locked = Signal()
    unlocked = Signal()
    logOutRequested = Signal()

    def __init__(
        self,
        window: QWidget,
        ctx: ServiceContext,
        minutes: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        unsaved: Callable[[], list[str]] = list,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self.clock = clock
        self.unsaved = unsaved
        self.idle_seconds = minutes * 60.0
        self.last_input = clock()
        self.is_locked = False
        self.prompt: UnlockPrompt | None = None
        self.covers: dict[QWidget, tuple[LockCover, str]] = {}
        self._focus: QWidget | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.idle_seconds = minutes * 60.0

    def stop(self) -> None:
        """The window is going: no more locking, no more filtering."""
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    # ---- watching -------------------------------------------------------------------------

    def check(self) -> bool:
        """Lock when the idle time has passed; True when locked now."""
        if not self.is_locked and self.clock() - self.last_input >= self.idle_seconds:
            self.lock()
        return self.is_locked

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not self.is_locked:
            if kind in INPUT_EVENTS:
                self.last_input = self.clock()
            return False
        if kind in INPUT_EVENTS:
            return not self._inside_prompt(watched)
        if kind == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
            self._cover_new_window(watched)
        elif kind == QEvent.Type.Resize and watched in self.covers:
            self.covers[watched][0].fit()
        return False

    def _inside_prompt(self, obj: QObject) -> bool:
        prompt = self.prompt
        return (
            prompt is not None
            and isinstance(obj, QWidget)
            and (obj is prompt or prompt.isAncestorOf(obj))
        )

    # ---- locking --------------------------------------------------------------------------

    def lock(self) -> None:
        if self.is_locked:
            return
        self.is_locked = True
        self._focus = QApplication.focusWidget()
        QToolTip.hideText()
        popup = QApplication.activePopupWidget()
        while popup is not None:  # an open menu or completer would float over the cover
            popup.close()
            popup = QApplication.activePopupWidget()
        self._cover(self.window, "CaseApp is locked.")
        for widget in QApplication.topLevelWidgets():
            if widget is not self.window and widget.isVisible():
                self._cover(widget, "Locked.")
        actor = self.ctx.actor
        prompt = UnlockPrompt(actor.full_name or actor.login, self.window)
        prompt.check = self._check_password
        prompt.unsaved = self.unsaved
        prompt.unlocked.connect(self.unlock)
        prompt.logOutRequested.connect(self.logOutRequested)
        self.prompt = prompt
        prompt.show()
        prompt.raise_()
        prompt.activateWindow()
        prompt.password.setFocus()
        self.locked.emit()

    def _cover(self, window: QWidget, text: str) -> None:
        if window in self.covers or isinstance(window, (UnlockPrompt, LockCover)):
            return
        if window.windowType() in (Qt.WindowType.Popup, Qt.WindowType.ToolTip):
            window.hide()
            return
        cover = LockCover(window, text)
        self.covers[window] = (cover, window.windowTitle())
        cover.fit()  # showing the cover may have resized the window before it was registered
        window.setWindowTitle(LOCKED_TITLE)  # a title can name a patient

    def _cover_new_window(self, window: QWidget) -> None:
        if window is self.prompt or self._inside_prompt(window):
            return
        self._cover(window, "Locked.")

    def release(self) -> None:
        """Log out: the prompt goes and nothing is watched any more; the windows close next."""
        self.stop()
        if self.prompt is not None:
            self.prompt.hide()
            self.prompt.deleteLater()
            self.prompt = None

    def _check_password(self, password: str) -> None:
        if not password:
            raise DomainError("Enter your password.")
        auth.confirm_password(self.ctx, password, "password", "The password")

    def unlock(self) -> None:
        """Take the covers off; the windows and their input are as they were."""
        for window, (cover, title) in list(self.covers.items()):
            if isValid(cover):
                cover.hide()
                cover.deleteLater()
            if isValid(window):  # a covered dialog may have been deleted meanwhile
                window.setWindowTitle(title)
        self.covers.clear()
        if self.prompt is not None:
            self.prompt.hide()
            self.prompt.deleteLater()
            self.prompt = None
        self.is_locked = False
        self.last_input = self.clock()
        if self._focus is not None:
            self._focus.setFocus()
        self._focus = None
        self.unlocked.emit()


def guard_window(window: QMainWindow) -> IdleLock:
    """The main window's idle lock, with the office's idle time and Log out wired up."""
    from caseapp.services.settings import idle_lock_minutes

    ctx: ServiceContext = window.ctx  # type: ignore[attr-defined]
    lock = IdleLock(
        window,
        ctx,
        idle_lock_minutes(ctx),
        unsaved=lambda: [
            ref
            for ref, workspace in window.tabs.by_ref.items()  # type: ignore[attr-defined]
            if workspace.has_unsaved_changes()
        ],
    )
    lock.logOutRequested.connect(lambda: log_out(window, lock))
    return lock


def log_out(window: QMainWindow, lock: IdleLock) -> None:
    """End this person's window: every other window closes, then the main one, without asking
    again (the prompt asked); the app then shows the log-in (ui.app.run_window)."""
    window.logged_out = True  # type: ignore[attr-defined]
    lock.release()
    for widget in QApplication.topLevelWidgets():
        if widget is not window and widget.isVisible():
            widget.close()
    window.close()
