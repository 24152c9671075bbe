"""The dashboard shows the report computed in the background, and clicks name the cases."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCharts import QBarCategoryAxis
from PySide6.QtCore import Qt, QThreadPool
from pytestqt.qtbot import QtBot

from caseapp.services import cases as case_service
from caseapp.services import reports
from caseapp.services.context import ServiceContext
from caseapp.ui import theme
from caseapp.ui.dashboard import DashboardView
from caseapp.ui.tuple_table import TupleTableModel


@pytest.fixture
def pool() -> Iterator[QThreadPool]:
    pool = QThreadPool()
    yield pool
    pool.waitForDone(10_000)


@pytest.fixture
def dashboard(qtbot: QtBot, manager_ctx: ServiceContext, pool: QThreadPool) -> DashboardView:
    view = DashboardView(manager_ctx, pool=pool)
    qtbot.addWidget(view)
    view.resize(1600, 1000)
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        view.show()
    return view


def models(view: DashboardView) -> list[TupleTableModel]:
    return [
        view.time_model,
        view.stalled_model,
        view.deadline_model,
        view.workload_model,
        view.throughput_model,
        view.reason_model,
        view.cost_month_model,
        view.cost_category_model,
    ]


def test_dashboard_shows_the_report_in_checked_models(
    dashboard: DashboardView,
    qtmodeltester,
    manager_ctx: ServiceContext,  # type: ignore[no-untyped-def]
) -> None:
    report = reports.pipeline_report(manager_ctx)
    assert dashboard.report is not None
    assert dashboard.report.cases_per_stage == report.cases_per_stage
    for model in models(dashboard):
        qtmodeltester.check(model)
    assert dashboard.time_model.rowCount() == len(reports.OPEN_STAGES)
    assert dashboard.stalled_model.rowCount() == len(report.stalled_cases)
    assert dashboard.throughput_model.rowCount() == 12
    assert dashboard.program_box.count() > 1  # choices arrived with the first report
    # The chart's bars carry the same counts as the report.
    open_set = dashboard._stage_sets[0]
    order = dashboard._stage_order
    counts = {c.stage: c.count for c in report.cases_per_stage}
    assert [open_set.at(i) for i in range(open_set.count())][order.index("visa")] == counts["visa"]


def test_clicking_a_stage_bar_shows_the_cases_behind_it(
    dashboard: DashboardView, qtbot: QtBot, manager_ctx: ServiceContext
) -> None:
    expected = sorted(r.ref for r in case_service.list_cases(manager_ctx, stage="visa"))
    assert expected
    index = dashboard._stage_order.index("visa")
    with qtbot.waitSignal(dashboard.showCases) as signal:
        dashboard._stage_sets[0].clicked.emit(index)
    assert signal.args == ["Cases in visa", expected]


def test_clicking_a_workload_cell_shows_that_owners_cases(
    dashboard: DashboardView, qtbot: QtBot, manager_ctx: ServiceContext
) -> None:
    table = dashboard.workload_table
    model = dashboard.workload_model
    login = model.key(0)
    column = 1 + reports.OPEN_STAGES.index("records")
    expected = sorted(
        r.ref for r in case_service.list_cases(manager_ctx, stage="records", owner=login)
    )
    rect = table.visualRect(model.index(0, column))
    with qtbot.waitSignal(dashboard.showCases) as signal:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    title, refs = signal.args
    assert title.endswith("in records") and refs == expected


def test_double_click_on_a_stalled_case_opens_it(dashboard: DashboardView, qtbot: QtBot) -> None:
    model = dashboard.stalled_model
    assert model.rowCount() > 0
    table = dashboard.stalled_table
    rect = table.visualRect(model.index(0, 1))
    assert table.viewport().rect().contains(rect.center())
    with qtbot.waitSignal(dashboard.openCase) as signal:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == [model.key(0)]


def test_filters_refresh_in_the_background(dashboard: DashboardView, qtbot: QtBot) -> None:
    dashboard.program_box.setCurrentIndex(1)
    code = dashboard.program_box.currentData()
    with qtbot.waitSignal(dashboard.refreshed, timeout=10_000):
        dashboard.refresh_button.click()
        assert not dashboard.refresh_button.isEnabled()  # the UI thread did not wait
    assert dashboard.report is not None and dashboard.report.filters.program == code
    assert dashboard.refresh_button.isEnabled()


def test_sorting_a_table_keeps_each_row_with_its_key(dashboard: DashboardView) -> None:
    model = dashboard.stalled_model
    model.sort(3, Qt.SortOrder.AscendingOrder)
    days = [model.rows()[i][3] for i in range(model.rowCount())]
    assert days == sorted(days)
    assert all(model.rows()[i][0] == model.key(i) for i in range(model.rowCount()))


def export_to(qtbot: QtBot, view: DashboardView, fmt: str, target: Path) -> None:
    """Pick `fmt` in the Export menu, answer the file dialog with `target`, wait for the file."""
    asked: list[str] = []

    def ask(f: str, suggested: str) -> Path:
        asked.append(suggested)
        return target

    view.ask_export_path = ask  # type: ignore[method-assign]
    with qtbot.waitSignal(view.exported, timeout=20_000) as signal:
        view.export_actions[fmt].trigger()
        assert not view.export_button.isEnabled()  # the UI thread did not wait for the file
    assert signal.args == [str(target)] and asked[0].endswith(f".{fmt}")
    assert view.export_button.isEnabled() and str(target) in view.status.text()


def test_export_writes_the_report_on_screen_in_each_format(
    dashboard: DashboardView, qtbot: QtBot, tmp_path: Path, shown_errors: list[BaseException]
) -> None:
    assert [a.text().replace("&", "") for a in dashboard.export_menu.actions()] == [
        "JSON…",
        "CSV (spreadsheet)…",
        "PDF…",
    ]
    dashboard.program_box.setCurrentIndex(1)
    code = dashboard.program_box.currentData()
    with qtbot.waitSignal(dashboard.refreshed, timeout=10_000):
        dashboard.refresh_button.click()
    # A filter changed in the bar but not applied is not on screen, so not in the file.
    dashboard.owner_box.setCurrentIndex(1)
    shown = dashboard.report
    assert shown is not None and shown.filters.program == code
    counts = {c.stage: c.count for c in shown.cases_per_stage}
    assert sum(counts.values()) > 0

    export_to(qtbot, dashboard, "json", tmp_path / "report.json")
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert data["filters"]["program"] == code and data["filters"]["owner"] is None
    assert {c["stage"]: c["count"] for c in data["cases_per_stage"]} == counts
    assert len(data["stalled_cases"]) == dashboard.stalled_model.rowCount()

    export_to(qtbot, dashboard, "csv", tmp_path / "report.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "report.csv").read_text("utf-8-sig"))))
    per_stage = {
        r[1]: int(r[3]) for r in rows if r and r[0] == "cases_per_stage" and r[3] != "count"
    }
    assert per_stage == counts
    assert ["report", "filter_program", code] in rows

    export_to(qtbot, dashboard, "pdf", tmp_path / "report.pdf")
    reader = PdfReader(io.BytesIO((tmp_path / "report.pdf").read_bytes()))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    open_cases = sum(c.count for c in shown.cases_per_stage if c.group == "open")
    assert f"{open_cases} open cases;" in text and f"program {code}" in text
    assert shown_errors == []


def test_export_failure_is_shown_and_nothing_is_left_half_done(
    dashboard: DashboardView, qtbot: QtBot, tmp_path: Path, shown_errors: list[BaseException]
) -> None:
    target = tmp_path / "no-such-folder" / "report.json"
    dashboard.ask_export_path = lambda fmt, suggested: target  # type: ignore[method-assign]
    op = dashboard.export("json")
    assert op is not None
    with qtbot.waitSignal(op.finished, timeout=10_000):
        pass
    assert len(shown_errors) == 1 and "Could not write" in str(shown_errors[0])
    assert dashboard.export_button.isEnabled() and not target.exists()
    # Cancelling the file dialog does nothing at all.
    dashboard.ask_export_path = lambda fmt, suggested: None  # type: ignore[method-assign]
    assert dashboard.export("pdf") is None and dashboard.export_button.isEnabled()


def test_stage_names_use_the_app_labels_and_owner_names_are_whole(
    dashboard: DashboardView,
) -> None:
    axis = next(
        a for a in dashboard.stage_chart.axes(Qt.Orientation.Vertical)
        if isinstance(a, QBarCategoryAxis)
    )  # fmt: skip
    categories = axis.categories()
    assert "Follow-up" in categories and "followup" not in categories
    assert categories == [theme.stage_label(s) for s in dashboard._stage_order]
    model = dashboard.workload_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Owner", *(theme.stage_label(s) for s in reports.OPEN_STAGES), "Total"]
    time_stages = [model_row[0] for model_row in dashboard.time_model.rows()]
    assert "Follow-up" in time_stages and "followup" in dashboard.time_model._keys
    # Owner names fit their column (no eliding) and the tooltip carries the whole name.
    table = dashboard.workload_table
    metrics = table.fontMetrics()
    names = [str(model.data(model.index(r, 0))) for r in range(model.rowCount())]
    assert names and all(" " in n for n in names)  # full names, not logins
    widest = max(metrics.horizontalAdvance(n) for n in names)
    assert table.columnWidth(0) >= widest
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole) == names[0]
