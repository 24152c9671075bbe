"""The dashboard shows the report computed in the background, and clicks name the cases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QThreadPool
from pytestqt.qtbot import QtBot

from caseapp.services import cases as case_service
from caseapp.services import reports
from caseapp.services.context import ServiceContext
from caseapp.ui.dashboard import DashboardView, TupleTableModel


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
