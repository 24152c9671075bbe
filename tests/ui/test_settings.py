"""Settings: letterhead into documents, read-only for non-admins, thresholds, database, data
key round trip and password change, all through the services; no modal dialog ever opens."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from caseapp.paths import resource_path
from caseapp.services import auth, documents, first_run, reports
from caseapp.services.cases import list_cases
from caseapp.services.context import ServiceContext
from caseapp.services.settings import agency_settings
from caseapp.services.staff import actor_for
from caseapp.ui.settings.dialog import SettingsDialog
from caseapp.ui.settings.page import SettingsPrompts
from caseapp.ui.worker import BackgroundOp
from tests.conftest import MemoryKeyring


class ScriptedPrompts(SettingsPrompts):
    """File choosers that answer from a script instead of opening a modal dialog."""

    def __init__(self) -> None:
        self.open_answer: Path | None = None
        self.save_answer: Path | None = None
        self.asked: list[str] = []

    def choose_file(self, parent: object, title: str, filters: str = "") -> Path | None:
        self.asked.append(title)
        return self.open_answer

    def choose_save_file(
        self, parent: object, title: str, suggested: str, filters: str = ""
    ) -> Path | None:
        self.asked.append(title)
        return self.save_answer


def wait(qtbot: QtBot, op: BackgroundOp | None) -> None:
    assert op is not None
    if op.running:
        with qtbot.wait_signal(op.finished, timeout=20_000):
            pass


@pytest.fixture
def admin_ctx(demo_db: ServiceContext) -> ServiceContext:
    return demo_db.as_actor(actor_for(demo_db, "kevin"))


@pytest.fixture
def prompts() -> ScriptedPrompts:
    return ScriptedPrompts()


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The database choice goes to a temporary folder, never the user's."""
    folder = tmp_path / "config"
    monkeypatch.setenv("CASEAPP_CONFIG_DIR", str(folder))
    monkeypatch.delenv("CASEAPP_DB", raising=False)
    return folder


@pytest.fixture
def make_dialog(qtbot: QtBot, prompts: ScriptedPrompts, config_dir: Path):  # type: ignore[no-untyped-def]
    dialogs: list[SettingsDialog] = []  # qtbot holds widgets weakly: keep them alive here

    def build(ctx: ServiceContext, db_url: str = "sqlite:////tmp/x.sqlite3") -> SettingsDialog:
        dialog = SettingsDialog(ctx, db_url, None, prompts=prompts)
        qtbot.addWidget(dialog)
        dialogs.append(dialog)
        dialog.show()
        return dialog

    yield build


def test_letterhead_is_saved_and_printed_on_documents(
    make_dialog, admin_ctx: ServiceContext, manager_ctx: ServiceContext, prompts: ScriptedPrompts
) -> None:  # type: ignore[no-untyped-def]
    page = make_dialog(admin_ctx).show_page("letterhead")
    assert page.save_button.isEnabled() and not page.agency_name.isReadOnly()
    page.agency_name.setText("Steppe Bridge Medical")
    page.address.setPlainText("12 Abay Avenue\nAlmaty")
    page.phone.setText("+7 727 555 0100")
    page.email.setText("office@steppebridge.example")
    prompts.open_answer = resource_path("icons", "caseapp.png")
    page.browse.click()
    assert page.logo.text() == str(prompts.open_answer)
    assert page.preview.pixmap() is not None and not page.preview.pixmap().isNull()
    page.page_size.setCurrentText("Letter")
    assert page.save()
    assert "Saved" in page.status.text()
    saved = agency_settings(admin_ctx)
    assert (saved.agency_name, saved.address, saved.page_size, saved.logo_path) == (
        "Steppe Bridge Medical", "12 Abay Avenue\nAlmaty", "Letter", str(prompts.open_answer)
    )  # fmt: skip
    ref = list_cases(manager_ctx)[0].ref
    pdf = documents.render_document(manager_ctx, "records-checklist", ref)
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(p.extract_text() or "" for p in reader.pages)
    assert "Steppe Bridge Medical" in text and "office@steppebridge.example" in text
    width = round(float(reader.pages[0].mediabox.width))
    assert width == 612  # Letter


