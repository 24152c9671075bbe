"""Staff accounts and the interpreter roster through the dialog, checked through the services."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from caseapp.services import auth
from caseapp.services import interpreters as interp
from caseapp.services.context import ServiceContext
from caseapp.services.staff import actor_for, list_staff
from caseapp.ui.staff_admin import StaffAdminDialog
from caseapp.ui.worker import BackgroundOp
from caseapp.ui.workspace.prompts import Prompts


class Yes(Prompts):
    """Answers every confirmation with yes and records the question."""

    def __init__(self) -> None:
        self.questions: list[str] = []

    def confirm(self, parent: object, title: str, text: str) -> bool:
        self.questions.append(text)
        return True


def wait(qtbot: QtBot, op: BackgroundOp | None) -> None:
    assert op is not None
    if op.running:
        with qtbot.wait_signal(op.finished, timeout=20_000):
            pass


@pytest.fixture
def admin_ctx(demo_db: ServiceContext) -> ServiceContext:
    return demo_db.as_actor(actor_for(demo_db, "kevin"))


@pytest.fixture
def make_dialog(qtbot: QtBot) -> Iterator[object]:
    dialogs: list[StaffAdminDialog] = []

    def build(ctx: ServiceContext, prompts: Prompts | None = None) -> StaffAdminDialog:
        dialog = StaffAdminDialog(ctx, None, prompts=prompts or Yes())
        qtbot.addWidget(dialog)
        dialogs.append(dialog)
        dialog.show()
        return dialog

    yield build


def staff(ctx: ServiceContext, login: str):  # type: ignore[no-untyped-def]
    return next(r for r in list_staff(ctx) if r.login == login)


def test_models_pass_the_model_tester(
    make_dialog, admin_ctx: ServiceContext, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(admin_ctx)
    assert dialog.staff_page is not None and dialog.interpreter_page is not None
    qtmodeltester.check(dialog.staff_page.model)
    qtmodeltester.check(dialog.interpreter_page.model)
    assert dialog.staff_page.model.rowCount() == len(list_staff(admin_ctx))


def test_add_account_with_password_and_with_a_one_time_one(
    qtbot: QtBot, make_dialog, admin_ctx: ServiceContext
) -> None:  # type: ignore[no-untyped-def]
    page = make_dialog(admin_ctx).staff_page
    page.login.setText("A")
    page.full_name.setText("Amy Chen")
    wait(qtbot, page.add_account())
    assert "lowercase letters" in page.field_errors.text("login")
    assert page.full_name.text() == "Amy Chen" and page.login.text() == "A"

    page.login.setText("amy.chen")
    page.role.setCurrentIndex(page.role.findData("coordinator"))
    page.email.setText("amy@agency.example")
    page.password.setText("amy-first-password")
    wait(qtbot, page.add_account())
    row = staff(admin_ctx, "amy.chen")
    assert (row.full_name, row.role, row.email, row.active) == (
        "Amy Chen", "coordinator", "amy@agency.example", True
    )  # fmt: skip
    assert auth.login(admin_ctx, "amy.chen", "amy-first-password").role == "coordinator"
    assert page.selected() == row and not page.secret_box.isVisibleTo(page)
    assert page.login.text() == ""

    page.login.setText("bob")
    page.full_name.setText("Bob Li")
    wait(qtbot, page.add_account())
    assert page.secret_box.isVisibleTo(page)
    one_time = page.secret.text()
    assert len(one_time) >= 10
    assert auth.login(admin_ctx, "bob", one_time).login == "bob"
    page.hide_secret()
    assert page.secret.text() == "" and not page.secret_box.isVisibleTo(page)


def test_disable_enable_and_reset(qtbot: QtBot, make_dialog, admin_ctx: ServiceContext) -> None:  # type: ignore[no-untyped-def]
    prompts = Yes()
    page = make_dialog(admin_ctx, prompts).staff_page
    page.select("kevin")
    assert not page.disable_button.isEnabled()  # not oneself
    page.select("fatima")
    assert page.disable_button.isEnabled() and not page.enable_button.isEnabled()
    page.disable_button.click()
    assert not staff(admin_ctx, "fatima").active
    assert "disabled" in page.status.text() and page.enable_button.isEnabled()
    assert page.model.rows[[r.login for r in page.model.rows].index("fatima")].active is False
    page.enable_button.click()
    assert staff(admin_ctx, "fatima").active

    wait(qtbot, page.reset_password())
    assert "fatima" in prompts.questions[0]
    secret = page.secret.text()
    assert page.secret_box.isVisibleTo(page) and "fatima" in page.secret_label.text()
    assert auth.login(admin_ctx, "fatima", secret).login == "fatima"


def test_locked_account_shows_until_when(make_dialog, admin_ctx: ServiceContext) -> None:  # type: ignore[no-untyped-def]
    for _ in range(auth.MAX_FAILED_LOGINS):
        with pytest.raises(auth.LoginFailed):
            auth.login(admin_ctx, "omar", "wrong password")
    page = make_dialog(admin_ctx).staff_page
    page.select("omar")
    row = page.selected()
    assert row is not None and page.model.locked_text(row) != ""
    assert page.enable_button.isEnabled()  # enabling lifts the lockout
    page.enable_button.click()
    assert staff(admin_ctx, "omar").locked_until is None


def test_interpreter_roster_add_edit_deactivate(
    make_dialog, coordinator_ctx: ServiceContext
) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(coordinator_ctx)
    assert dialog.staff_page is None and not dialog.tabs.isTabEnabled(0)
    assert "may not manage staff" in dialog.tabs.tabToolTip(0)
    page = dialog.interpreter_page
    assert dialog.tabs.currentWidget() is page
    page.start_new()
    page.name.setText("Nadia Karim")
    page.languages.setText("Arabic,  French, ")
    page.rate.setText("abc")
    assert page.save() is None
    assert "amount" in page.field_errors.text("hourly_rate_cny")
    assert page.name.text() == "Nadia Karim"
    page.rate.setText("260")
    page.certified.setChecked(True)
    page.city.setText("Beijing")
    added = page.save()
    assert added is not None
    found = next(r for r in interp.list_interpreters(coordinator_ctx) if r.id == added.id)
    assert (found.languages, found.medical_certified, found.hourly_rate_cny, found.city) == (
        ("Arabic", "French"), True, 260, "Beijing"
    )  # fmt: skip
    assert page.selected() == found and page.editing == found.id
    page.languages.setText("Arabic, French, English")
    page.save()
    found = next(r for r in interp.list_interpreters(coordinator_ctx) if r.id == added.id)
    assert found.languages == ("Arabic", "French", "English")
    page.active_button.click()
    assert not next(r for r in interp.list_interpreters(coordinator_ctx) if r.id == added.id).active
    assert page.active_button.text() == "Put back on roster"
    page.active_button.click()
    assert next(r for r in interp.list_interpreters(coordinator_ctx) if r.id == added.id).active


def test_facilitator_gets_neither_tab(make_dialog, facilitator_ctx: ServiceContext) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(facilitator_ctx)
    assert dialog.staff_page is None and dialog.interpreter_page is None
    assert not dialog.tabs.isTabEnabled(0) and not dialog.tabs.isTabEnabled(1)
