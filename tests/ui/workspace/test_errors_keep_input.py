"""A refused save shows the service's sentence next to the field and keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from pytestqt.qtbot import QtBot

from caseapp.services import cases, patients
from caseapp.services.context import ServiceContext
from caseapp.services.patients import PatientInput
from caseapp.ui.workspace import CaseWorkspace

from .conftest import ARRIVAL, OFFSCREEN_NOISE, ScriptedPrompts
from .drive import click, save_dialog, type_into

pytestmark = OFFSCREEN_NOISE


def test_lodging_check_out_before_check_in(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    new_ref: str,
    prompts: ScriptedPrompts,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    ws = make_workspace(facilitator_ctx, new_ref)
    tab = ws.area_tabs["lodging"]
    click(qtbot, tab.add_button)
    dialog = tab.dialog
    assert dialog is not None
    type_into(qtbot, dialog.property_name, "Fenglin Garden Serviced Apartments")
    type_into(qtbot, dialog.address_en, "210 Fenglin Road, Shanghai")
    dialog.check_in.set_value(ARRIVAL + timedelta(days=10))
    dialog.check_out.set_value(ARRIVAL)

    with qtbot.assertNotEmitted(ws.caseChanged):
        save_dialog(qtbot, dialog)

    assert dialog.isVisible()
    assert dialog.errors.text("check_out") == "Check-out must be after check-in."
    assert dialog.property_name.text() == "Fenglin Garden Serviced Apartments"
    assert dialog.check_in.value() == ARRIVAL + timedelta(days=10)
    assert tab.model.rowCount() == 0 and prompts.errors == []

    dialog.check_out.set_value(ARRIVAL + timedelta(days=20))
    with qtbot.waitSignal(ws.caseChanged):
        save_dialog(qtbot, dialog)
    assert not dialog.isVisible()
    assert dialog.errors.text("check_out") == ""
    assert tab.model.rows[0].nights == 10


def test_stale_patient_edit_keeps_the_typed_values(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    manager_ctx: ServiceContext,
    new_ref: str,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    ws = make_workspace(facilitator_ctx, new_ref)
    tab = ws.area_tabs["overview"]
    type_into(qtbot, tab.phone, "+7 701 000 1122")
    # a colleague saves the patient in the meantime
    p = cases.case_detail(manager_ctx, new_ref).patient
    changed = PatientInput(
        p.full_name, p.sex, p.date_of_birth, p.nationality, p.passport_number,
        p.passport_expiry, p.languages, home_city="Astana",
    )  # fmt: skip
    patients.update_patient(manager_ctx, new_ref, changed, p.version)

    click(qtbot, tab.save_patient_button)

    general = tab.patient_errors.text("__general__")
    assert "helen saved this case" in general and "Reload" in general
    assert tab.phone.text() == "+7 701 000 1122"
    # another tab's successful save reloads the case, but the unsaved form is kept
    ws.reload()
    assert tab.phone.text() != "+7 701 000 1122"  # the saved data changed: the form shows it
    assert tab.home_city.text() == "Astana"


def test_field_error_from_the_plan(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    new_ref: str,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    ws = make_workspace(facilitator_ctx, new_ref)
    tab = ws.area_tabs["overview"]
    type_into(qtbot, tab.rate, "seven")
    click(qtbot, tab.save_plan_button)
    assert "must be a number" in tab.plan_errors.text("cny_per_home_unit")
    assert tab.rate.text() == "seven"
    type_into(qtbot, tab.rate, "0.015")
    click(qtbot, tab.save_plan_button)
    assert tab.plan_errors.text("cny_per_home_unit") == ""
    assert str(cases.case_detail(facilitator_ctx, new_ref).cny_per_home_unit) == "0.015000"


def test_unsaved_facts_survive_a_save_elsewhere(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    new_ref: str,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    ws = make_workspace(facilitator_ctx, new_ref)
    facts = ws.area_tabs["eligibility"]
    type_into(qtbot, facts.inputs["ecog"].widget, "1")
    visa = ws.area_tabs["visa"]
    click(qtbot, visa.save_button)  # a draft visa: a successful save that reloads everything
    assert facts.inputs["ecog"].text() == "1"
    assert facts.dirty()
