"""The log-in dialog: the service's sentence on refusal, the actor on success."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from caseapp.services.context import ServiceContext
from caseapp.services.demo import DEMO_PASSWORD
from caseapp.ui.login import LoginDialog


def test_wrong_then_right_password(qtbot: QtBot, demo_db: ServiceContext) -> None:
    dialog = LoginDialog(lambda: demo_db, login="helen")
    qtbot.addWidget(dialog)
    dialog.password_edit.setText("not it")
    dialog.try_login()
    assert dialog.message.text().startswith("Wrong login or password")
    assert dialog.password_edit.text() == "" and dialog.actor is None
    dialog.password_edit.setText(DEMO_PASSWORD)
    with qtbot.wait_signal(dialog.accepted):
        dialog.try_login()
    assert dialog.actor is not None and (dialog.actor.login, dialog.actor.role) == (
        "helen",
        "manager",
    )


def test_demo_database_names_the_demo_accounts(qtbot, demo_db) -> None:  # type: ignore[no-untyped-def]
    from caseapp.ui.login import LoginDialog

    dialog = LoginDialog(lambda: demo_db)
    qtbot.addWidget(dialog)
    assert "helen (manager)" in dialog.hint.text() and "caseapp-demo-2026" in dialog.hint.text()
