"""The first-run wizard: walk it like a person, then check the database through the services."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from caseapp.services import first_run
from caseapp.services.context import ServiceContext
from caseapp.services.settings import agency_settings
from caseapp.services.staff import list_staff
from caseapp.ui.welcome import WelcomeWizard


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The database choice is written here, never to the user's config folder."""
    folder = tmp_path / "config"
    monkeypatch.setenv("CASEAPP_CONFIG_DIR", str(folder))
    return folder


def click(qtbot: QtBot, wizard: QWizard, which: QWizard.WizardButton) -> None:
    qtbot.mouseClick(wizard.button(which), Qt.MouseButton.LeftButton)


def walk_to_admin(qtbot: QtBot, wizard: WelcomeWizard) -> None:
    click(qtbot, wizard, QWizard.WizardButton.NextButton)  # intro -> database
    assert wizard.currentPage() is wizard.database_page
    click(qtbot, wizard, QWizard.WizardButton.NextButton)  # this computer -> admin
    assert wizard.currentPage() is wizard.admin_page


def fill_admin(wizard: WelcomeWizard, password: str = "correct-horse-9", again: str = "") -> None:
    page = wizard.admin_page
    page.login.setText("Anna")
    page.full_name.setText("Anna Petrova")
    page.email.setText("anna@silkroad.example")
    page.password.setText(password)
    page.password2.setText(again or password)


def make_wizard(qtbot: QtBot, tmp_path: Path) -> WelcomeWizard:
    wizard = WelcomeWizard(tmp_path / "data" / "caseapp.sqlite3")
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def test_walk_through_creates_admin_letterhead_and_demo_data(
    qtbot: QtBot, tmp_path: Path, config_dir: Path
) -> None:
    wizard = make_wizard(qtbot, tmp_path)
    assert wizard.database_page.path.text() == str(tmp_path / "data" / "caseapp.sqlite3")
    walk_to_admin(qtbot, wizard)
    fill_admin(wizard)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.letterhead_page
    page = wizard.letterhead_page
    page.agency_name.setText("Silk Road Medical Travel")
    page.address.setPlainText("12 Abay Avenue\nAlmaty 050000, Kazakhstan")
    page.phone.setText("+7 727 555 0101")
    page.email.setText("office@silkroad.example")
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.demo_page
    assert "Silk Road Medical Travel" in wizard.demo_page.summary.text()
    wizard.demo_page.load_demo.setChecked(True)

    with qtbot.wait_signal(wizard.accepted, timeout=60_000):
        click(qtbot, wizard, QWizard.WizardButton.FinishButton)

    result = wizard.result_
    assert result is not None and result.admin is not None
    assert result.admin.login == "anna" and result.admin.role == "admin"
    assert result.demo_cases == first_run.DEMO_CASES
    assert result.url == f"sqlite:///{tmp_path / 'data' / 'caseapp.sqlite3'}"
    ctx = ServiceContext(result.database.session_factory, result.admin)
    letterhead = agency_settings(ctx)
    assert letterhead.agency_name == "Silk Road Medical Travel"
    assert letterhead.address == "12 Abay Avenue\nAlmaty 050000, Kazakhstan"
    assert letterhead.email == "office@silkroad.example"
    logins = {row.login: row.role for row in list_staff(ctx)}
    assert logins["anna"] == "admin" and "helen" in logins  # the admin plus the demo staff
    saved = json.loads((config_dir / "database.json").read_text())
    assert saved["kind"] == "sqlite" and "password" not in json.dumps(saved)
    result.database.engine.dispose()


def test_without_demo_data_the_database_holds_only_the_admin(qtbot: QtBot, tmp_path: Path) -> None:
    wizard = make_wizard(qtbot, tmp_path)
    walk_to_admin(qtbot, wizard)
    fill_admin(wizard)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    wizard.letterhead_page.agency_name.setText("Harbin Bridge Care")
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    with qtbot.wait_signal(wizard.accepted, timeout=30_000):
        click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    result = wizard.result_
    assert result is not None and result.admin is not None and result.demo_cases == 0
    ctx = ServiceContext(result.database.session_factory, result.admin)
    assert [row.login for row in list_staff(ctx)] == ["anna"]
    result.database.engine.dispose()


@pytest.mark.parametrize(
    ("password", "again", "message"),
    [
        ("short", "short", "at least 10 characters"),
        ("correct-horse-9", "correct-horse-8", "passwords differ"),
    ],
)
def test_admin_page_refuses_weak_or_mismatched_passwords(
    qtbot: QtBot, tmp_path: Path, password: str, again: str, message: str
) -> None:
    wizard = make_wizard(qtbot, tmp_path)
    walk_to_admin(qtbot, wizard)
    fill_admin(wizard, password, again)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.admin_page
    assert message in wizard.admin_page.error.text()
    assert wizard.admin_page.error.isVisible()


def test_letterhead_needs_a_name_and_an_existing_logo(qtbot: QtBot, tmp_path: Path) -> None:
    wizard = make_wizard(qtbot, tmp_path)
    walk_to_admin(qtbot, wizard)
    fill_admin(wizard)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.letterhead_page
    assert "agency's name" in wizard.letterhead_page.error.text()
    wizard.letterhead_page.agency_name.setText("Silk Road Medical Travel")
    wizard.letterhead_page.logo.setText(str(tmp_path / "missing.png"))
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert "does not exist" in wizard.letterhead_page.error.text()


def test_office_server_keeps_its_password_in_keyring_not_in_the_config(
    qtbot: QtBot, tmp_path: Path, memory_keyring: object
) -> None:
    """The server choice is checked, its password goes to keyring; the server itself is faked."""
    opened: list[str] = []

    def refuse(url: str) -> object:
        opened.append(url)
        raise first_run.ValidationError("The office server did not answer.")

    wizard = WelcomeWizard(tmp_path / "x.sqlite3", open_database=refuse)
    qtbot.addWidget(wizard)
    wizard.show()
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    db_page = wizard.database_page
    db_page.server.setChecked(True)
    assert not db_page.local_box.isEnabled() and db_page.server_box.isEnabled()
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert "server's name" in db_page.error.text()
    db_page.host.setText("db.office.lan")
    db_page.password.setText("s3rver-secret")
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    fill_admin(wizard)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    wizard.letterhead_page.agency_name.setText("Silk Road Medical Travel")
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    qtbot.wait_until(lambda: wizard.demo_page.error.isVisible(), timeout=10_000)
    assert "did not answer" in wizard.demo_page.error.text()
    assert wizard.result_ is None and wizard.isVisible()
    choice = wizard.choices().database
    assert first_run.server_password(choice) == "s3rver-secret"
    assert opened == ["postgresql+psycopg://caseapp:s3rver-secret@db.office.lan:5432/caseapp"]
