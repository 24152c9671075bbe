"""Help > About: version, the database in use, library versions and the licences CaseApp ships.

The licence texts of the bundled fonts are read from resources/fonts/LICENSE-*.txt, so what the
dialog shows is what the bundle carries.
"""

from __future__ import annotations

import html
import platform
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from caseapp import __version__
from caseapp.paths import resource_path
from caseapp.ui.widgets import hide_password


@dataclass(frozen=True)
class Library:
    name: str
    distribution: str  # for the installed version
    licence: str
    url: str


LIBRARIES = (
    Library("PySide6 (Qt for Python)", "PySide6_Essentials", "LGPL-3.0", "https://www.qt.io/qt-for-python"),
    Library("Qt", "", "LGPL-3.0", "https://www.qt.io/licensing"),
    Library("SQLAlchemy", "SQLAlchemy", "MIT", "https://www.sqlalchemy.org"),
    Library("Alembic", "alembic", "MIT", "https://alembic.sqlalchemy.org"),
    Library("ReportLab", "reportlab", "BSD-3-Clause", "https://www.reportlab.com"),
    Library("Jinja2", "Jinja2", "BSD-3-Clause", "https://jinja.palletsprojects.com"),
    Library("keyring", "keyring", "MIT", "https://github.com/jaraco/keyring"),
    Library("cryptography", "cryptography", "Apache-2.0 OR BSD-3-Clause", "https://cryptography.io"),
    Library("argon2-cffi", "argon2-cffi", "MIT", "https://argon2-cffi.readthedocs.io"),
    Library("psycopg", "psycopg", "LGPL-3.0", "https://www.psycopg.org"),
    Library("platformdirs", "platformdirs", "MIT", "https://github.com/tox-dev/platformdirs"),
    Library("Pillow", "pillow", "MIT-CMU", "https://python-pillow.org"),
    Library("Python", "", "PSF-2.0", "https://www.python.org"),
)  # fmt: skip


def installed_version(library: Library) -> str:
    if library.name == "Qt":
        return qVersion()
    if library.name == "Python":
        return platform.python_version()
    if library.name.startswith("PySide6"):
        return pyside_version
    try:
        return version(library.distribution)
    except PackageNotFoundError:
        return "?"


def font_licences() -> list[tuple[str, str]]:
    """(font name, licence text) for every bundled font, from resources/fonts/LICENSE-*.txt."""
    names = {"wqy-microhei": "WenQuanYi Micro Hei", "dejavu": "DejaVu Sans"}
    out = []
    for path in sorted(Path(resource_path("fonts")).glob("LICENSE-*.txt")):
        key = path.stem.removeprefix("LICENSE-")
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        out.append((names.get(key, key), text))
    return out


class AboutDialog(QDialog):
    """Version, database, library versions and licences, in three tabs."""

    def __init__(self, database_url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About CaseApp")
        self.setMinimumSize(620, 520)
        self.database_url = hide_password(database_url)

        header = QHBoxLayout()
        icon = QLabel()
        pixmap = QPixmap(str(resource_path("icons", "caseapp.png")))
        if not pixmap.isNull():
            icon.setPixmap(
                pixmap.scaled(
                    72,
                    72,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        title = QLabel(
            f"<h2 style='margin:0'>CaseApp {html.escape(__version__)}</h2>"
            "<p style='margin:4px 0 0 0'>Case management for facilitators bringing AML patients "
            "to CAR-T trials in China.</p>"
        )
        title.setWordWrap(True)
        self.title_label = title
        header.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(title, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._about_tab(), "&About")
        self.tabs.addTab(self._libraries_tab(), "&Libraries")
        self.tabs.addTab(self._fonts_tab(), "&Fonts")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

    def _about_tab(self) -> QWidget:
        versions = {lib.name: installed_version(lib) for lib in LIBRARIES}
        rows = [
            ("Version", __version__),
            ("Database", self.database_url),
            ("Python", versions["Python"]),
            ("Qt / PySide6", f"{versions['Qt']} / {versions['PySide6 (Qt for Python)']}"),
            ("SQLAlchemy", versions["SQLAlchemy"]),
            ("ReportLab", versions["ReportLab"]),
            ("System", f"{platform.system()} {platform.release()} ({platform.machine()})"),
        ]
        body = "".join(
            f"<tr><td style='padding:2px 12px 2px 0'><b>{html.escape(k)}</b></td>"
            f"<td>{html.escape(v)}</td></tr>"
            for k, v in rows
        )
        self.about_label = QLabel(f"<table>{body}</table>")
        self.about_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.about_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.about_label.setWordWrap(True)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.about_label)
        layout.addStretch(1)
        return page

    def _libraries_tab(self) -> QWidget:
        rows = "".join(
            f"<tr><td style='padding:2px 12px 2px 0'><a href='{lib.url}'>{html.escape(lib.name)}"
            f"</a></td><td style='padding-right:12px'>{html.escape(installed_version(lib))}</td>"
            f"<td>{html.escape(lib.licence)}</td></tr>"
            for lib in LIBRARIES
        )
        self.libraries = QTextBrowser()
        self.libraries.setOpenExternalLinks(True)
        self.libraries.setHtml(
            "<p>CaseApp is built on these open-source libraries. Qt and PySide6 are used under "
            "the LGPL v3: they are shipped as separate shared libraries, which you may replace "
            "with your own builds.</p>"
            "<table><tr><th align=left>Library</th><th align=left>Version</th>"
            f"<th align=left>Licence</th></tr>{rows}</table>"
        )
        return self.libraries

    def _fonts_tab(self) -> QWidget:
        fonts = font_licences()
        text = "\n\n".join(
            f"{name}\n{'=' * len(name)}\n\n{licence.strip()}" for name, licence in fonts
        )
        self.fonts = QPlainTextEdit(text or "No font licence files found in resources/fonts.")
        self.fonts.setReadOnly(True)
        return self.fonts
