"""The manager dashboard: where cases stand, what is stuck, what is due, what it costs.

The report is computed by `services.reports` in a QThreadPool worker (the UI thread never waits
on the database); the widgets only show its read model. A click on a bar or a row asks the
service for the cases behind it and emits `showCases(title, refs)` for the main window's list.
"Export…" writes the report on screen (the same figures, the same filters) as JSON, CSV or PDF
through `services.report_export`, in a worker as well.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from PySide6.QtCharts import (
    QValueAxis,
)
from PySide6.QtCore import (
    QModelIndex,
    QSettings,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from caseapp.services import report_export, reports
from caseapp.services.context import ServiceContext
from caseapp.services.errors import DomainError
from caseapp.ui import errors
from caseapp.ui.dashboard_charts import (
    MOVE_COLOURS,
    OPEN_COLOUR,
    chart_view,
    draw_bars,
    draw_stages,
)
from caseapp.ui.dashboard_filters import DashboardFilterBar
from caseapp.ui.file_dialogs import save_file
from caseapp.ui.theme import stage_label
from caseapp.ui.tuple_table import TupleTableModel, group_box, table_view
from caseapp.ui.worker import BackgroundOp, Progress

# Export formats: menu text and the file dialog's filter.
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "json": ("&JSON…", "JSON files (*.json)"),
    "csv": ("&CSV (spreadsheet)…", "CSV files (*.csv)"),
    "pdf": ("&PDF…", "PDF files (*.pdf)"),
}

# ---- background refresh --------------------------------------------------------------------


def _compute(
    ctx: ServiceContext, filters: reports.ReportFilters, with_choices: bool
) -> tuple[reports.PipelineReport, reports.FilterChoices | None]:
    """Runs off the UI thread (BackgroundOp): touches no widget."""
    report = reports.pipeline_report(ctx, filters)
    return report, reports.filter_choices(ctx) if with_choices else None


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
        if settings is not None:
            self.filter_bar.restore(settings)
        self.refresh()

    # ---- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.addLayout(self._filter_bar())

        self.stage_chart, stage_view = chart_view("Cases per stage")
        self.time_model = TupleTableModel(
            ["Stage", "Stays", "In stage now", "Median days", "90th pct days", "Threshold",
             "Stalled"],
            self, right=range(1, 7), alert_column=6,
        )  # fmt: skip
        self.time_table = table_view(self.time_model, stretch=0)
        self.stalled_model = TupleTableModel(
            ["Case", "Patient", "Stage", "Days", "Threshold", "Owner"], self, right=(3, 4)
        )
        self.stalled_table = table_view(self.stalled_model, stretch=1)
        self.deadline_model = TupleTableModel(["Date", "Kind", "Case", "Patient", "What"], self)
        self.deadline_table = table_view(self.deadline_model, stretch=4)
        self.workload_model = TupleTableModel(
            ["Owner", *(stage_label(s) for s in reports.OPEN_STAGES), "Total"],
            self,
            right=range(1, 9),
        )
        # Every column fits its contents (full owner names); a narrow box scrolls sideways
        # rather than cutting names off, and each cell's tooltip holds its whole text.
        self.workload_table = table_view(self.workload_model)
        self.throughput_chart, throughput_view = chart_view("Throughput per month")
        self.throughput_model = TupleTableModel(
            ["Month", *reports.THROUGHPUT_KINDS], self, right=range(1, 6)
        )
        self.throughput_table = table_view(self.throughput_model, stretch=0)
        self.reason_model = TupleTableModel(["Exit", "Reason", "Cases"], self, right=(2,))
        self.reason_table = table_view(self.reason_model, stretch=1)
        self.cost_chart, cost_view = chart_view("Costs per month (thousand CNY)")
        money = ["Estimated (CNY)", "Actual (CNY)", "Lines", "With actual"]
        self.cost_month_model = TupleTableModel(["Month", *money], self, right=range(1, 5))
        self.cost_month_table = table_view(self.cost_month_model, stretch=0)
        self.cost_category_model = TupleTableModel(["Category", *money], self, right=range(1, 5))
        self.cost_category_table = table_view(self.cost_category_model, stretch=0)

        cost_tabs = QTabWidget()
        cost_tabs.addTab(self.cost_month_table, "Per month")
        cost_tabs.addTab(self.cost_category_table, "Per category")

        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(group_box("Where cases stand", stage_view), 0, 0)
        grid.addWidget(group_box("Time in stage (days)", self.time_table), 0, 1)
        self.stalled_box = group_box("Stalled cases", self.stalled_table)
        grid.addWidget(self.stalled_box, 1, 0)
        self.deadline_box = group_box("Deadlines: next 14 days and overdue", self.deadline_table)
        grid.addWidget(self.deadline_box, 1, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(group_box("Workload: open cases per owner", self.workload_table), 1)
        left_layout.addWidget(group_box("Decline and withdrawal reasons", self.reason_table), 1)
        grid.addWidget(left, 2, 0)
        grid.addWidget(group_box("Throughput", throughput_view, self.throughput_table), 2, 1)
        grid.addWidget(group_box("Costs: estimated and actual", cost_view, cost_tabs), 3, 0, 1, 2)
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
        self.filter_bar = DashboardFilterBar()
        f = self.filter_bar
        self.from_edit, self.to_edit = f.from_edit, f.to_edit
        self.program_box, self.owner_box, self.nationality_box = (
            f.program_box, f.owner_box, f.nationality_box
        )  # fmt: skip
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
        bar.addWidget(f)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.export_button)
        bar.addWidget(self.status, 1)
        return bar

    def filters(self) -> reports.ReportFilters:
        return self.filter_bar.filters()

    def set_filters(self, filters: reports.ReportFilters) -> None:
        self.filter_bar.set_filters(filters)

    # ---- refresh -------------------------------------------------------------------------

    def apply_filters(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Compute the report for the filters on screen in the background."""
        self._filters = self.filters()
        if self._settings is not None:
            self.filter_bar.save(self._settings, self._filters)
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
            self.filter_bar.fill_choices(choices)
            self._choices_loaded = True
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
        path = save_file(self, "Export the pipeline report", suggested, EXPORT_FORMATS[fmt][1])
        if path is None:
            return None
        if path.suffix.lower() != f".{fmt}":
            path = path.with_name(f"{path.name}.{fmt}")
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
        self._stage_order, self._stage_sets = draw_stages(
            self.stage_chart, r.cases_per_stage, self._stage_clicked
        )

    def _show_throughput(self, r: reports.PipelineReport) -> None:
        months = [m.month for m in r.throughput]
        self._throughput_sets = draw_bars(
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
        self._cost_sets = draw_bars(
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
