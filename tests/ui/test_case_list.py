"""The pipeline list: filtering as one types, stage and my-cases filters, sorting, marking."""

from __future__ import annotations

import dataclasses
from datetime import date

from PySide6.QtCore import QModelIndex, QPoint, Qt
from pytestqt.qtbot import QtBot

from caseapp.services import cases as case_service
from caseapp.services.cases import CaseRow
from caseapp.services.context import ServiceContext
from caseapp.ui import theme
from caseapp.ui.case_table import (
    COL_BLOCKERS,
    COL_DAYS,
    COL_DEADLINE,
    COL_PATIENT,
    COL_REF,
    OPEN,
    CaseRowRole,
    CaseTableModel,
    search_text,
)
from caseapp.ui.main_window import MainWindow


def visible(window: MainWindow) -> list[CaseRow]:
    return window.model.visible_rows()


def shown_rows(model: CaseTableModel) -> list[CaseRow]:
    """Rows as a view sees them: through data(), not the model's own list."""
    return [model.index(r, 0).data(CaseRowRole) for r in range(model.rowCount())]


def test_model_passes_qt_model_tester_through_loads_filters_and_sorts(
    qtmodeltester, facilitator_ctx: ServiceContext
) -> None:
    rows = case_service.list_cases(facilitator_ctx)
    model = CaseTableModel("fatima")
    qtmodeltester.check(model)
    model.set_rows(rows)
    qtmodeltester.check(model)
    model.set_filter(text="a")
    model.sort(COL_DAYS, Qt.SortOrder.DescendingOrder)
    model.set_filter(stage=OPEN, mine=True)
    model.sort(COL_DEADLINE, Qt.SortOrder.AscendingOrder)
    model.set_filter(text="no such patient anywhere")
    model.set_rows(rows[:5])
    qtmodeltester.check(model)


def test_list_loads_in_background_then_shows_every_case(
    qtbot: QtBot, make_window, facilitator_ctx: ServiceContext, db
) -> None:
    from caseapp.ui.app import create_main_window

    window = create_main_window(db, facilitator_ctx, settings=None)
    qtbot.addWidget(window)
    # The load runs in a worker: the constructor returns at once with an empty, busy list.
    assert window.loading and window.model.total_count() == 0
    with qtbot.wait_signal(window.casesLoaded, timeout=20_000):
        window.show()
    assert not window.loading
    assert window.model.total_count() == len(case_service.list_cases(facilitator_ctx)) == 30
    assert window.list_page.stack.currentWidget() is window.list_page.table


def test_search_filters_as_one_types(qtbot: QtBot, window: MainWindow) -> None:
    everyone = window.model.all_rows()
    target = next(r for r in everyone if len(r.patient) > 4)
    typed = ""
    counts = []
    for ch in target.patient[:5].lower():
        qtbot.keyClick(window.search, ch)
        typed += ch
        rows = shown_rows(window.model)
        counts.append(len(rows))
        assert target in rows
        assert all(typed in search_text(r) for r in rows)
        assert len(rows) == sum(typed in search_text(r) for r in everyone)
    assert counts == sorted(counts, reverse=True)  # each letter narrows (or keeps) the list
    assert window.count_label.text().startswith(f"{counts[-1]:,} of 30")
    window.search.clear()
    assert window.model.visible_count() == 30


def test_search_covers_ref_passport_and_nationality(window: MainWindow) -> None:
    row = window.model.all_rows()[3]
    for text in (row.ref, row.passport_number.lower(), row.nationality.upper()):
        window.search.setText(text)
        assert row in visible(window)
    # Every word must match: nationality plus part of the name narrows to that patient.
    window.search.setText(f"{row.nationality.split()[0]} {row.patient.split()[-1]}")
    assert row in visible(window)
    assert all(row.nationality.split()[0].lower() in search_text(r) for r in visible(window))


def test_no_match_shows_an_empty_state_with_clear_filters(qtbot: QtBot, window: MainWindow) -> None:
    window.search.setText("qqqq-no-such")
    page = window.list_page
    assert page.stack.currentWidget() is page.empty
    assert "qqqq-no-such" in page.empty_label.text()
    assert page.clear_button.isVisibleTo(page)
    qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    assert window.search.text() == ""
    assert page.stack.currentWidget() is page.table


