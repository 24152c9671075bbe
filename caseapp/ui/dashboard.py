"""The manager dashboard: where cases stand, what is stuck, what is due, what it costs.

The report is computed by `services.reports` in a QThreadPool worker (the UI thread never waits
on the database); the widgets only show its read model. A click on a bar or a row asks the
service for the cases behind it and emits `showCases(title, refs)` for the main window's list.
"Export…" writes the report on screen (the same figures, the same filters) as JSON, CSV or PDF
through `services.report_export`, in a worker as well.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

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
    QAbstractTableModel,
    QDate,
    QMargins,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSettings,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from caseapp.services import report_export, reports
from caseapp.services.context import ServiceContext
from caseapp.services.errors import DomainError
from caseapp.ui import errors
from caseapp.ui.theme import stage_label
from caseapp.ui.worker import BackgroundOp, Progress

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
DASH = "—"
NO_DATE = QDate(2000, 1, 1)  # the date edits' minimum, shown as "any"
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
OVERDUE_COLOUR = QColor("#b42318")
Cell = str | int | float | Decimal | date | None
# Export formats: menu text and the file dialog's filter.
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "json": ("&JSON…", "JSON files (*.json)"),
    "csv": ("&CSV (spreadsheet)…", "CSV files (*.csv)"),
    "pdf": ("&PDF…", "PDF files (*.pdf)"),
}

_Index = QModelIndex | QPersistentModelIndex


def _text(value: Cell) -> str:
    if value is None:
        return DASH
    if isinstance(value, Decimal):
        return f"{value:,.0f}"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class TupleTableModel(QAbstractTableModel):
    """A read-only table over plain tuples, each row with a key (a ref, a stage, a month...).

    Rows are kept as given; sorting reorders a list of row indices, as the case list does.
    """

    def __init__(
        self,
        headers: Sequence[str],
        parent: QObject | None = None,
        *,
        right: Sequence[int] = (),
        alert_column: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._right = set(right)
        self._alert_column = alert_column  # None: an alert colours the whole row
        self._rows: list[tuple[Cell, ...]] = []
        self._keys: list[str] = []
        self._alert: list[bool] = []

    def set_rows(
        self,
        rows: Sequence[tuple[Cell, ...]],
        keys: Sequence[str],
        alert: Sequence[bool] | None = None,
    ) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._keys = list(keys)
        self._alert = list(alert) if alert is not None else [False] * len(self._rows)
        self.endResetModel()

    def key(self, row: int) -> str:
        return self._keys[row]

    def rows(self) -> list[tuple[Cell, ...]]:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self._rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            # The tooltip repeats the text: a narrow column elides it, the tooltip does not.
            return _text(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if index.column() in self._right:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and self._alert[index.row()]
            and self._alert_column in (None, index.column())
        ):
            return QBrush(OVERDUE_COLOUR)
        if role == KEY_ROLE:
            return self._keys[index.row()]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._headers) or not self._rows:
            return

        def sort_key(i: int) -> tuple[int, Any]:
            value = self._rows[i][column]
            if value is None:
                return (0, 0)
            if isinstance(value, int | float | Decimal):
                return (1, value)
            return (2, str(value).casefold())

        order_ = sorted(
            range(len(self._rows)),
            key=sort_key,
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self.beginResetModel()
        self._rows = [self._rows[i] for i in order_]
        self._keys = [self._keys[i] for i in order_]
        self._alert = [self._alert[i] for i in order_]
        self.endResetModel()


# ---- background refresh --------------------------------------------------------------------


def _compute(
    ctx: ServiceContext, filters: reports.ReportFilters, with_choices: bool
) -> tuple[reports.PipelineReport, reports.FilterChoices | None]:
    """Runs off the UI thread (BackgroundOp): touches no widget."""
    report = reports.pipeline_report(ctx, filters)
    return report, reports.filter_choices(ctx) if with_choices else None


# ---- widgets -------------------------------------------------------------------------------


def _table(model: TupleTableModel, *, stretch: int | None = None) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(22)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    return view


def _chart_view(title: str) -> tuple[QChart, QChartView]:
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(260)
    return chart, view


def _reset_chart(chart: QChart) -> None:
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)


def _attach_axes(
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


def _group(title: str, *widgets: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(6, 6, 6, 6)
    for w in widgets:
        layout.addWidget(w)
    return box


@dataclass
class _Click:
    """What a bar set in a chart stands for, so a click can name its cases."""

    section: str
    keys: list[str]
    titles: list[str]


class DashboardView(QWidget):
    """The manager's page: filters, charts and tables of the pipeline report."""

    openCase = Signal(str)
    showCases = Signal(str, list)
    refreshed = Signal()  # a new report is on screen (tests and the status bar listen)
    exported = Signal(str)  # the path of a report file just written

    def __init__(
        self,
        ctx: ServiceContext,
        parent: QWidget | None = None,
        *,
        settings: QSettings | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._settings = settings
        self._pool = pool or QThreadPool.globalInstance()
        self._generation = itertools.count(1)
        self._current = 0
        self._choices_loaded = False
        self.report: reports.PipelineReport | None = None
        self._stage_order: list[str] = []
        self._filters = reports.ReportFilters()
        self._build()
        self._restore_filters()
        self.refresh()

    # ---- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.addLayout(self._filter_bar())

        self.stage_chart, stage_view = _chart_view("Cases per stage")
        self.time_model = TupleTableModel(
            ["Stage", "Stays", "In stage now", "Median days", "90th pct days", "Threshold",
             "Stalled"],
            self, right=range(1, 7), alert_column=6,
        )  # fmt: skip
        self.time_table = _table(self.time_model, stretch=0)
        self.stalled_model = TupleTableModel(
            ["Case", "Patient", "Stage", "Days", "Threshold", "Owner"], self, right=(3, 4)
        )
        self.stalled_table = _table(self.stalled_model, stretch=1)
        self.deadline_model = TupleTableModel(["Date", "Kind", "Case", "Patient", "What"], self)
        self.deadline_table = _table(self.deadline_model, stretch=4)
        self.workload_model = TupleTableModel(
            ["Owner", *(stage_label(s) for s in reports.OPEN_STAGES), "Total"],
            self,
            right=range(1, 9),
        )
        # Every column fits its contents (full owner names); a narrow box scrolls sideways
        # rather than cutting names off, and each cell's tooltip holds its whole text.
        self.workload_table = _table(self.workload_model)
        self.throughput_chart, throughput_view = _chart_view("Throughput per month")
        self.throughput_model = TupleTableModel(
            ["Month", *reports.THROUGHPUT_KINDS], self, right=range(1, 6)
        )
        self.throughput_table = _table(self.throughput_model, stretch=0)
        self.reason_model = TupleTableModel(["Exit", "Reason", "Cases"], self, right=(2,))
        self.reason_table = _table(self.reason_model, stretch=1)
        self.cost_chart, cost_view = _chart_view("Costs per month (thousand CNY)")
        money = ["Estimated (CNY)", "Actual (CNY)", "Lines", "With actual"]
        self.cost_month_model = TupleTableModel(["Month", *money], self, right=range(1, 5))
        self.cost_month_table = _table(self.cost_month_model, stretch=0)
        self.cost_category_model = TupleTableModel(["Category", *money], self, right=range(1, 5))
        self.cost_category_table = _table(self.cost_category_model, stretch=0)

        cost_tabs = QTabWidget()
        cost_tabs.addTab(self.cost_month_table, "Per month")
        cost_tabs.addTab(self.cost_category_table, "Per category")

        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(_group("Where cases stand", stage_view), 0, 0)
        grid.addWidget(_group("Time in stage (days)", self.time_table), 0, 1)
        self.stalled_box = _group("Stalled cases", self.stalled_table)
        grid.addWidget(self.stalled_box, 1, 0)
        self.deadline_box = _group("Deadlines: next 14 days and overdue", self.deadline_table)
        grid.addWidget(self.deadline_box, 1, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(_group("Workload: open cases per owner", self.workload_table), 1)
        left_layout.addWidget(_group("Decline and withdrawal reasons", self.reason_table), 1)
        grid.addWidget(left, 2, 0)
        grid.addWidget(_group("Throughput", throughput_view, self.throughput_table), 2, 1)
        grid.addWidget(_group("Costs: estimated and actual", cost_view, cost_tabs), 3, 0, 1, 2)
        for row, height in ((0, 300), (1, 280), (2, 460), (3, 440)):
            grid.setRowMinimumHeight(row, height)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_host)
        outer.addWidget(scroll, 1)

        for view, section in (
            (self.time_table, "time_in_stage"),
            (self.workload_table, "workload"),
            (self.throughput_table, "throughput"),
            (self.reason_table, "reasons"),
            (self.cost_month_table, "costs"),
            (self.cost_category_table, "costs"),
        ):
            view.clicked.connect(lambda index, s=section: self._row_clicked(s, index))
        self.stalled_table.activated.connect(lambda i: self._open(self.stalled_model, i))
        self.deadline_table.activated.connect(lambda i: self._open(self.deadline_model, i))

    def _filter_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.from_edit = self._date_edit()
        self.to_edit = self._date_edit()
        self.program_box = QComboBox()
        self.owner_box = QComboBox()
        self.nationality_box = QComboBox()
        for box, everything in (
            (self.program_box, "All programs"),
            (self.owner_box, "All owners"),
            (self.nationality_box, "All nationalities"),
        ):
            box.addItem(everything, None)
            box.setMinimumContentsLength(14)
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setToolTip("Compute the report again (F5)")
        self.refresh_button.clicked.connect(self.apply_filters)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.apply_filters)
        self.export_button = QPushButton("&Export…")
        self.export_button.setObjectName("dashboardExport")
        self.export_button.setToolTip(
            "Write the report on screen (its filters) as JSON, CSV or PDF (Ctrl+E)"
        )
        self.export_button.setEnabled(False)  # until the first report is on screen
        self.export_menu = QMenu(self.export_button)
        self.export_actions = {}
        for fmt, (text, _filter) in EXPORT_FORMATS.items():
            action = self.export_menu.addAction(text)
            action.setObjectName(f"export_{fmt}")
            action.triggered.connect(lambda _checked=False, f=fmt: self.export(f))
            self.export_actions[fmt] = action
        self.export_button.setMenu(self.export_menu)
        QShortcut(QKeySequence("Ctrl+E"), self, self.export_button.showMenu)
        self._export_op: BackgroundOp | None = None
        self.status = QLabel("")
        self.status.setObjectName("dashboardStatus")
        for label, widget in (
            ("&From", self.from_edit),
            ("&To", self.to_edit),
            ("&Program", self.program_box),
            ("O&wner", self.owner_box),
            ("&Nationality", self.nationality_box),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            bar.addWidget(caption)
            bar.addWidget(widget)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.export_button)
        bar.addWidget(self.status, 1)
        return bar

    def _date_edit(self) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText("any")
        edit.setDate(NO_DATE)
        edit.setToolTip("Reporting period; 'any' leaves this end open")
        return edit

    # ---- filters -------------------------------------------------------------------------

    @staticmethod
    def _date_of(edit: QDateEdit) -> date | None:
        value = edit.date()
        return None if value == NO_DATE else date(value.year(), value.month(), value.day())

    def filters(self) -> reports.ReportFilters:
        return reports.ReportFilters(
            date_from=self._date_of(self.from_edit),
            date_to=self._date_of(self.to_edit),
            program=self.program_box.currentData(),
            owner=self.owner_box.currentData(),
            nationality=self.nationality_box.currentData(),
        )

    def set_filters(self, filters: reports.ReportFilters) -> None:
        """Show these filters in the bar (choices not loaded yet are added so they stick)."""
        for edit, day in ((self.from_edit, filters.date_from), (self.to_edit, filters.date_to)):
            edit.setDate(QDate(day.year, day.month, day.day) if day else NO_DATE)
        for box, value in (
            (self.program_box, filters.program),
            (self.owner_box, filters.owner),
            (self.nationality_box, filters.nationality),
        ):
            at = box.findData(value)
            if at < 0 and value:
                box.addItem(value, value)
                at = box.count() - 1
            box.setCurrentIndex(max(at, 0))

    def _fill_choices(self, choices: reports.FilterChoices) -> None:
        keep = self.filters()
        for box, items in (
            (self.program_box, [(f"{code} · {name}", code) for code, name in choices.programs]),
            (self.owner_box, [(name, login) for login, name in choices.owners]),
            (self.nationality_box, [(n, n) for n in choices.nationalities]),
        ):
            box.blockSignals(True)
            first = box.itemText(0)
            box.clear()
            box.addItem(first, None)
            for text, value in items:
                box.addItem(text, value)
            box.blockSignals(False)
        self.set_filters(keep)
        self._choices_loaded = True

    def _restore_filters(self) -> None:
        if self._settings is None:
            return
        s = self._settings

        def day(key: str) -> date | None:
            text = s.value(f"dashboard/{key}", "")
            try:
                return date.fromisoformat(str(text)) if text else None
            except ValueError:
                return None

        def text(key: str) -> str | None:
            value = s.value(f"dashboard/{key}", "")
            return str(value) if value else None

        self.set_filters(
            reports.ReportFilters(
                day("from"), day("to"), text("program"), text("owner"), text("nationality")
            )
        )

    def _save_filters(self, f: reports.ReportFilters) -> None:
        if self._settings is None:
            return
        for key, value in (
            ("from", f.date_from.isoformat() if f.date_from else ""),
            ("to", f.date_to.isoformat() if f.date_to else ""),
            ("program", f.program or ""),
            ("owner", f.owner or ""),
            ("nationality", f.nationality or ""),
        ):
            self._settings.setValue(f"dashboard/{key}", value)

    # ---- refresh -------------------------------------------------------------------------

    def apply_filters(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Compute the report for the filters on screen in the background."""
        self._filters = self.filters()
        self._save_filters(self._filters)
        generation = next(self._generation)
        self._current = generation
        ctx, filters, with_choices = self.ctx, self._filters, not self._choices_loaded
        self.status.setText("Computing…")
        self.refresh_button.setEnabled(False)
        # The shared worker lets the pool own each task: a task kept and freed here could be
        # deleted while its thread was still returning from run() (a crash seen in CI).
        BackgroundOp(
            self,
            lambda: _compute(ctx, filters, with_choices),
            lambda result: self._on_report(generation, *result),
            pool=self._pool,
        ).failure(lambda exc: self._on_failed(generation, exc)).run_in_background()

    def _finish(self, generation: int) -> bool:
        if generation != self._current:
            return False  # an older refresh answering late: a newer one is on its way
        self.refresh_button.setEnabled(True)
        return True

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        if not self._finish(generation):
            return
        self.status.setText("The report could not be computed.")
        errors.show_error(self, exc)

    def _on_report(
        self,
        generation: int,
        report: reports.PipelineReport,
        choices: reports.FilterChoices | None,
    ) -> None:
        if not self._finish(generation):
            return
        if choices is not None:
            self._fill_choices(choices)
        self.show_report(report)

    def show_report(self, r: reports.PipelineReport) -> None:
        """Put a computed report on screen (UI thread only)."""
        self.report = r
        self._show_stages(r)
        self.time_model.set_rows(
            [
                (
                    stage_label(t.stage),
                    t.stays,
                    t.current,
                    t.median_days,
                    t.p90_days,
                    t.threshold,
                    t.stalled,
                )
                for t in r.time_in_stage
            ],
            [t.stage for t in r.time_in_stage],
            [t.stalled > 0 for t in r.time_in_stage],
        )
        self.stalled_model.set_rows(
            [
                (c.ref, c.patient, stage_label(c.stage), c.days, c.threshold, c.owner_name)
                for c in r.stalled_cases
            ],
            [c.ref for c in r.stalled_cases],
        )
        self.stalled_box.setTitle(f"Stalled cases ({len(r.stalled_cases)}), oldest first")
        self.deadline_model.set_rows(
            [(d.due, d.kind, d.ref, d.patient, d.detail) for d in r.deadlines],
            [d.ref for d in r.deadlines],
            [d.overdue for d in r.deadlines],
        )
        overdue = sum(d.overdue for d in r.deadlines)
        self.deadline_box.setTitle(
            f"Deadlines: next 14 days and overdue ({len(r.deadlines)}, {overdue} overdue)"
        )
        self.workload_model.set_rows(
            [(w.owner_name, *w.by_stage, w.total) for w in r.workload],
            [w.owner for w in r.workload],
        )
        self.throughput_model.set_rows(
            [
                (m.month, m.opened, m.advanced, m.closed, m.declined, m.withdrawn)
                for m in r.throughput
            ],
            [m.month for m in r.throughput],
        )
        self.reason_model.set_rows(
            [(x.exit, x.reason, x.count) for x in r.exit_reasons],
            [f"{x.exit}/{x.reason}" for x in r.exit_reasons],
        )
        self._show_throughput(r)
        cost_rows = lambda items: [  # noqa: E731
            (c.key, c.estimated, c.actual if c.lines_with_actual else None, c.lines,
             c.lines_with_actual)
            for c in items
        ]  # fmt: skip
        self.cost_month_model.set_rows(
            cost_rows(r.costs_by_month), [c.key for c in r.costs_by_month]
        )
        self.cost_category_model.set_rows(
            cost_rows(r.costs_by_category), [c.key for c in r.costs_by_category]
        )
        self._show_costs(r)
        self.export_button.setEnabled(self._export_op is None)
        self.status.setText(
            f"Period {r.period_from} to {r.period_to} · as of {r.generated_at:%Y-%m-%d %H:%M} UTC"
        )
        self.refreshed.emit()

    # ---- export --------------------------------------------------------------------------

    def ask_export_path(self, fmt: str, suggested: str) -> Path | None:
        """The file dialog (tests replace this method); None when the user cancels."""
        folder = str(self._settings.value("dashboard/export_dir", "")) if self._settings else ""
        start = str(Path(folder) / suggested) if folder else suggested
        name, _ = QFileDialog.getSaveFileName(
            self, "Export the pipeline report", start, EXPORT_FORMATS[fmt][1]
        )
        if not name:
            return None
        path = Path(name)
        if path.suffix.lower() != f".{fmt}":
            path = path.with_name(f"{path.name}.{fmt}")
        if self._settings is not None:
            self._settings.setValue("dashboard/export_dir", str(path.parent))
        return path

    def export(self, fmt: str) -> BackgroundOp | None:
        """Write the report on screen to a file the user picks; rendering runs in a worker.

        The report object itself is exported (not one computed again), so the file states
        exactly the figures and filters the user is looking at.
        """
        report = self.report
        if fmt not in EXPORT_FORMATS or report is None or self._export_op is not None:
            return None
        path = self.ask_export_path(fmt, f"pipeline-{report.today.isoformat()}.{fmt}")
        if path is None:
            return None
        ctx = self.ctx

        def write(progress: Progress) -> Path:
            """Runs off the UI thread: touches no widget."""
            progress(0, 2)
            data = report_export.export_bytes(ctx, report, fmt)
            if not progress(1, 2):
                return path  # cancelled: nothing written
            try:
                path.write_bytes(data)
            except OSError as exc:
                raise DomainError(f"Could not write {path}: {exc.strerror or exc}.") from exc
            progress(2, 2)
            return path

        self.export_button.setEnabled(False)
        self.status.setText(f"Writing {path.name}…")
        op = (
            BackgroundOp(self, write, self._exported, pool=self._pool)
            .with_progress(f"Writing {path.name}…", title="Export")
            .failure(self._export_failed)
            .on_cancelled(lambda: self._export_done("Export cancelled; nothing was written."))
        )
        self._export_op = op
        return op.run_in_background()

    def _export_done(self, text: str) -> None:
        self._export_op = None
        self.export_button.setEnabled(self.report is not None)
        self.status.setText(text)

    def _exported(self, path: Path) -> None:
        self._export_done(f"Exported the report to {path}.")
        self.exported.emit(str(path))

    def _export_failed(self, exc: BaseException) -> None:
        self._export_done("The report was not exported.")
        errors.show_error(self, exc)

    # ---- charts --------------------------------------------------------------------------

    def _show_stages(self, r: reports.PipelineReport) -> None:
        # Horizontal bars: stage names get the room they need; records on top, as in the pipeline.
        chart = self.stage_chart
        _reset_chart(chart)
        self._stage_order = [c.stage for c in reversed(r.cases_per_stage)]
        counts = list(reversed(r.cases_per_stage))
        series = QHorizontalStackedBarSeries()
        self._stage_sets: list[QBarSet] = []
        for name, group, colour in (
            ("Open", "open", OPEN_COLOUR),
            ("Closed", "closed", CLOSED_COLOUR),
            ("Declined or withdrawn", "exit", EXIT_COLOUR),
        ):
            bar_set = QBarSet(name)
            bar_set.setColor(colour)
            bar_set.setBorderColor(colour)
            bar_set.append([float(c.count) if c.group == group else 0.0 for c in counts])
            bar_set.clicked.connect(self._stage_clicked)
            series.append(bar_set)
            self._stage_sets.append(bar_set)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value")
        chart.addSeries(series)
        y = QBarCategoryAxis()
        y.append([stage_label(s) for s in self._stage_order])
        y.setTruncateLabels(False)
        x = QValueAxis()
        x.setRange(0, max(max((c.count for c in counts), default=0) * 1.1, 4))
        x.setLabelFormat("%.0f")
        x.applyNiceNumbers()
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(y)
        series.attachAxis(x)

    def _multi_chart(
        self,
        chart: QChart,
        categories: Sequence[str],
        sets: Sequence[tuple[str, Sequence[float], QColor]],
        on_click: Callable[[int, int], None],
    ) -> list[QBarSet]:
        _reset_chart(chart)
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
        _attach_axes(chart, series, categories, top)
        return out

    def _show_throughput(self, r: reports.PipelineReport) -> None:
        months = [m.month for m in r.throughput]
        self._throughput_sets = self._multi_chart(
            self.throughput_chart,
            [m[2:] for m in months],
            [
                (kind, [getattr(m, kind) for m in r.throughput], MOVE_COLOURS[kind])
                for kind in reports.THROUGHPUT_KINDS
            ],
            lambda n, i: self._show(
                f"{reports.THROUGHPUT_KINDS[n].capitalize()} in {months[i]}",
                "throughput",
                f"{months[i]}/{reports.THROUGHPUT_KINDS[n]}",
            ),
        )

    def _show_costs(self, r: reports.PipelineReport) -> None:
        months = [c.key for c in r.costs_by_month]
        self._cost_sets = self._multi_chart(
            self.cost_chart,
            [m[2:] for m in months],
            [
                (
                    "Estimated",
                    [float(c.estimated) / 1000 for c in r.costs_by_month],
                    QColor("#9fc3d4"),
                ),
                ("Actual", [float(c.actual) / 1000 for c in r.costs_by_month], OPEN_COLOUR),
            ],
            lambda _n, i: self._show(f"Cases with costs in {months[i]}", "costs", months[i]),
        )
        axis = next(
            (a for a in self.cost_chart.axes(Qt.Orientation.Vertical) if isinstance(a, QValueAxis)),
            None,
        )
        if axis is not None:
            axis.setLabelFormat("%.0f")

    # ---- clicks --------------------------------------------------------------------------

    def _stage_clicked(self, index: int) -> None:
        if not 0 <= index < len(self._stage_order):
            return
        stage = self._stage_order[index]
        self._show(f"Cases in {stage}", "cases_per_stage", stage)

    def _row_clicked(self, section: str, index: QModelIndex) -> None:
        model = index.model()
        if not isinstance(model, TupleTableModel) or not index.isValid():
            return
        key = model.key(index.row())
        label = str(model.data(model.index(index.row(), 0)))
        if section == "time_in_stage":
            self._show(f"Stalled in {key}", section, key)
        elif section == "workload":
            stages = reports.OPEN_STAGES
            column = index.column()
            if 1 <= column <= len(stages):
                stage = stages[column - 1]
                self._show(f"Open cases of {label} in {stage}", section, f"{key}/{stage}")
            else:
                self._show(f"Open cases of {label}", section, key)
        elif section == "throughput":
            kinds = reports.THROUGHPUT_KINDS
            column = index.column()
            if 1 <= column <= len(kinds):
                kind = kinds[column - 1]
                self._show(f"{kind.capitalize()} in {key}", section, f"{key}/{kind}")
            else:
                self._show(f"Movements in {key}", section, key)
        elif section == "reasons":
            self._show(f"{key.split('/', 1)[0].capitalize()}: {key.split('/', 1)[1]}", section, key)
        elif section == "costs":
            self._show(f"Cases with costs: {key}", section, key)

    def _show(self, title: str, section: str, key: str) -> None:
        try:
            refs = reports.cases_behind(self.ctx, section, key, self._filters)
        except DomainError as exc:
            errors.show_error(self, exc)
            return
        self.showCases.emit(title, refs)

    def _open(self, model: TupleTableModel, index: QModelIndex) -> None:
        if index.isValid():
            self.openCase.emit(model.key(index.row()))