def test_non_admin_sees_settings_read_only(make_dialog, manager_ctx: ServiceContext) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(manager_ctx)
    page = dialog.letterhead
    assert page.agency_name.text() == agency_settings(manager_ctx).agency_name
    assert page.agency_name.isReadOnly() and page.address.isReadOnly()
    assert not page.save_button.isEnabled() and not page.browse.isEnabled()
    assert "may not change settings" in page.save_button.toolTip()
    assert "may not change settings" in page.agency_name.toolTip()
    pipeline = dialog.pipeline
    assert pipeline.values() == reports.stall_thresholds(manager_ctx)  # managers read them
    assert not pipeline.save_button.isEnabled()
    assert not dialog.data_key.export_button.isEnabled()
    assert "administrator" in dialog.data_key.export_button.toolTip()


def test_facilitator_cannot_even_see_thresholds(
    make_dialog, facilitator_ctx: ServiceContext
) -> None:  # type: ignore[no-untyped-def]
    pipeline = make_dialog(facilitator_ctx).pipeline
    assert not any(spin.isEnabled() for spin in pipeline.spins.values())
    assert "pipeline reports" in pipeline.spins["visa"].toolTip()


def test_validation_error_shows_at_its_field_and_keeps_the_input(
    make_dialog, admin_ctx: ServiceContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    before = agency_settings(admin_ctx)
    page = make_dialog(admin_ctx).letterhead
    page.agency_name.setText("  ")
    page.phone.setText("+86 10 1234")
    assert not page.save()
    assert "agency's name" in page.field_errors.text("agency_name")
    assert page.phone.text() == "+86 10 1234" and page.agency_name.text() == "  "
    page.agency_name.setText("New Name")
    page.logo.setText(str(tmp_path / "missing.png"))
    assert not page.save()
    assert page.field_errors.text("agency_name") == ""
    assert "does not exist" in page.field_errors.text("logo_path")
    assert page.preview.text().strip() == "not an image file"
    assert agency_settings(admin_ctx) == before


def test_stall_thresholds_round_trip(
    make_dialog, admin_ctx: ServiceContext, manager_ctx: ServiceContext
) -> None:  # type: ignore[no-untyped-def]
    page = make_dialog(admin_ctx).show_page("pipeline")
    assert page.values() == reports.DEFAULT_STALL_THRESHOLDS
    page.spins["visa"].setValue(45)
    page.spins["records"].setValue(10)
    assert page.save()
    assert reports.stall_thresholds(manager_ctx) == {
        **reports.DEFAULT_STALL_THRESHOLDS, "visa": 45, "records": 10
    }  # fmt: skip
    page.restore_defaults()
    assert page.values() == reports.DEFAULT_STALL_THRESHOLDS
    assert reports.stall_thresholds(manager_ctx)["visa"] == 45  # not saved yet
    assert page.save()
    assert reports.stall_thresholds(manager_ctx) == reports.DEFAULT_STALL_THRESHOLDS


def test_data_key_export_and_import_round_trip(
    qtbot: QtBot,
    make_dialog,  # type: ignore[no-untyped-def]
    admin_ctx: ServiceContext,
    prompts: ScriptedPrompts,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    page = make_dialog(admin_ctx).show_page("data_key")
    assert page.keyring_problem == ""
    page.export_pass.setText("correct horse battery")
    page.export_pass2.setText("correct horse batterY")
    assert page.export_key() is None
    assert "differ" in page.field_errors.text("passphrase2")
    assert prompts.asked == []  # no file chooser before the passphrases agree
    page.export_pass.setText("short")
    page.export_pass2.setText("short")
    wait(qtbot, page.export_key())
    assert "12 characters" in page.field_errors.text("passphrase")
    assert page.export_pass.text() == "short"

    target = tmp_path / "office.caseappkey"
    prompts.save_answer = target
    page.export_pass.setText("correct horse battery")
    page.export_pass2.setText("correct horse battery")
    wait(qtbot, page.export_key())
    assert target.is_file() and b"caseapp-data-key" in target.read_bytes()
    assert "written to" in page.status.text() and page.export_pass.text() == ""

    name = next(k for k in memory_keyring.store if k[1].startswith("data-key:"))
    saved = memory_keyring.store.pop(name)  # as on a second workstation
    prompts.open_answer = target
    page.import_browse.click()
    assert page.import_file.text() == str(target)
    page.import_pass.setText("wrong passphrase")
    wait(qtbot, page.import_key())
    assert "passphrase does not open" in page.field_errors.text("import")
    assert name not in memory_keyring.store and page.import_pass.text() == "wrong passphrase"
    page.import_pass.setText("correct horse battery")
    wait(qtbot, page.import_key())
    assert memory_keyring.store[name] == saved
    assert "imported" in page.status.text()


def test_no_keyring_is_explained(
    make_dialog,  # type: ignore[no-untyped-def]
    admin_ctx: ServiceContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    monkeypatch.setattr(keyring, "get_keyring", lambda: FailKeyring())
    page = make_dialog(admin_ctx).data_key
    assert "keyring" in page.keyring_problem and "Secret Service" in page.keyring_problem
    assert not page.import_button.isEnabled()


def test_database_choice_is_saved_with_password_in_keyring(
    qtbot: QtBot,
    make_dialog,  # type: ignore[no-untyped-def]
    facilitator_ctx: ServiceContext,
    memory_keyring: MemoryKeyring,
    config_dir: Path,
    tmp_path: Path,
) -> None:
    page = make_dialog(facilitator_ctx, "sqlite:////data/caseapp.sqlite3").show_page("database")
    assert page.local.isChecked() and page.path.text() == "/data/caseapp.sqlite3"
    page.path.setText(str(tmp_path / "caseapp.sqlite3"))
    wait(qtbot, page.test_connection())
    assert "does not exist yet" in page.status.text()
    page.server.setChecked(True)
    page.host.setText("")
    assert not page.save()
    assert "server's name" in page.field_errors.text("host")
    page.host.setText("db.office.lan")
    page.port.setValue(5433)
    page.password.setText("s3cret-server")
    assert page.save()
    assert "Restart CaseApp" in page.status.text()
    choice = first_run.load_database_choice()
    assert choice == first_run.DatabaseChoice("postgresql", "", "db.office.lan", 5433)
    assert first_run.server_password(choice) == "s3cret-server"
    assert "s3cret" not in (config_dir / "database.json").read_text()
    assert page.password.text() == ""


def test_change_my_password(
    qtbot: QtBot,
    make_dialog,  # type: ignore[no-untyped-def]
    facilitator_ctx: ServiceContext,
    demo_db: ServiceContext,
) -> None:
    auth.reset_password(demo_db, "fatima", "old-password-1")
    page = make_dialog(facilitator_ctx).show_page("account")
    page.old.setText("old-password-1")
    page.new.setText("new-password-22")
    page.new2.setText("new-password-2")
    assert page.change_password() is None
    assert "differ" in page.field_errors.text("new2")
    page.old.setText("not-my-password")
    page.new2.setText("new-password-22")
    wait(qtbot, page.change_password())
    assert "not right" in page.field_errors.text("old")
    assert page.new.text() == "new-password-22"
    page.old.setText("old-password-1")
    wait(qtbot, page.change_password())
    assert "Password changed" in page.status.text() and page.old.text() == ""
    assert auth.login(demo_db, "fatima", "new-password-22").login == "fatima"
