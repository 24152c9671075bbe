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


def test_the_window_asks_even_when_a_terminal_session_is_stored(
    db, demo_db: ServiceContext, monkeypatch  # type: ignore[no-untyped-def]
) -> None:
    """`caseapp login` in a terminal never opens the window (a restart would pass the lock)."""
    import argparse
    import io

    from caseapp.cli import gui
    from caseapp.cli.invocation import Invocation
    from caseapp.secrets import session_name, set_secret
    from caseapp.services import auth
    from caseapp.ui import login as login_module

    real_clock = ServiceContext(db.session_factory, demo_db.actor)  # sessions last 12 real hours
    helen = auth.login(real_clock, "helen", DEMO_PASSWORD)
    token, _expires = auth.start_session(real_clock.as_actor(helen))
    set_secret(session_name(db.identity), token)
    asked: list[bool] = []

    def cancelled(_ctx, _parent=None):  # type: ignore[no-untyped-def]
        asked.append(True)
        return None

    monkeypatch.setattr(login_module, "ask_login", cancelled)
    inv = Invocation(argparse.Namespace(db=db.url, user=None, password_stdin=False),
                     io.StringIO(), io.StringIO())  # fmt: skip
    inv.use_database(db)
    assert gui.window_context(inv) is None and asked == [True]
