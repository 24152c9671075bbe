"""The Treatment tab corrects toxicities: edit (button or double-click), resolve, remove."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from caseapp.services import audit, cases, toxicities, treatment
from caseapp.services.context import ServiceContext
from caseapp.services.toxicities import CrsFindings, ToxicityInput
from caseapp.ui.workspace import CaseWorkspace
from caseapp.ui.workspace.tabs.toxicity_panel import ToxicityDialog
from tests.conftest import Clock
from tests.services import pipeline_steps as steps

from .conftest import OFFSCREEN_NOISE, ScriptedPrompts
from .drive import choose, click, save_dialog, type_into

pytestmark = OFFSCREEN_NOISE

INFUSION = steps.ARRIVAL + timedelta(days=15)


@pytest.fixture
def treated(facilitator_ctx: ServiceContext, clock: Clock) -> str:
    ref = steps.new_case(facilitator_ctx)
    steps.to_stage(facilitator_ctx, ref, "treatment")
    clock.now += timedelta(days=85)
    treatment.record_milestone(facilitator_ctx, ref, "infusion", planned_on=INFUSION,
                               done_on=INFUSION)  # fmt: skip
    return ref


def _panel(ws: CaseWorkspace):  # type: ignore[no-untyped-def]
    ws.focus_area("treatment")
    return ws.area_tabs["treatment"].toxicity  # type: ignore[attr-defined]


def test_icans_form_has_every_domain_and_unarousable_is_grade_4(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    treated: str,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    panel = _panel(make_workspace(facilitator_ctx, treated))
    click(qtbot, panel.add_button)
    dialog: ToxicityDialog = panel.dialog
    choose(dialog.kind, "ICANS")
    for combo in (dialog.consciousness, dialog.seizure, dialog.motor, dialog.icp):
        assert combo.isVisibleTo(dialog) and combo.count() >= 2
    dialog.ice.setValue(8)
    assert dialog.grade.value() == 1
    choose(dialog.consciousness, "unarousable")
    assert dialog.grade.value() == 4 and "grade 4" in dialog.graded.text()
    dialog.onset.set_value(INFUSION + timedelta(days=6))
    save_dialog(qtbot, dialog)
    assert not dialog.isVisible()
    [row] = cases.case_detail(facilitator_ctx, treated).toxicities
    assert (row.kind, row.grade, row.onset_day) == ("ICANS", 4, "D+6")


def test_crs_before_infusion_is_refused_in_the_form(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    treated: str,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    panel = _panel(make_workspace(facilitator_ctx, treated))
    click(qtbot, panel.add_button)
    dialog: ToxicityDialog = panel.dialog
    choose(dialog.kind, "CRS")
    dialog.fever.setChecked(True)
    dialog.onset.set_value(INFUSION - timedelta(days=76))
    save_dialog(qtbot, dialog)
    assert dialog.isVisible() and "before the infusion" in dialog.errors.text("onset_on")
    assert cases.case_detail(facilitator_ctx, treated).toxicities == ()


def test_edit_by_double_click_resolve_and_remove(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    prompts: ScriptedPrompts,
    treated: str,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    toxicities.save_toxicity(facilitator_ctx, treated, ToxicityInput(
        "CRS", 1, INFUSION + timedelta(days=1), crs=CrsFindings(True)))  # fmt: skip
    panel = _panel(make_workspace(facilitator_ctx, treated))
    assert not panel.edit_button.isEnabled() and "Select a toxicity" in panel.edit_button.toolTip()
    panel.view.selectRow(0)
    index = panel.model.index(0, 0)
    rect = panel.view.visualRect(index)
    # Qt 6's QTest double click carries no press of its own: press first, as a mouse does.
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog: ToxicityDialog = panel.dialog
    assert dialog.windowTitle() == "Change toxicity" and dialog.grade.value() == 1
    assert dialog.onset.value() == INFUSION + timedelta(days=1)
    dialog.grade.setValue(2)  # findings not touched: the stored grade is corrected by hand
    type_into(qtbot, dialog.treatment, "tocilizumab 8 mg/kg")
    save_dialog(qtbot, dialog)
    [row] = cases.case_detail(facilitator_ctx, treated).toxicities
    assert (row.grade, row.treatment, row.resolved_on) == (2, "tocilizumab 8 mg/kg", None)

    panel.view.selectRow(0)
    click(qtbot, panel.resolve_button)
    panel.dialog.resolved.set_value(INFUSION + timedelta(days=4))
    save_dialog(qtbot, panel.dialog)
    [row] = cases.case_detail(facilitator_ctx, treated).toxicities
    assert row.resolved_on == INFUSION + timedelta(days=4)

    panel.view.selectRow(0)
    click(qtbot, panel.remove_button)  # no reason given: nothing removed
    assert len(cases.case_detail(facilitator_ctx, treated).toxicities) == 1
    prompts.reasons.append("Duplicate of the entry made by the ward.")
    panel.view.selectRow(0)
    click(qtbot, panel.remove_button)
    assert prompts.errors == []
    assert cases.case_detail(facilitator_ctx, treated).toxicities == ()
    removed = [h for h in audit.case_history(facilitator_ctx, treated) if h.action == "removed"]
    assert removed[0].changes == {"reason": "Duplicate of the entry made by the ward."}
