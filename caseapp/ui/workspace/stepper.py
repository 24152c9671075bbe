"""The stage stepper: every pipeline stage in order, the current one highlighted, exits apart."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from caseapp.services.cases import ALL_STAGES, EXITS, STAGES
from caseapp.ui.workspace.palette import ACCENT, STRONG_GREEN, STRONG_RED

LABELS = {"followup": "follow-up"}


def stage_label(stage: str) -> str:
    return LABELS.get(stage, stage)


class StageStepper(QWidget):
    """Painted, because a row of styled labels cannot draw the connecting line cleanly."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stage = STAGES[0]
        self.passed: set[str] = set()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_stage(self, stage: str, visited: set[str] | None = None) -> None:
        if stage not in ALL_STAGES:
            raise ValueError(stage)
        self.stage = stage
        self.passed = set(visited or ())
        self.setToolTip(f"The case is in the {stage_label(stage)} stage.")
        self.update()

    def sizeHint(self) -> QSize:
        h = self.fontMetrics().height()
        return QSize(900, 2 * h + 16)

    def minimumSizeHint(self) -> QSize:
        return QSize(600, self.sizeHint().height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        exit_width = max(fm.horizontalAdvance(stage_label(e)) for e in EXITS) + 24
        main_width = self.width() - 2 * exit_width - 36
        step = main_width / len(STAGES)
        radius = 7.0
        cy = radius + 4
        exited = self.stage in EXITS
        current = STAGES.index(self.stage) if self.stage in STAGES else -1
        grey = QColor("#b0b0b0")
        p.setPen(QPen(grey, 2))
        p.drawLine(int(step / 2), int(cy), int(step * (len(STAGES) - 0.5)), int(cy))
        for i, stage in enumerate(STAGES):
            cx = step * (i + 0.5)
            done = (current >= 0 and i < current) or (exited and stage in self.passed)
            if i == current:
                fill = ACCENT
            elif done:
                fill = STRONG_GREEN
            else:
                fill = QColor("white")
            p.setPen(QPen(ACCENT if i == current else (STRONG_GREEN if done else grey), 2))
            p.setBrush(fill)
            r = radius + (2 if i == current else 0)
            p.drawEllipse(QRectF(cx - r, cy - r, 2 * r, 2 * r))
            font = QFont(self.font())
            font.setBold(i == current)
            p.setFont(font)
            p.setPen(QColor("black") if i == current or done else QColor("#707070"))
            text_rect = QRectF(cx - step / 2, cy + radius + 4, step, fm.height() + 2)
            p.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter, stage_label(stage))
        x = main_width + 24
        p.setFont(self.font())
        for stage in EXITS:
            active = self.stage == stage
            rect = QRectF(x, cy - fm.height() / 2 - 3, exit_width - 6, fm.height() + 6)
            p.setPen(QPen(STRONG_RED if active else grey, 1.5))
            p.setBrush(QColor("#f7d4d7") if active else QColor("white"))
            p.drawRoundedRect(rect, 6, 6)
            p.setPen(STRONG_RED if active else QColor("#909090"))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, stage_label(stage))
            x += exit_width
        p.end()
