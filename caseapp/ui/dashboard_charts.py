"""The dashboard's bar charts (Qt Charts): colours, axes, and bars that report their clicks."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import (
    QMargins,
    Qt,
)
from PySide6.QtGui import QColor, QPainter

from caseapp.services import reports
from caseapp.ui.theme import stage_label

OPEN_COLOUR = QColor("#0b4f6c")
CLOSED_COLOUR = QColor("#1e7a46")
EXIT_COLOUR = QColor("#b42318")
MOVE_COLOURS = {
    "opened": QColor("#0b4f6c"),
    "advanced": QColor("#4f9bbd"),
    "closed": CLOSED_COLOUR,
    "declined": EXIT_COLOUR,
    "withdrawn": QColor("#b45309"),
}


def chart_view(title: str) -> tuple[QChart, QChartView]:
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(260)
    return chart, view


def reset_chart(chart: QChart) -> None:
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)


def attach_axes(
    chart: QChart,
    series: QBarSeries | QStackedBarSeries,
    categories: Sequence[str],
    top: float,
    *,
    angle: int = 0,
) -> None:
    x = QBarCategoryAxis()
    x.append(list(categories))
    x.setTruncateLabels(False)
    if angle:
        x.setLabelsAngle(angle)
    y = QValueAxis()
    y.setRange(0, max(top * 1.1, 4))
    y.setLabelFormat("%.0f")
    y.applyNiceNumbers()
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(x)
    series.attachAxis(y)


def draw_stages(
    chart: QChart, counts: Sequence[reports.StageCount], on_click: Callable[[int], None]
) -> tuple[list[str], list[QBarSet]]:
    """Horizontal stacked bars of cases per stage, records on top as in the pipeline.

    Returns the stages in bar order (a click's index) and the bar sets (open, closed, exits).
    """
    reset_chart(chart)
    order = [c.stage for c in reversed(counts)]
    rows = list(reversed(counts))
    series = QHorizontalStackedBarSeries()
    sets: list[QBarSet] = []
    for name, group, colour in (
        ("Open", "open", OPEN_COLOUR),
        ("Closed", "closed", CLOSED_COLOUR),
        ("Declined or withdrawn", "exit", EXIT_COLOUR),
    ):
        bar_set = QBarSet(name)
        bar_set.setColor(colour)
        bar_set.setBorderColor(colour)
        bar_set.append([float(c.count) if c.group == group else 0.0 for c in rows])
        bar_set.clicked.connect(on_click)
        series.append(bar_set)
        sets.append(bar_set)
    series.setLabelsVisible(True)
    series.setLabelsFormat("@value")
    chart.addSeries(series)
    y = QBarCategoryAxis()
    y.append([stage_label(s) for s in order])
    y.setTruncateLabels(False)
    x = QValueAxis()
    x.setRange(0, max(max((c.count for c in rows), default=0) * 1.1, 4))
    x.setLabelFormat("%.0f")
    x.applyNiceNumbers()
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(y)
    series.attachAxis(x)
    return order, sets


def draw_bars(
    chart: QChart,
    categories: Sequence[str],
    sets: Sequence[tuple[str, Sequence[float], QColor]],
    on_click: Callable[[int, int], None],
) -> list[QBarSet]:
    """Grouped bars, one set per (name, values, colour); a click calls on_click(set, category)."""
    reset_chart(chart)
    series = QBarSeries()
    out = []
    for n, (name, values, colour) in enumerate(sets):
        bar_set = QBarSet(name)
        bar_set.setColor(colour)
        bar_set.setBorderColor(colour)
        bar_set.append([float(v) for v in values])
        bar_set.clicked.connect(lambda i, n=n: on_click(n, i))
        series.append(bar_set)
        out.append(bar_set)
    chart.addSeries(series)
    top = max((float(v) for _, values, _ in sets for v in values), default=0.0)
    attach_axes(chart, series, categories, top)
    return out