def test_no_match_message_follows_the_search_while_nothing_matches(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Typing on after the last match keeps the same (empty) rows: the sentence must follow."""
    page = window.list_page
    for ch in "qqqq-no-such":
        qtbot.keyClick(window.search, ch)
    assert page.stack.currentWidget() is page.empty
    assert "“qqqq-no-such”" in page.empty_label.text()
    qtbot.keyClick(window.search, "x")
    assert "“qqqq-no-suchx”" in page.empty_label.text()
    qtbot.keyClick(window.search, Qt.Key.Key_Backspace)
    qtbot.keyClick(window.search, Qt.Key.Key_Backspace)
    assert "“qqqq-no-suc”" in page.empty_label.text()
    assert window.count_label.text() == "0 of 30 cases"
    # A change that leaves the same rows visible also tells the count (and nothing resets).
    window.search.setText("")
    resets: list[bool] = []
    window.model.modelReset.connect(lambda: resets.append(True))
    with qtbot.waitSignal(window.model.filterChanged, timeout=1000):
        window.search.setText("   ")
    assert resets == [] and window.model.visible_count() == 30


def test_stage_filter(window: MainWindow) -> None:
    combo = window.stage_combo
    combo.setCurrentIndex(combo.findData("visa"))
    rows = visible(window)
    assert rows and {r.stage for r in rows} == {"visa"}
    combo.setCurrentIndex(combo.findData(OPEN))
    rows = visible(window)
    assert rows and {r.stage for r in rows} <= set(theme.OPEN_STAGES)
    assert len(rows) == sum(r.stage in theme.OPEN_STAGES for r in window.model.all_rows())
    combo.setCurrentIndex(0)
    assert window.model.visible_count() == 30


def test_my_cases_toggle(qtbot: QtBot, window: MainWindow, facilitator_ctx) -> None:
    mine = case_service.list_cases(facilitator_ctx, owner="fatima")
    assert 0 < len(mine) < 30
    qtbot.mouseClick(window.mine_check, Qt.MouseButton.LeftButton)
    assert window.mine_check.isChecked() and window.mine_action.isChecked()
    assert {r.ref for r in visible(window)} == {r.ref for r in mine}
    window.mine_action.trigger()  # View > My cases only (Ctrl+M) toggles it back
    assert not window.mine_check.isChecked()
    assert window.model.visible_count() == 30


def test_sorting_by_header(qtbot: QtBot, window: MainWindow) -> None:
    table = window.list_page.table
    header = table.horizontalHeader()
    table.sortByColumn(COL_DAYS, Qt.SortOrder.DescendingOrder)
    days = [r.days_in_stage for r in shown_rows(window.model)]
    assert days == sorted(days, reverse=True)
    # A click on the Patient header sorts by name.
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(header.sectionViewportPosition(COL_PATIENT) + 5, 5),
    )
    names = [r.patient.casefold() for r in shown_rows(window.model)]
    assert names in (sorted(names), sorted(names, reverse=True))
    table.sortByColumn(COL_REF, Qt.SortOrder.AscendingOrder)
    refs = [r.ref for r in shown_rows(window.model)]
    assert refs == sorted(refs)


def test_sort_keeps_filter_and_selection(window: MainWindow) -> None:
    table = window.list_page.table
    window.stage_combo.setCurrentIndex(window.stage_combo.findData(OPEN))
    table.selectRow(4)
    chosen = table.current_ref()
    assert chosen
    table.sortByColumn(COL_BLOCKERS, Qt.SortOrder.DescendingOrder)
    assert table.current_ref() == chosen  # persistent indexes follow the rows
    rows = shown_rows(window.model)
    assert {r.stage for r in rows} <= set(theme.OPEN_STAGES)
    counts = [(r.blockers, r.warnings) for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_deadline_sort_puts_cases_without_deadline_last_both_ways(
    facilitator_ctx: ServiceContext,
) -> None:
    rows = case_service.list_cases(facilitator_ctx)
    assert any(r.next_deadline is None for r in rows)
    model = CaseTableModel("fatima")
    model.set_rows(rows)
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        model.sort(COL_DEADLINE, order)
        dates = [r.next_deadline for r in shown_rows(model)]
        known = [d for d in dates if d is not None]
        assert dates == known + [None] * (len(dates) - len(known))
        assert known == sorted(known, reverse=order == Qt.SortOrder.DescendingOrder)


def test_blocked_and_overdue_rows_are_marked_with_reasons(facilitator_ctx) -> None:
    base = case_service.list_cases(facilitator_ctx)[0]
    blocked = dataclasses.replace(base, ref="CA-X-1", blockers=2, overdue=False)
    overdue = dataclasses.replace(
        base, ref="CA-X-2", blockers=0, overdue=True, next_deadline=date(2026, 7, 20),
        next_deadline_what="follow-up day +180",
    )  # fmt: skip
    plain = dataclasses.replace(base, ref="CA-X-3", blockers=0, overdue=False)
    model = CaseTableModel("fatima")
    model.set_rows([blocked, overdue, plain])

    def cell(row: int, col: int, role: Qt.ItemDataRole) -> object:
        return model.index(row, col).data(role)

    bg = Qt.ItemDataRole.BackgroundRole
    assert cell(0, COL_PATIENT, bg) == theme.BLOCKED_TINT
    assert cell(1, COL_PATIENT, bg) == theme.OVERDUE_TINT
    assert cell(2, COL_PATIENT, bg) is None
    assert not cell(0, COL_REF, Qt.ItemDataRole.DecorationRole).isNull()
    assert not cell(1, COL_DEADLINE, Qt.ItemDataRole.DecorationRole).isNull()
    assert cell(0, COL_BLOCKERS, Qt.ItemDataRole.FontRole).bold()
    assert cell(0, COL_BLOCKERS, Qt.ItemDataRole.DisplayRole) == "2"
    assert "2 blockers keep this case" in str(cell(0, COL_PATIENT, Qt.ItemDataRole.ToolTipRole))
    assert "Overdue: follow-up day +180 was due 2026-07-20" in str(
        cell(1, COL_PATIENT, Qt.ItemDataRole.ToolTipRole)
    )
    assert model.index(0, 0).data(CaseRowRole) is blocked
    assert model.data(QModelIndex()) is None


def test_enter_and_double_click_open_the_case(qtbot: QtBot, window: MainWindow) -> None:
    table = window.list_page.table
    window.activateWindow()
    table.setFocus()
    table.selectRow(1)
    ref = table.current_ref()
    assert ref
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert ref in window.case_tabs
    assert window.tabs.currentWidget() is window.case_tabs[ref]
    window.tabs.setCurrentIndex(0)
    other = window.model.case_at(2).ref
    rect = table.visualRect(window.model.index(2, COL_PATIENT))
    # Qt 6's QTest double click carries no press of its own: press first, as a mouse does.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert other in window.case_tabs
    assert len(window.case_tabs) == 2


def test_typing_a_name_and_enter_opens_the_only_match(qtbot: QtBot, window: MainWindow) -> None:
    row = window.model.all_rows()[5]
    window.focus_search()
    window.search.setText(row.ref)
    window.open_action.trigger()
    assert list(window.case_tabs) == [row.ref]
