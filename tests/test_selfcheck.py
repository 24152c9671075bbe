"""--self-check from the source tree (the bundle runs the same code in tests/test_bundle.py)."""

from __future__ import annotations

import io
import re

import pytest

from caseapp import selfcheck
from caseapp.cli import main


def test_self_check_passes_and_prints_one_line() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["--self-check"], out, err) == 0, err.getvalue()
    line = out.getvalue().strip()
    assert "\n" not in line
    assert re.match(r"CaseApp \S+ self-check passed: migrations 0001", line)
    assert "embedded CJK font (WenQuanYi" in line


def test_self_check_names_the_failed_step(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_url: str) -> object:
        raise RuntimeError("disk full")

    monkeypatch.setattr(selfcheck, "_open_database", broken)
    out, err = io.StringIO(), io.StringIO()
    assert main(["--self-check"], out, err) == 1
    assert (
        err.getvalue()
        .strip()
        .endswith(
            "self-check FAILED: opening the temporary database failed: RuntimeError: disk full"
        )
    )
    assert out.getvalue() == ""


def test_pdf_check_tells_embedded_from_referenced_fonts() -> None:
    embedded = (
        b"1 0 obj << /Type /FontDescriptor /FontName /AAAAAA+WenQuanYiMicroHei-0 "
        b"/FontFile2 9 0 R >> endobj 2 0 obj << /Type /Font /BaseFont /AAAAAA+WenQuanYiMicroHei-0"
        b" >> endobj 3 0 obj << /Type /Font /BaseFont /STSong-Light >> endobj"
    )
    assert selfcheck.embedded_fonts(embedded) == {
        "WenQuanYiMicroHei-0": True,
        "STSong-Light": False,
    }
    with pytest.raises(selfcheck.SelfCheckFailed, match="no embedded CJK font"):
        selfcheck._cjk_font(embedded.replace(b"/FontFile2", b""), "")


def test_self_check_leaves_the_users_keyring_alone(memory_keyring: object) -> None:
    import keyring

    before = keyring.get_keyring()
    selfcheck.run_self_check()
    assert keyring.get_keyring() is before
    assert memory_keyring.store == {}  # type: ignore[attr-defined]
