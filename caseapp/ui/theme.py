"""Shared look: stage names for people, status colours that work on light and dark palettes, icons.

Colours are translucent so they tint whatever base colour the platform palette uses.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen, QPixmap

from caseapp.services.cases import ALL_STAGES, OPEN_STAGES, STAGES

__all__ = [
    "ALL_STAGES",
    "BLOCKED_TEXT",
    "BLOCKED_TINT",
    "OPEN_STAGES",
    "OVERDUE_TEXT",
    "OVERDUE_TINT",
    "STAGES",
    "STAGE_LABELS",
    "app_icon",
    "blocked_icon",
    "overdue_icon",
    "stage_label",
]

STAGE_LABELS: dict[str, str] = {
    "records": "Records",
    "eligibility": "Eligibility",
    "visa": "Visa",
    "lodging": "Lodging",
    "interpreters": "Interpreters",
    "treatment": "Treatment",
    "followup": "Follow-up",
    "closed": "Closed",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
}

BLOCKED_TINT = QColor(220, 38, 38, 38)
BLOCKED_TEXT = QColor(185, 28, 28)
BLOCKED_EDGE = QColor(220, 38, 38)
OVERDUE_TINT = QColor(234, 150, 0, 48)
OVERDUE_TEXT = QColor(180, 83, 9)
MUTED_TEXT = QColor(110, 110, 110)


def stage_label(stage: str) -> str:
    return STAGE_LABELS.get(stage, stage.capitalize())


def _badge(color: QColor, glyph: str, size: int = 16) -> QIcon:
    """A round badge with one white glyph; drawn, so no image files are needed."""
    icon = QIcon()
    for scale in (1, 2):
        px = QPixmap(size * scale, size * scale)
        px.fill(Qt.GlobalColor.transparent)
        p = QPainter(px)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        r = QRectF(1, 1, size * scale - 2, size * scale - 2)
        p.drawEllipse(r)
        if glyph == "clock":
            pen = QPen(QColor("white"), 1.6 * scale)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            p.setPen(pen)
            c = r.center()
            p.drawLine(c, QPointF(c.x(), c.y() - 4.5 * scale))
            p.drawLine(c, QPointF(c.x() + 3.5 * scale, c.y()))
        else:
            font = QFont()
            font.setBold(True)
            font.setPixelSize(int(11 * scale))
            p.setFont(font)
            p.setPen(QColor("white"))
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, glyph)
        p.end()
        icon.addPixmap(px)
    return icon


@cache
def blocked_icon() -> QIcon:
    return _badge(BLOCKED_EDGE, "!")


@cache
def overdue_icon() -> QIcon:
    return _badge(QColor(217, 119, 6), "clock")


@cache
def app_icon() -> QIcon:
    """The window icon: resources/icons/caseapp.(svg|png) if present, else a drawn badge."""
    from caseapp.paths import resource_path

    for name in ("caseapp.svg", "caseapp.png", "app.svg", "app.png"):
        path = resource_path("icons", name)
        if path.exists():
            return QIcon(str(path))
    icon = QIcon()
    for size in (16, 32, 64, 128):
        px = QPixmap(size, size)
        px.fill(Qt.GlobalColor.transparent)
        p = QPainter(px)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(37, 99, 235))
        p.drawRoundedRect(QRectF(0, 0, size, size), size * 0.2, size * 0.2)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(int(size * 0.55))
        p.setFont(font)
        p.setPen(QColor("white"))
        p.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, "C")
        p.end()
        icon.addPixmap(px)
    return icon
