"""The lodging timeline strip: one lane per traveller, night by night, gaps red, overlaps orange."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from caseapp.services.lodging import Coverage
from caseapp.ui.workspace.palette import STRONG_GREEN, STRONG_ORANGE, STRONG_RED

COVERED, GAP, OVERLAP = "covered", "gap", "overlap"
COLOURS = {COVERED: STRONG_GREEN, GAP: STRONG_RED, OVERLAP: STRONG_ORANGE}


@dataclass(frozen=True)
class Lane:
    name: str
    nights: tuple[str, ...]  # one state per night from arrival to the night before departure


def lanes(arrival: date, departure: date, coverage: dict[str, Coverage]) -> list[Lane]:
    """Night states per traveller, from the service's gaps and overlaps (pure, for tests)."""
    count = (departure - arrival).days
    out = []
    for name, cov in coverage.items():
        states = [COVERED] * count
        for runs, state in ((cov.gaps, GAP), (cov.overlaps, OVERLAP)):
            for first, last in runs:
                for i in range((first - arrival).days, (last - arrival).days + 1):
                    if 0 <= i < count:
                        states[i] = state
        out.append(Lane(name, tuple(states)))
    return out


class LodgingTimeline(QWidget):
    """Painted: a grid of hundreds of nights is one paint call, not hundreds of widgets."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.arrival: date | None = None
        self.lanes: list[Lane] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)

    def set_coverage(
        self, arrival: date | None, departure: date | None, coverage: dict[str, Coverage]
    ) -> None:
        self.arrival = arrival
        self.lanes = lanes(arrival, departure, coverage) if arrival and departure else []
        self.updateGeometry()
        self.update()

    def _lane_height(self) -> int:
        return self.fontMetrics().height() + 8

    def sizeHint(self) -> QSize:
        rows = max(len(self.lanes), 1)
        return QSize(800, (rows + 1) * self._lane_height() + 30)

    def minimumSizeHint(self) -> QSize:
        return QSize(300, self.sizeHint().height())

    def _name_width(self) -> int:
        fm = self.fontMetrics()
        return max((fm.horizontalAdvance(lane.name) for lane in self.lanes), default=80) + 16

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        fm = self.fontMetrics()
        if not self.lanes or self.arrival is None:
            p.setPen(QColor("#555"))
            p.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter,
                "Set the planned arrival and departure (Overview) to see the stay.",
            )
            p.end()
            return
        lane_h = self._lane_height()
        left = self._name_width()
        nights = len(self.lanes[0].nights)
        width = max(self.width() - left - 8, 10)
        step = width / max(nights, 1)
        top = fm.height() + 6
        # month / week ticks above the lanes
        p.setPen(QColor("#444"))
        for i in range(nights + 1):
            d = self.arrival + timedelta(days=i)
            x = left + i * step
            if d.day == 1 or i == 0:
                p.drawLine(int(x), top - 4, int(x), top + len(self.lanes) * lane_h)
                label = d.strftime("%d %b")
                if x + fm.horizontalAdvance(label) + 4 < self.width():  # never cut a label
                    p.drawText(int(x) + 2, fm.ascent() + 1, label)
        for row, lane in enumerate(self.lanes):
            y = top + row * lane_h
            p.setPen(QColor("black"))
            p.drawText(
                QRectF(4, y, left - 8, lane_h),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                lane.name,
            )
            for i, state in enumerate(lane.nights):
                p.fillRect(
                    QRectF(
                        left + i * step, y + 3, max(step - (1 if step > 4 else 0), 1), lane_h - 6
                    ),
                    COLOURS[state],
                )
        # legend
        y = top + len(self.lanes) * lane_h + 6
        x = left
        p.setPen(QPen(QColor("black")))
        for state, text in ((COVERED, "booked"), (GAP, "no bed (gap)"), (OVERLAP, "booked twice")):
            p.fillRect(QRectF(x, y + 3, 14, fm.height() - 4), COLOURS[state])
            p.drawText(int(x) + 18, y + fm.ascent(), text)
            x += fm.horizontalAdvance(text) + 40
        end = self.arrival + timedelta(days=nights)
        p.drawText(
            QRectF(x, y, self.width() - x - 8, fm.height() + 2),
            Qt.AlignmentFlag.AlignRight,
            f"{self.arrival:%d %b %Y} → {end:%d %b %Y}, {nights} nights",
        )
        p.end()
