"""The Treatment tab's discharge panel: medicines and counts entered like a user, errors inline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from pytestqt.qtbot import QtBot

from caseapp.services import cases
from caseapp.services.context import ServiceContext
from caseapp.ui.workspace import CaseWorkspace
from caseapp.ui.workspace.tabs.discharge_panel import CountDialog, MedicationDialog

from .conftest import OFFSCREEN_NOISE, ScriptedPrompts
from .drive import choose, click, save_dialog, type_into

pytestmark = OFFSCREEN_NOISE


def test_medicine_and_counts_entered_in_the_treatment_tab(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    new_ref: str,
    prompts: ScriptedPrompts,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    ws = make_workspace(facilitator_ctx, new_ref)
    ws.focus_area("treatment")
    panel = ws.area_tabs["treatment"].discharge
    assert panel.empty_label.isVisible()
    assert "No discharge medicines recorded" in panel.empty_label.text()
    assert not panel.edit_button.isEnabled()

    click(qtbot, panel.add_button)
    dialog = panel.dialog
    assert isinstance(dialog, MedicationDialog)
    for name, text in (("name", "Aciclovir"), ("dose", "400 mg"), ("frequency", "twice a day"),
                       ("until", "day +365")):  # fmt: skip
        type_into(qtbot, dialog.fields[name], text)
    save_dialog(qtbot, dialog)
    assert dialog.isVisible(), "a missing field keeps the dialog open"
    assert "why it is taken" in dialog.errors.text("reason")
    assert dialog.fields["dose"].text() == "400 mg"  # the user's input stays
    type_into(qtbot, dialog.fields["reason"], "Herpes virus prophylaxis")
    with qtbot.waitSignal(ws.caseChanged, timeout=10_000):
        save_dialog(qtbot, dialog)
    assert not dialog.isVisible()
    [row] = panel.medications.rows
    assert (row.name, row.dose, row.frequency, row.until, row.reason) == (
        "Aciclovir", "400 mg", "twice a day", "day +365", "Herpes virus prophylaxis",
    )  # fmt: skip
    assert not panel.empty_label.isVisible()

    click(qtbot, panel.counts_button)
    counts = panel.dialog
    assert isinstance(counts, CountDialog)
    choose(counts.moment, "discharge")
    counts.taken.set_value(date(2026, 11, 20))
    type_into(qtbot, counts.anc, "lots")
    type_into(qtbot, counts.platelets, "88")
    type_into(qtbot, counts.haemoglobin, "101")
    save_dialog(qtbot, counts)
    assert counts.isVisible() and "must be a number" in counts.errors.text("anc")
    type_into(qtbot, counts.anc, "1.15")
    with qtbot.waitSignal(ws.caseChanged, timeout=10_000):
        save_dialog(qtbot, counts)
    [count] = panel.counts.rows
    assert (count.moment, count.anc, count.platelets, count.haemoglobin) == (
        "discharge", Decimal("1.15"), 88, 101,
    )  # fmt: skip
    assert prompts.errors == []
    saved = cases.case_detail(facilitator_ctx, new_ref)
    assert [m.name for m in saved.discharge_medications] == ["Aciclovir"]
    assert saved.blood_counts[0].taken_on == date(2026, 11, 20)


def test_an_admin_sees_the_discharge_buttons_disabled(
    demo_db: ServiceContext,
    new_ref: str,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    from caseapp.services.staff import actor_for

    admin = demo_db.as_actor(actor_for(demo_db, "kevin"))
    panel = make_workspace(admin, new_ref).area_tabs["treatment"].discharge
    assert not panel.add_button.isEnabled() and not panel.counts_button.isEnabled()
    assert "may not" in panel.add_button.toolTip()
