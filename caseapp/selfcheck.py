"""`caseapp --self-check`: prove an install (or the bundle) works end to end in a few seconds.

Opens a throw-away SQLite database, runs every migration, creates staff and a case through the
services, renders one PDF that carries Chinese text and checks that the CJK font is embedded.
It never touches the user's database or keyring: secrets go to an in-memory keyring for the run.
"""

from __future__ import annotations

import re
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO

from caseapp import __version__

CHECK_LOGIN = "selfcheck"
CHECK_PASSWORD = "self-check-password-2026"


class SelfCheckFailed(Exception):
    """One step failed; the message names the step and why."""


@dataclass(frozen=True)
class SelfCheckResult:
    revisions: tuple[str, ...]
    case_ref: str
    pdf_bytes: int
    cjk_font: str
    qt: str
    seconds: float

    def summary(self) -> str:
        migrations = (
            self.revisions[0]
            if len(self.revisions) == 1
            else f"{self.revisions[0]}..{self.revisions[-1]}"
        )
        return (
            f"CaseApp {__version__} self-check passed: migrations {migrations}, "
            f"case {self.case_ref}, PDF {max(1, round(self.pdf_bytes / 1024))} KB with embedded "
            f"CJK font ({self.cjk_font}), {self.qt}, in {self.seconds:.1f} s"
        )


@contextmanager
def _memory_keyring() -> Iterator[None]:
    """Swap in an in-memory keyring for this process only, so the check writes no real secret."""
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1

        def __init__(self) -> None:
            super().__init__()
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.store.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def _step(name: str, call: Callable[[], Any]) -> Any:
    try:
        return call()
    except SelfCheckFailed:
        raise
    except Exception as exc:  # every failure becomes one sentence naming the step
        raise SelfCheckFailed(f"{name} failed: {type(exc).__name__}: {exc}") from exc


def _open_database(url: str) -> Any:
    """open_database migrates; a new database gets its data key in the (memory) keyring."""
    from caseapp.db import open_database

    return open_database(url)


def _revisions(engine: Any) -> tuple[str, ...]:
    """Every revision from base to the one the database now carries, oldest first."""
    from alembic.script import ScriptDirectory

    from caseapp.db import alembic_config, current_revision

    current = current_revision(engine)
    if current is None:
        raise SelfCheckFailed(
            "migrations failed: the database has no alembic_version after upgrade"
        )
    script = ScriptDirectory.from_config(alembic_config(engine))
    chain = [rev.revision for rev in script.walk_revisions("base", current)]
    return tuple(reversed(chain))


_FONT_NAME = re.compile(rb"/BaseFont\s*/([A-Z]{6}\+)?([^\s/>\]]+)")


def embedded_fonts(pdf: bytes) -> dict[str, bool]:
    """Font names in a PDF, each mapped to whether a font file is embedded for it.

    A deliberately small parser (the bundle ships no PDF library): ReportLab writes plain
    objects, and an embedded TrueType subset is a FontDescriptor with a /FontFile2 stream.
    """
    fonts: dict[str, bool] = {}
    objects = re.split(rb"\bendobj\b", pdf)
    descriptors: dict[str, bool] = {}
    for obj in objects:
        if b"/FontDescriptor" in obj and b"/FontName" in obj:
            m = re.search(rb"/FontName\s*/([A-Z]{6}\+)?([^\s/>\]]+)", obj)
            if m:
                name = m.group(2).decode("latin-1")
                descriptors[name] = descriptors.get(name, False) or any(
                    k in obj for k in (b"/FontFile2", b"/FontFile3", b"/FontFile ")
                )
    for m in _FONT_NAME.finditer(pdf):
        name = m.group(2).decode("latin-1")
        fonts[name] = fonts.get(name, False) or descriptors.get(name, False)
    return fonts


def pdf_text_has(pdf: bytes, text: str) -> bool:
    """Whether the PDF's ToUnicode maps (what copy and search see) carry every char of text."""
    wanted = {f"{ord(ch):04X}".encode() for ch in text if not ch.isspace()}
    found: set[bytes] = set()
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        raw = m.group(1)
        try:
            body = zlib.decompressobj().decompress(raw)
        except zlib.error:
            body = raw
        if b"beginbfchar" in body or b"beginbfrange" in body:
            found.update(re.findall(rb"<([0-9A-Fa-f]{4})>", body.upper()))
    return wanted <= found


