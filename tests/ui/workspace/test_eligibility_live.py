"""The criteria table recolours as a fact is typed, before anything is saved."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from caseapp.services import cases
from caseapp.services.context import ServiceContext
from caseapp.ui.workspace import CaseWorkspace
from caseapp.ui.workspace.palette import AMBER, GREEN, RED

from .conftest import OFFSCREEN_NOISE
from .drive import choose, type_into

pytestmark = OFFSCREEN_NOISE


def _colour(tab, code: str):  # type: ignore[no-untyped-def]
    row = [r.code for r in tab.model.rows].index(code)
    return tab.model.data(tab.model.index(row, 4), Qt.ItemDataRole.BackgroundRole)


def test_criteria_recolour_as_a_fact_is_typed(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    new_ref: str,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    ws = make_workspace(facilitator_ctx, new_ref)
    tab = ws.area_tabs["eligibility"]
    assert tab.result_of("cd33_expr") == "unknown" and _colour(tab, "cd33_expr") == AMBER

    type_into(qtbot, tab.inputs["cd33_pct"].widget, "3")  # 3 % so far: below 50 %
    assert tab.result_of("cd33_expr") == "not met" and _colour(tab, "cd33_expr") == RED
    qtbot.keyClicks(tab.inputs["cd33_pct"].widget, "5")  # 35 %
    assert tab.result_of("cd33_expr") == "not met"
    type_into(qtbot, tab.inputs["cd33_pct"].widget, "82")
    assert tab.result_of("cd33_expr") == "met" and _colour(tab, "cd33_expr") == GREEN
    assert "Unsaved" in tab.dirty_label.text()

    choose(tab.inputs["apl"].widget, "yes")
    assert tab.result_of("no_apl") == "not met"
    choose(tab.inputs["apl"].widget, "")
    assert tab.result_of("no_apl") == "unknown"

    type_into(qtbot, tab.inputs["ecog"].widget, "seven")  # not a number: flagged, not counted
    assert "must be a number" in tab.errors.text("ecog")
    assert tab.result_of("ecog") == "unknown"

    # nothing was saved by typing
    assert cases.case_detail(facilitator_ctx, new_ref).facts == {}


def test_saving_a_bad_fact_names_it_and_keeps_the_form(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    new_ref: str,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    ws = make_workspace(facilitator_ctx, new_ref)
    tab = ws.area_tabs["eligibility"]
    type_into(qtbot, tab.inputs["cd33_pct"].widget, "82")
    type_into(qtbot, tab.inputs["lvef_pct"].widget, "160")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert "between 0 and 100" in tab.errors.text("lvef_pct")
    assert tab.inputs["cd33_pct"].text() == "82"
    assert cases.case_detail(facilitator_ctx, new_ref).facts == {}
    type_into(qtbot, tab.inputs["lvef_pct"].widget, "60")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert cases.case_detail(facilitator_ctx, new_ref).facts == {
        "cd33_pct": "82",
        "lvef_pct": "60",
    }
    assert not tab.dirty()
