"""A booking that doubles or leaves nights is saved, then named in amber; the gate still blocks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from pytestqt.qtbot import QtBot

from caseapp.services import cases
from caseapp.services.context import ServiceContext
from caseapp.services.errors import Blocked
from caseapp.services.lodging import PATIENT
from caseapp.ui.workspace import CaseWorkspace
from caseapp.ui.workspace.tabs.lodging import LodgingTab
from tests.services import pipeline_steps as steps
from tests.services.test_pipeline_gates import to_stage

from .conftest import OFFSCREEN_NOISE, ScriptedPrompts
from .drive import click, save_dialog, type_into

pytestmark = OFFSCREEN_NOISE


def book(qtbot: QtBot, tab: LodgingTab, check_in: date, check_out: date, who: str = "both") -> None:
    """Add a booking through the dialog, as a user does; the dialog must close (saved)."""
    click(qtbot, tab.add_button)
    dialog = tab.dialog
    assert dialog is not None
    type_into(qtbot, dialog.property_name, "Fenglin Garden Serviced Apartments")
    type_into(qtbot, dialog.address_en, "210 Fenglin Road, Shanghai")
    dialog.check_in.set_value(check_in)
    dialog.check_out.set_value(check_out)
    for key, box in dialog.occupants.items():
        box.setChecked(who == "both" or (key == PATIENT) == (who == "patient"))
    save_dialog(qtbot, dialog)
    assert not dialog.isVisible(), dialog.errors.fallback and dialog.errors.fallback.text()


@pytest.fixture
def lodging_ref(facilitator_ctx: ServiceContext) -> str:
    ref = steps.new_case(facilitator_ctx)
    to_stage(facilitator_ctx, ref, "lodging")
    return ref


def test_overlap_and_gap_are_named_after_save_and_the_gate_still_blocks(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    lodging_ref: str,
    prompts: ScriptedPrompts,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    ws = make_workspace(facilitator_ctx, lodging_ref)
    tab = ws.area_tabs["lodging"]
    assert isinstance(tab, LodgingTab)
    ws.focus_area("lodging")
    assert tab.coverage_warning.isHidden()  # nothing said before anything is saved
    arrival, departure = steps.ARRIVAL, steps.DEPARTURE
    patient = cases.case_detail(facilitator_ctx, lodging_ref).patient
    companion = f"{patient.companions[0].full_name} (companion)"

    # The whole stay for both: covered once, so no warning.
    book(qtbot, tab, arrival, departure)
    assert tab.coverage_warning.isHidden() and tab.coverage_lines == []

    # A second booking for the patient alone, over three nights of the first.
    book(qtbot, tab, arrival + timedelta(days=10), arrival + timedelta(days=13), "patient")
    first, last = arrival + timedelta(days=10), arrival + timedelta(days=12)
    twice = f"{patient.full_name} is booked twice for the nights {first} to {last}."
    assert tab.coverage_lines == [twice]
    assert tab.coverage_warning.isVisible() and twice in tab.coverage_warning.text()
    assert "ffe9b3" in tab.coverage_warning.styleSheet()  # amber
    assert prompts.errors == []  # a note, not a box: the save went through
    assert len(cases.case_detail(facilitator_ctx, lodging_ref).lodging) == 2
    with pytest.raises(Blocked) as refused:
        cases.advance(facilitator_ctx, lodging_ref)
    assert any("booked twice" in b.message for b in refused.value.blockers)

    # Removing the whole-stay booking leaves everyone without a bed on the other nights.
    row = next(n for n, b in enumerate(tab.model.rows) if b.check_in == arrival)
    tab.view.selectRow(row)
    click(qtbot, tab.remove_button)
    lines = tab.coverage_lines
    before, end = first - timedelta(days=1), departure - timedelta(days=1)
    assert f"{companion} has no lodging for the nights {arrival} to {end}." in lines
    assert f"{patient.full_name} has no lodging for the nights {arrival} to {before}." in lines
    assert not any("twice" in line for line in lines) and tab.coverage_warning.isVisible()

    # Covering every night once for each traveller makes the note go away.
    book(qtbot, tab, arrival, first, "patient")
    book(qtbot, tab, arrival + timedelta(days=13), departure, "patient")
    assert [line.split(" has ")[0] for line in tab.coverage_lines] == [companion]
    book(qtbot, tab, arrival, departure, "companion")
    assert tab.coverage_lines == [] and tab.coverage_warning.isHidden()
    assert cases.advance(facilitator_ctx, lodging_ref) == "interpreters"
