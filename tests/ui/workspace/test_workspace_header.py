"""Header, blockers, pipeline buttons, permissions and the documents slot."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout
from pytestqt.qtbot import QtBot

from caseapp.services import cases
from caseapp.services.cases import CaseDetail
from caseapp.services.context import ServiceContext
from caseapp.services.errors import Blocker
from caseapp.ui.workspace import CaseWorkspace, hooks
from caseapp.ui.workspace.base import AreaTab
from caseapp.ui.workspace.blockers import BlockersPanel
from caseapp.ui.workspace.palette import AMBER, RED

from .conftest import OFFSCREEN_NOISE, ScriptedPrompts
from .drive import click

pytestmark = OFFSCREEN_NOISE


def test_blockers_are_listed_and_open_their_tab(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    new_ref: str,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    ws = make_workspace(facilitator_ctx, new_ref)
    detail = cases.case_detail(facilitator_ctx, new_ref)
    shown = ws.blockers.model.rows
    assert [b.message for b in shown] == [b.message for b in detail.blockers]
    assert ws.stepper.stage == "records"
    assert not ws.advance_button.isEnabled()
    for b in detail.blocking:
        assert b.message in ws.advance_button.toolTip()

    ws.tabs.setCurrentIndex(0)
    index = ws.blockers.model.index(0, 0)
    rect = ws.blockers.view.visualRect(index)
    qtbot.mouseClick(ws.blockers.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert ws.tabs.currentWidget() is ws.area_tabs["records"]


def test_warnings_are_amber_and_listed_after_blockers(qtbot: QtBot) -> None:
    panel = BlockersPanel()
    qtbot.addWidget(panel)
    warning = Blocker("visa", "The planned stay exceeds the visa.", severity="warn")
    blocker = Blocker("lodging", "No lodging is booked for Companion 1.")
    panel.load([warning, blocker], "lodging", "interpreters")
    model = panel.model
    assert model.rows == [blocker, warning]
    colours = [model.data(model.index(i, 0), Qt.ItemDataRole.BackgroundRole) for i in range(2)]
    assert colours == [RED, AMBER]
    assert "1 blocker" in panel.summary.text() and "1 warning" in panel.summary.text()
    with qtbot.waitSignal(panel.areaRequested) as signal:
        panel.view.activated.emit(model.index(1, 0))
    assert signal.args == ["visa"]
    panel.load([warning], "lodging", "interpreters")
    assert "Ready to move to interpreters" in panel.summary.text()


def test_decline_asks_for_a_reason(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    new_ref: str,
    prompts: ScriptedPrompts,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    ws = make_workspace(facilitator_ctx, new_ref)
    with qtbot.assertNotEmitted(ws.caseChanged):
        click(qtbot, ws.decline_button)  # no reason queued: the user cancelled
    assert cases.case_detail(facilitator_ctx, new_ref).stage == "records"

    prompts.reasons.append("   ")
    click(qtbot, ws.decline_button)
    assert prompts.errors == ["Give a reason for marking the case declined."]

    prompts.reasons.append("CD33 expression too low on repeat flow cytometry.")
    with qtbot.waitSignal(ws.caseChanged) as signal:
        click(qtbot, ws.decline_button)
    assert signal.args == [new_ref]
    d = cases.case_detail(facilitator_ctx, new_ref)
    assert d.stage == "declined" and "CD33" in d.exit_reason
    assert ws.stepper.stage == "declined"
    assert not ws.withdraw_button.isEnabled() and not ws.advance_button.isEnabled()


def test_coordinator_sees_what_they_may_not_do(
    coordinator_ctx: ServiceContext,
    new_ref: str,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    ws = make_workspace(coordinator_ctx, new_ref)
    assert not ws.advance_button.isEnabled()
    assert "may not advance cases" in ws.advance_button.toolTip()
    assert "may not decline or withdraw" in ws.decline_button.toolTip()
    records = ws.area_tabs["records"]
    records.view.selectRow(0)
    assert not records.receive_button.isEnabled()
    assert "coordinator" in records.receive_button.toolTip()
    visa = ws.area_tabs["visa"]
    assert not visa.save_button.isEnabled()
    # coordinators book lodging and interpreters
    assert ws.area_tabs["lodging"].add_button.isEnabled()
    assert ws.area_tabs["interpreters"].add_button.isEnabled()


class FakeDocumentsTab(AreaTab):
    area = "documents"
    title = "Documents"

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.count = QLabel()
        QVBoxLayout(self).addWidget(self.count)

    def load(self, detail: CaseDetail) -> None:
        super().load(detail)
        self.count.setText(f"{len(detail.documents)} documents")


@pytest.fixture
def documents_slot() -> Iterator[None]:
    hooks.DOCUMENTS_TAB_FACTORY = FakeDocumentsTab
    yield
    hooks.DOCUMENTS_TAB_FACTORY = None


def test_documents_tab_only_when_the_slot_is_filled(
    facilitator_ctx: ServiceContext,
    new_ref: str,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
    documents_slot: None,
) -> None:
    ws = make_workspace(facilitator_ctx, new_ref)
    tab = ws.area_tabs["documents"]
    assert ws.tabs.tabText(ws.tabs.indexOf(tab)) == "Documents"
    assert ws.tabs.tabText(ws.tabs.count() - 1) == "History"
    ws.focus_area("documents")
    assert ws.tabs.currentWidget() is tab
    assert tab.count.text() == "0 documents"


def test_no_documents_tab_by_default(
    facilitator_ctx: ServiceContext,
    new_ref: str,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    ws = make_workspace(facilitator_ctx, new_ref)
    assert "documents" not in ws.area_tabs
    titles = [ws.tabs.tabText(i) for i in range(ws.tabs.count())]
    assert titles == [
        "Overview", "Records", "Eligibility", "Visa", "Lodging", "Interpreters", "Treatment",
        "Follow-up", "History",
    ]  # fmt: skip
