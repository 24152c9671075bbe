"""A closed, declined or withdrawn case opens read-only; a manager reopens it with a reason."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from caseapp.services import cases
from caseapp.services.context import ServiceContext
from caseapp.ui.workspace import CaseWorkspace, hooks
from caseapp.ui.workspace.base import INPUT_TYPES

from .conftest import OFFSCREEN_NOISE, ScriptedPrompts
from .drive import click

pytestmark = OFFSCREEN_NOISE

# Buttons that only show, open or save a copy: they stay usable on a read-only case.
LOOKING = {"Open file", "Preview", "Save PDF as…", "Print…"}


def _enabled(ws: CaseWorkspace) -> tuple[list[QWidget], list[str]]:
    inputs, buttons = [], []
    for tab in ws.area_tabs.values():
        for w in tab.findChildren(QWidget):
            if isinstance(w, INPUT_TYPES) and w.isEnabled():
                inputs.append(w)
            elif isinstance(w, QPushButton) and w.isEnabled():
                buttons.append(w.text())
    return inputs, buttons


@pytest.fixture(autouse=True)
def documents_tab() -> None:
    from caseapp.ui import documents_tab as tab

    hooks.DOCUMENTS_TAB_FACTORY = tab.documents_tab  # the fixture in tests/ui resets it


@pytest.mark.parametrize("stage", ["closed", "declined", "withdrawn"])
def test_read_only_case_disables_every_input_with_a_note(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    stage: str,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    ref = next(r.ref for r in cases.list_cases(facilitator_ctx, stage=stage))
    ws = make_workspace(facilitator_ctx, ref)
    inputs, buttons = _enabled(ws)
    assert inputs == []
    assert set(buttons) <= LOOKING, buttons
    assert ws.read_only_label.isVisible()
    assert f"This case is {stage}, so it is read-only" in ws.read_only_label.text()
    save = ws.area_tabs["visa"].save_button
    assert not save.isEnabled() and "read-only" in save.toolTip()
    assert ws.reopen_button.isVisible() and not ws.reopen_button.isEnabled()
    assert "may not reopen" in ws.reopen_button.toolTip()
    tab = ws.area_tabs["treatment"]
    if tab.costs.rows:  # selecting a line does not bring its buttons back
        tab.cost_view.selectRow(0)
        assert not tab.edit_cost_button.isEnabled()


def test_open_case_is_editable_and_has_no_reopen(
    facilitator_ctx: ServiceContext,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    ref = next(r.ref for r in cases.list_cases(facilitator_ctx, stage="visa"))
    ws = make_workspace(facilitator_ctx, ref)
    inputs, _buttons = _enabled(ws)
    assert inputs and ws.area_tabs["visa"].save_button.isEnabled()
    assert not ws.read_only_label.isVisible() and not ws.reopen_button.isVisible()


def test_manager_reopens_from_the_window(
    qtbot: QtBot,
    manager_ctx: ServiceContext,
    prompts: ScriptedPrompts,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    ref = next(r.ref for r in cases.list_cases(manager_ctx, stage="withdrawn"))
    left = cases.case_detail(manager_ctx, ref).history[-2].stage
    ws = make_workspace(manager_ctx, ref)
    assert _enabled(ws)[0] == []
    click(qtbot, ws.reopen_button)  # cancelled: nothing happens
    assert cases.case_detail(manager_ctx, ref).stage == "withdrawn"
    prompts.reasons.append("The family asked to go on.")
    with qtbot.wait_signal(ws.caseChanged):
        click(qtbot, ws.reopen_button)
    assert prompts.errors == []
    d = cases.case_detail(manager_ctx, ref)
    assert d.stage == left and d.history[-1].note == "Reopened: The family asked to go on."
    assert not ws.reopen_button.isVisible() and not ws.read_only_label.isVisible()
    assert _enabled(ws)[0] and ws.area_tabs["visa"].save_button.isEnabled()
