"""Window pieces that join the rooms: dashboard -> case list, packets of a selection."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel
from pytestqt.qtbot import QtBot

from caseapp.services import cases, documents
from caseapp.services.context import ServiceContext
from caseapp.ui.main_window import MainWindow


def test_cases_behind_a_figure_show_in_the_list(make_window, manager_ctx: ServiceContext) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = make_window(manager_ctx)
    visa = [r.ref for r in cases.list_cases(manager_ctx, stage="visa")]
    window.show_refs("Cases in visa", visa)
    assert window.current_view() == "list"
    assert sorted(r.ref for r in window.model.visible_rows()) == sorted(visa)
    assert window.refs_label.isVisible() and f"{len(visa)} case" in window.refs_label.text()
    window.refs_clear.click()
    assert window.model.visible_count() == window.model.total_count()
    assert not window.refs_label.isVisible()


def test_dashboard_signal_reaches_the_list(make_window, manager_ctx: ServiceContext) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = make_window(manager_ctx)
    assert window.dashboard is not None
    refs = [r.ref for r in cases.list_cases(manager_ctx, stage="records")][:2]
    window.dashboard.showCases.emit("Records", refs)  # type: ignore[attr-defined]
    assert sorted(r.ref for r in window.model.visible_rows()) == sorted(refs)


def test_print_packets_of_selected_cases(
    make_window,
    coordinator_ctx: ServiceContext,
    qtbot: QtBot,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    window: MainWindow = make_window(coordinator_ctx)
    travelling = [r.ref for r in cases.list_cases(coordinator_ctx)
                  if r.stage in documents.PACKET_STAGES][:2]  # fmt: skip
    early = cases.list_cases(coordinator_ctx, stage="records")[0].ref
    table = window.list_page.table
    selection = table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for ref in [*travelling, early]:
        row = window.model.row_of(ref)
        assert row is not None
        selection.select(window.model.index(row, 0), flags)
    assert sorted(table.selected_refs()) == sorted([*travelling, early])
    window.ask_packet_folder = lambda: str(tmp_path)  # type: ignore[method-assign]
    op = window.print_packets()
    assert op is not None
    qtbot.waitUntil(lambda: hasattr(window, "last_packets"), timeout=30_000)
    written = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert written == sorted(f"{ref}-packet.pdf" for ref in travelling)
    assert [ref for ref, _ in window.last_packets.failed] == [early]
