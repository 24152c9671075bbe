"""The board: a column per stage, drag to the next column advances, the gate can refuse."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from caseapp.services import cases as case_service
from caseapp.services.cases import CaseRow
from caseapp.services.context import ServiceContext
from caseapp.ui import theme
from caseapp.ui.board import BoardView
from caseapp.ui.board_cards import BOARD_STAGES, BoardColumnModel, FooterRole, move_refusal
from caseapp.ui.main_window import MainWindow


def board_of(window: MainWindow) -> BoardView:
    window.show_view("board")
    return window.board


def drop(board: BoardView, row: CaseRow, to_stage: str) -> bool:
    """Drag a card from its column and drop it on another, through the models' drag and drop."""
    source = board.columns[row.stage].model
    index = source.index(source.row_of(row.ref), 0)
    mime = source.mimeData([index])
    target = board.columns[to_stage].model
    assert target.canDropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, QModelIndex())
    return target.dropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, QModelIndex())


def next_of(stage: str) -> str:
    return theme.STAGES[theme.STAGES.index(stage) + 1]


def test_column_model_passes_model_tester(qtmodeltester, facilitator_ctx) -> None:
    rows = case_service.list_cases(facilitator_ctx)
    model = BoardColumnModel("visa", limit=3)
    qtmodeltester.check(model)
    model.set_rows(rows[:5])
    qtmodeltester.check(model)
    assert model.rowCount() == 4  # three cards and a footer
    footer = model.index(3, 0)
    assert footer.data() == "+2 more" and footer.data(FooterRole)
    assert not model.flags(footer) & Qt.ItemFlag.ItemIsDragEnabled
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    model.set_rows([])
    assert model.rowCount() == 0


def test_every_open_stage_has_a_column_with_its_cases(window: MainWindow) -> None:
    board = board_of(window)
    assert tuple(board.columns) == BOARD_STAGES
    rows = window.model.all_rows()
    for stage in BOARD_STAGES:
        cards = board.cards(stage)
        assert {c.ref for c in cards} == {r.ref for r in rows if r.stage == stage}
        assert all(c.stage == stage for c in cards)
    assert "declined" not in board.columns


def test_board_follows_search_and_my_cases(window: MainWindow) -> None:
    board = board_of(window)
    row = next(r for r in window.model.all_rows() if r.stage in BOARD_STAGES)
    window.search.setText(row.ref)
    assert [c.ref for s in BOARD_STAGES for c in board.cards(s)] == [row.ref]
    window.search.clear()
    window.mine_check.setChecked(True)
    owners = {c.owner for s in BOARD_STAGES for c in board.cards(s)}
    assert owners == {"fatima"}


def test_count_label_states_what_the_board_shows(window: MainWindow) -> None:
    rows = window.model.all_rows()
    on_board = sum(r.stage in BOARD_STAGES for r in rows)
    board = board_of(window)
    assert window.count_label.text() == f"{on_board:,} cases"
    if on_board < len(rows):
        assert "not on the board" in window.count_label.toolTip()
    row = next(r for r in rows if r.stage in BOARD_STAGES)
    window.search.setText(row.ref)
    assert [c.ref for s in BOARD_STAGES for c in board.cards(s)] == [row.ref]
    assert window.count_label.text() == f"1 of {on_board:,} cases"
    window.search.clear()
    window.mine_check.setChecked(True)
    mine = sum(len(board.cards(s)) for s in BOARD_STAGES)
    assert 0 < mine < on_board
    assert window.count_label.text() == f"{mine:,} of {on_board:,} cases"
    window.show_view("list")  # the list keeps its own figures
    assert window.count_label.text() == f"{window.model.visible_count():,} of {len(rows):,} cases"


