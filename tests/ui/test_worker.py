"""Background jobs: results on the UI thread, errors as sentences, progress and cancel."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from caseapp.services.errors import ValidationError
from caseapp.ui.worker import BackgroundOp


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_result_arrives_on_the_ui_thread(qtbot: QtBot, parent: QWidget) -> None:
    ran_in: list[QThread] = []
    got: list[tuple[int, QThread]] = []

    def op() -> int:
        ran_in.append(QThread.currentThread())
        return 42

    job = BackgroundOp(parent, op, lambda v: got.append((v, QThread.currentThread())))
    with qtbot.wait_signal(job.finished, timeout=5000):
        job.run_in_background()
    ui = parent.thread()
    assert ran_in and ran_in[0] is not ui
    assert got == [(42, ui)]
    assert not job.running


def test_domain_error_goes_to_show_error_with_its_sentence(
    qtbot: QtBot, parent: QWidget, shown_errors: list[BaseException]
) -> None:
    def op() -> None:
        raise ValidationError("The passport has expired.", "passport_expiry")

    job = BackgroundOp(parent, op, lambda _v: pytest.fail("no success after an error"))
    with qtbot.wait_signal(job.finished, timeout=5000):
        job.run_in_background()
    assert [str(e) for e in shown_errors] == ["The passport has expired."]


def test_failure_callback_replaces_the_message_box(
    qtbot: QtBot, parent: QWidget, shown_errors: list[BaseException]
) -> None:
    caught: list[BaseException] = []
    job = BackgroundOp(parent, lambda: 1 / 0).failure(caught.append)
    with qtbot.wait_signal(job.finished, timeout=5000):
        job.run_in_background()
    assert isinstance(caught[0], ZeroDivisionError)
    assert shown_errors == []


def test_progress_dialog_and_cancel(qtbot: QtBot, parent: QWidget) -> None:
    started = threading.Event()
    seen: list[tuple[int, int]] = []
    cancelled: list[bool] = []
    stopped_at: list[int] = []

    def op(progress) -> str:  # type: ignore[no-untyped-def]
        total = 20_000
        for i in range(total):
            started.set()
            if not progress(i, total):
                stopped_at.append(i)
                return "stopped"
            threading.Event().wait(0.0005)  # a unit of real work in the worker thread
        return "done"

    job = (
        BackgroundOp(parent, op, lambda _v: pytest.fail("a cancelled job delivers no result"))
        .with_progress("Writing letters…", min_duration_ms=0)
        .on_cancelled(lambda: cancelled.append(True))
    )
    job.progressed.connect(lambda d, t: seen.append((d, t)))
    job.run_in_background()
    dialog = job.progress_dialog
    assert dialog is not None and dialog.labelText() == "Writing letters…"
    qtbot.waitUntil(lambda: len(seen) >= 2, timeout=5000)
    assert dialog.maximum() == 20_000 and dialog.value() > 0
    with qtbot.wait_signal(job.finished, timeout=5000):
        qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    assert cancelled == [True]
    assert stopped_at and stopped_at[0] < 20_000
    assert job.progress_dialog is None
