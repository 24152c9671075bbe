"""Background work shaped like Anki's QueryOp: run off the UI thread, results back by signal.

    BackgroundOp(parent, op=lambda: list_cases(ctx), success=model.set_rows).run_in_background()

    BackgroundOp(parent, op=export_all, success=done).with_progress("Writing letters…")
        .run_in_background()   # op(progress) where progress(done, total) -> False means cancel

The function runs in a QThreadPool thread and must touch no widget. Services open a Session per
call, so each worker thread uses its own Session as long as nothing passes ORM objects around
(the UI only ever holds read models). Results, errors and progress return on the UI thread through
queued signals. A DomainError goes to `errors.show_error` with the service's sentence unless a
failure callback is given.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any, Self

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from caseapp.ui import errors

Progress = Callable[[int, int], bool]

# Ops stay referenced until their result is delivered (a Python-owned QObject could otherwise be
# collected while its thread still runs).
_LIVE: set[BackgroundOp] = set()
_PROGRESS_INTERVAL_S = 0.05


class _Relay(QObject):
    """Carries results from the worker thread; lives in the UI thread, so delivery is queued."""

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)


class _Task(QRunnable):
    def __init__(self, call: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._call = call
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._call()
        except BaseException as exc:  # every error goes back to the UI thread
            self._emit(self._relay.failed, exc)
        else:
            self._emit(self._relay.succeeded, result)

    @staticmethod
    def _emit(signal: Any, value: object) -> None:
        # RuntimeError: the application is shutting down and nobody is left to tell.
        with contextlib.suppress(RuntimeError):
            signal.emit(value)


class BackgroundOp(QObject):
    """One background job: op runs in the pool; success/failure callbacks run on the UI thread."""

    finished = Signal()  # after the success, failure or cancel callback has run
    progressed = Signal(int, int)

    def __init__(
        self,
        parent: QWidget | None,
        op: Callable[..., Any],
        success: Callable[[Any], None] | None = None,
        *,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__()
        self._parent = parent
        self._op = op
        self._success = success
        self._failure: Callable[[BaseException], None] | None = None
        self._cancelled_cb: Callable[[], None] | None = None
        self._pool = pool or QThreadPool.globalInstance()
        self._cancel = threading.Event()
        self._progress_label: str | None = None
        self._progress_title = "Working"
        self._min_duration_ms = 400
        self._dialog: QProgressDialog | None = None
        self._relay = _Relay()
        self._parent_gone = False
        self._running = False
        self._last_emit = 0.0
        self.result: Any = None
        self.error: BaseException | None = None

    # ---- configuration (chainable) --------------------------------------------------------

    def failure(self, callback: Callable[[BaseException], None]) -> Self:
        """Handle errors yourself instead of the default message box."""
        self._failure = callback
        return self

    def on_cancelled(self, callback: Callable[[], None]) -> Self:
        self._cancelled_cb = callback
        return self

    def with_progress(
        self, label: str, *, title: str = "Working", min_duration_ms: int = 400
    ) -> Self:
        """Pass op a progress(done, total) -> bool callable and show a dialog with Cancel."""
        self._progress_label = label
        self._progress_title = title
        self._min_duration_ms = min_duration_ms
        return self

    # ---- running ------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._running

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def progress_dialog(self) -> QProgressDialog | None:
        return self._dialog

    def cancel(self) -> None:
        """Ask the op to stop; it sees False from its next progress() call."""
        self._cancel.set()

    def run_in_background(self) -> Self:
        if self._running:
            raise RuntimeError("This operation is already running.")
        self._running = True
        _LIVE.add(self)
        relay = self._relay
        relay.succeeded.connect(self._on_succeeded, Qt.ConnectionType.QueuedConnection)
        relay.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        relay.progressed.connect(self._on_progressed, Qt.ConnectionType.QueuedConnection)
        if self._parent is not None:
            self._parent.destroyed.connect(self._on_parent_destroyed)
        if self._progress_label is not None:
            self._dialog = self._make_dialog()
            op = self._op
            self._pool.start(_Task(lambda: op(self._progress), relay))
        else:
            self._pool.start(_Task(self._op, relay))
        return self

    def _make_dialog(self) -> QProgressDialog:
        dialog = QProgressDialog(
            self._progress_label or "", "Cancel", 0, 0, None if self._parent_gone else self._parent
        )
        dialog.setWindowTitle(self._progress_title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(self._min_duration_ms)
        dialog.canceled.connect(self.cancel)
        return dialog

    def _progress(self, done: int, total: int) -> bool:
        """Called in the worker thread; throttled so a tight loop does not flood the event queue."""
        now = time.monotonic()
        if done >= total or now - self._last_emit >= _PROGRESS_INTERVAL_S:
            self._last_emit = now
            try:
                self._relay.progressed.emit(done, total)
            except RuntimeError:  # shutting down
                return False
        return not self._cancel.is_set()

    # ---- delivery on the UI thread ------------------------------------------------------------

    @Slot()
    def _on_parent_destroyed(self) -> None:
        self._parent_gone = True
        self._dialog = None

    @Slot(int, int)
    def _on_progressed(self, done: int, total: int) -> None:
        if self._dialog is not None and not self._parent_gone:
            if self._dialog.maximum() != total:
                self._dialog.setMaximum(total)
            self._dialog.setValue(min(done, total))
        self.progressed.emit(done, total)

    @Slot(object)
    def _on_succeeded(self, result: Any) -> None:
        self.result = result
        try:
            if self._parent_gone:
                return
            if self._cancel.is_set():
                if self._cancelled_cb is not None:
                    self._cancelled_cb()
            elif self._success is not None:
                self._success(result)
        finally:
            self._finish()

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        self.error = exc
        try:
            if self._parent_gone:
                return
            if self._failure is not None:
                self._failure(exc)
            else:
                errors.show_error(self._parent, exc)
        finally:
            self._finish()

    def _finish(self) -> None:
        self._running = False
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None
        if self._parent is not None and not self._parent_gone:
            self._parent.destroyed.disconnect(self._on_parent_destroyed)
        _LIVE.discard(self)
        self.finished.emit()


def wait_for_workers(pool: QThreadPool | None = None, timeout_ms: int = 10_000) -> bool:
    """Block until background jobs end (on shutdown, so no job outlives the database)."""
    return (pool or QThreadPool.globalInstance()).waitForDone(timeout_ms)
