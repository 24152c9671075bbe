"""Help > About: version, the database without its password, versions and licences."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from caseapp import __version__
from caseapp.ui.about import AboutDialog, font_licences
from caseapp.ui.widgets import hide_password


def test_about_shows_version_database_and_library_versions(qtbot: QtBot) -> None:
    dialog = AboutDialog("postgresql+psycopg://caseapp:hunter2-secret@db.office.lan/caseapp")
    qtbot.addWidget(dialog)
    dialog.show()
    text = dialog.about_label.text()
    assert f"CaseApp {__version__}" in dialog.title_label.text()
    assert f"<b>Version</b></td><td>{__version__}</td>" in text
    assert "db.office.lan" in text and "hunter2-secret" not in text and "***" in text
    for name in ("Python", "Qt / PySide6", "SQLAlchemy", "ReportLab"):
        assert name in text


def test_about_lists_library_licences(qtbot: QtBot) -> None:
    dialog = AboutDialog("sqlite:///tmp/caseapp.sqlite3")
    qtbot.addWidget(dialog)
    cells = [x.strip() for x in dialog.libraries.toPlainText().splitlines() if x.strip()]
    for name, licence in [
        ("PySide6", "LGPL-3.0"),
        ("SQLAlchemy", "MIT"),
        ("ReportLab", "BSD-3-Clause"),
        ("Alembic", "MIT"),
        ("keyring", "MIT"),
        ("Jinja2", "BSD-3-Clause"),
        ("cryptography", "Apache-2.0 OR BSD-3-Clause"),
        ("argon2-cffi", "MIT"),
        ("psycopg", "LGPL-3.0"),
    ]:
        at = next(i for i, cell in enumerate(cells) if cell.startswith(name))
        assert cells[at + 2] == licence, cells[at : at + 3]  # name, version, licence


def test_about_shows_the_bundled_font_licences(qtbot: QtBot) -> None:
    dialog = AboutDialog("sqlite://")
    qtbot.addWidget(dialog)
    fonts = dict(font_licences())
    assert set(fonts) >= {"WenQuanYi Micro Hei", "DejaVu Sans"}
    text = dialog.fonts.toPlainText()
    assert "WenQuanYi Micro Hei" in text and "Apache License" in text
    assert "DejaVu" in text and "Bitstream" in text


def test_hide_password_leaves_urls_without_one_alone() -> None:
    assert hide_password("sqlite:////home/a/caseapp.sqlite3") == "sqlite:////home/a/caseapp.sqlite3"
    assert hide_password("postgresql://u:p@h/db") == "postgresql://u:***@h/db"