def _cjk_font(pdf: bytes, chinese: str) -> str:
    fonts = embedded_fonts(pdf)
    cjk = [name for name, embedded in fonts.items() if embedded and "wenquanyi" in name.lower()]
    if not cjk:
        raise SelfCheckFailed(
            "PDF check failed: no embedded CJK font (fonts: "
            + ", ".join(f"{n}{'' if e else ' not embedded'}" for n, e in fonts.items())
            + ")"
        )
    if chinese and not pdf_text_has(pdf, chinese):
        raise SelfCheckFailed(f"PDF check failed: the text {chinese!r} is not in the PDF")
    return cjk[0]


def run_self_check(workdir: Path | None = None) -> SelfCheckResult:
    """Run every step in a temp folder; raises SelfCheckFailed naming the failed step."""
    started = time.perf_counter()
    with _memory_keyring(), tempfile.TemporaryDirectory(prefix="caseapp-selfcheck-") as tmp:
        folder = workdir or Path(tmp)
        url = f"sqlite:///{folder / 'selfcheck.sqlite3'}"
        database = _step("opening the temporary database", lambda: _open_database(url))
        try:
            revisions = _step("migrations", lambda: _revisions(database.engine))
            ref, pdf, chinese = _step(
                "creating staff and a case", lambda: _case_and_pdf(database.session_factory)
            )
            font = _step("PDF check", lambda: _cjk_font(pdf, chinese))
        finally:
            database.engine.dispose()
    qt = _step("Qt check", lambda: _qt_check(pdf))
    return SelfCheckResult(revisions, ref, len(pdf), font, qt, time.perf_counter() - started)


def _qt_check(pdf: bytes) -> str:
    """Qt starts, its image plugins draw the SVG icon and QtPdf opens the PDF just made.

    Proves the bundle carries the Qt plugins; without a display the offscreen platform is used,
    because Qt aborts the process when it cannot reach the one it is told to use.
    """
    import os
    import sys

    if (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, qVersion
    from PySide6.QtGui import QGuiApplication, QIcon
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtWidgets import QApplication

    from caseapp.paths import resource_path

    # A QApplication (not the lighter QGuiApplication): whoever runs next in this process, a
    # test or the window, may need widgets, and Qt allows one application object per process.
    app = QGuiApplication.instance() or QApplication(sys.argv[:1])
    icon = QIcon(str(resource_path("icons", "caseapp.svg")))
    if icon.pixmap(64, 64).isNull():
        raise SelfCheckFailed("Qt check failed: the SVG icon does not render (imageformats plugin)")
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.pageCount() < 1:
        raise SelfCheckFailed(f"Qt check failed: QtPdf cannot open the PDF ({document.error()})")
    document.close()
    return f"Qt {qVersion()} ({QGuiApplication.platformName() if app else '?'})"


def _case_and_pdf(session_factory: Any) -> tuple[str, bytes, str]:
    from caseapp.security import SYSTEM
    from caseapp.services import cases, documents, reference, staff
    from caseapp.services.context import ServiceContext
    from caseapp.services.patients import PatientInput

    system = ServiceContext(session_factory, SYSTEM)
    reference.import_reference(system)
    programs = reference.list_programs(system)
    if not programs:
        raise SelfCheckFailed("reference data failed: no trial programs in resources/reference")
    program = programs[0]
    staff.create_staff(system, CHECK_LOGIN, "Self Check", "manager", password=CHECK_PASSWORD)
    ctx = system.as_actor(staff.actor_for(system, CHECK_LOGIN))
    today = ctx.today()
    patient = PatientInput(
        full_name="Aigul Self-Check",
        sex="F",
        date_of_birth=date(today.year - 40, 3, 14),
        nationality="Kazakhstan",
        passport_number="N12345678",
        passport_expiry=today + timedelta(days=3 * 365),
        languages=("Russian", "English"),
    )
    ref = cases.open_case(ctx, cases.NewCase(patient, program.code, CHECK_LOGIN))
    try:
        pdf = documents.render_document(ctx, "records-checklist", ref)
    except Exception as exc:
        raise SelfCheckFailed(f"PDF rendering failed: {type(exc).__name__}: {exc}") from exc
    chinese = cases.case_detail(ctx, ref).program.hospital_zh
    return ref, pdf, chinese


def main(out: TextIO, err: TextIO) -> int:
    """CLI entry: one line on out and exit 0, or one line naming the failure on err and 1."""
    try:
        result = run_self_check()
    except SelfCheckFailed as exc:
        print(f"CaseApp {__version__} self-check FAILED: {exc}", file=err)
        return 1
    except Exception as exc:  # a bug in the check itself still names itself
        print(f"CaseApp {__version__} self-check FAILED: {type(exc).__name__}: {exc}", file=err)
        return 1
    print(result.summary(), file=out)
    return 0
