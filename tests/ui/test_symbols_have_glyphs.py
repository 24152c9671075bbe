"""Every symbol the window shows has a glyph in the window's font (no empty boxes).

A visa check once showed a box where a stop sign (U+26D4) should be: the fonts the app relies on
have no such glyph. This scans the UI's source for symbol characters and asks the font.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

UI = Path(__file__).resolve().parents[2] / "caseapp" / "ui"


def ui_symbols() -> dict[str, str]:
    """Symbol characters (Unicode category So) in the UI's source, with a file that uses each."""
    found: dict[str, str] = {}
    for path in UI.rglob("*.py"):
        for ch in path.read_text(encoding="utf-8"):
            if ord(ch) > 0x2000 and unicodedata.category(ch) == "So":
                found.setdefault(ch, path.name)
    return found


def test_every_symbol_in_the_window_has_a_glyph(qapp: QApplication) -> None:
    symbols = ui_symbols()
    assert "⚠" in symbols  # the scan sees the marks the tabs use
    metrics = QFontMetrics(qapp.font())
    missing = {f"U+{ord(ch):04X} in {where}" for ch, where in symbols.items()
               if not metrics.inFontUcs4(ord(ch))}  # fmt: skip
    assert missing == set()
