"""Status colours shared by every tab, light enough that black text stays readable."""

from __future__ import annotations

from PySide6.QtGui import QColor

GREEN = QColor("#d9f2d9")
RED = QColor("#f7d4d7")
AMBER = QColor("#ffe9b3")
ORANGE = QColor("#ffc27a")
GREY = QColor("#e6e6e6")
BLUE = QColor("#d6e6fa")

STRONG_RED = QColor("#c62828")
STRONG_GREEN = QColor("#2e7d32")
STRONG_ORANGE = QColor("#ef6c00")
STRONG_AMBER = QColor("#b26a00")
ACCENT = QColor("#1565c0")

ERROR_STYLE = "color: #c62828;"
WARN_STYLE = "color: #8a5300;"
BAND_STYLES = {
    "red": "background: #f7d4d7; color: #8e0000; padding: 2px 6px; border-radius: 3px;",
    "amber": "background: #ffe9b3; color: #6b4400; padding: 2px 6px; border-radius: 3px;",
    "ok": "background: #d9f2d9; color: #1b5e20; padding: 2px 6px; border-radius: 3px;",
}