def test_dragging_a_blocked_card_keeps_it_and_lists_its_blockers(
    qtbot: QtBot, window: MainWindow, facilitator_ctx: ServiceContext
) -> None:
    board = board_of(window)
    row = next(r for r in window.model.all_rows() if r.blockers and r.stage in theme.OPEN_STAGES)
    blockers = case_service.case_detail(facilitator_ctx, row.ref).blocking
    assert blockers
    assert drop(board, row, next_of(row.stage)) is False  # the view never moves it itself
    qtbot.waitUntil(lambda: board.notice.isVisible(), timeout=3000)
    text = board.notice.plain_text()
    for b in blockers:
        assert b.message in text
    assert board.notice.ref == row.ref
    # Nothing changed: the card is where it was, and the database agrees.
    assert row.ref in {c.ref for c in board.cards(row.stage)}
    assert case_service.case_detail(facilitator_ctx, row.ref).stage == row.stage
    # "Open case" on the notice opens the workspace where the blockers are fixed.
    board.notice.open_button.click()
    assert row.ref in window.case_tabs


def test_dropping_on_any_other_column_is_refused_without_calling_the_service(
    qtbot: QtBot, window: MainWindow, facilitator_ctx: ServiceContext
) -> None:
    board = board_of(window)
    row = next(r for r in window.model.all_rows() if r.blockers == 0 and r.stage == "records")
    drop(board, row, "treatment")
    qtbot.waitUntil(lambda: board.notice.isVisible(), timeout=3000)
    assert "one stage at a time" in board.notice.plain_text()
    assert case_service.case_detail(facilitator_ctx, row.ref).stage == "records"
    assert "only moves forward" in (move_refusal("X", "visa", "records") or "")
    assert "does not move" in (move_refusal("X", "closed", "records") or "")
    assert move_refusal("X", "visa", "lodging") is None


def test_dragging_a_ready_card_to_the_next_column_advances_it(
    qtbot: QtBot, window: MainWindow, facilitator_ctx: ServiceContext
) -> None:
    board = board_of(window)
    row = next(
        r for r in window.model.all_rows() if r.blockers == 0 and r.stage in theme.OPEN_STAGES
    )
    to = next_of(row.stage)
    with qtbot.wait_signal(window.caseRefreshed, timeout=5000):
        drop(board, row, to)
    assert case_service.case_detail(facilitator_ctx, row.ref).stage == to
    assert row.ref in {c.ref for c in board.cards(to)}
    assert row.ref not in {c.ref for c in board.cards(row.stage)}
    assert not board.notice.isVisible()
    # The list shows the new stage too, with the new gate's blocker count from the service.
    fresh = next(r for r in window.model.all_rows() if r.ref == row.ref)
    assert fresh.stage == to
    assert fresh == next(r for r in case_service.list_cases(facilitator_ctx) if r.ref == row.ref)


def test_ctrl_enter_on_a_selected_blocked_card(window: MainWindow, facilitator_ctx) -> None:
    board = board_of(window)
    row = next(r for r in window.model.all_rows() if r.blockers and r.stage in theme.OPEN_STAGES)
    assert board.select_ref(row.ref)
    assert board.advance_button.isEnabled()
    window.advance_action.trigger()  # Case > Advance (Ctrl+Enter)
    assert board.notice.isVisible() and board.notice.ref == row.ref
    assert case_service.case_detail(facilitator_ctx, row.ref).stage == row.stage


def test_coordinator_cannot_drag_and_is_told_why(
    qtbot: QtBot, make_window, coordinator_ctx: ServiceContext
) -> None:
    window = make_window(coordinator_ctx)
    board = board_of(window)
    assert not board.columns["records"].view.dragEnabled()
    assert not window.advance_action.isEnabled()
    row = next(
        r for r in window.model.all_rows() if r.blockers == 0 and r.stage in theme.OPEN_STAGES
    )
    board.request_move(row.ref, row.stage, next_of(row.stage))
    assert "may not advance cases" in board.notice.plain_text()
    assert case_service.case_detail(coordinator_ctx, row.ref).stage == row.stage
