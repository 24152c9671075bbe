"""One case from records to closed, driven only through the workspace's widgets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from pytestqt.qtbot import QtBot

from caseapp.services import cases, followup, interpreters, lodging, records
from caseapp.services.context import ServiceContext
from caseapp.services.demo import DEMO_PASSWORD
from caseapp.services.interpreters import CHINA_TZ
from caseapp.services.treatment import HANDOFF_LETTER
from caseapp.ui import documents_tab
from caseapp.ui.workspace import CaseWorkspace, hooks

from .conftest import ARRIVAL, DEPARTURE, OFFSCREEN_NOISE, TODAY, ScriptedPrompts
from .drive import china_qdatetime, choose, click, save_dialog, type_into

pytestmark = OFFSCREEN_NOISE

# Facts that meet every SH-CD33-01 criterion (resources/reference/programs.toml).
TYPED_FACTS = {
    "cd33_pct": "82", "marrow_blast_pct": "35", "ecog": "1", "prior_lines": "2",
    "creatinine_mg_dl": "0.9", "bilirubin_uln": "0.8", "alt_uln": "1.1", "ast_uln": "1.0",
    "lvef_pct": "60", "spo2_pct": "97", "weeks_since_last_therapy": "6", "hemoglobin_g_l": "95",
}  # fmt: skip
CHOSEN_FACTS = {
    "disease_status": "relapsed", "apl": "no", "allo_transplant": "no", "active_gvhd": "no",
    "cns_active": "no", "uncontrolled_infection": "no", "hiv": "no", "hbv_active": "no",
    "hcv_active": "no", "pregnant": "no", "prior_car_t": "no",
}  # fmt: skip


def drop_file_on_row(ws: CaseWorkspace, row: int, path: Path) -> None:
    """What the window system delivers when a file is dropped on a table row."""
    view = ws.area_tabs["records"].view
    point = view.visualRect(view.model().index(row, 0)).center()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(point),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    view.dropEvent(event)


def advance(qtbot: QtBot, ws: CaseWorkspace, to: str) -> None:
    with qtbot.waitSignal(ws.caseChanged, timeout=2000):
        click(qtbot, ws.advance_button)
    assert ws.detail is not None and ws.detail.stage == to, ws.advance_button.toolTip()


def test_a_case_travels_every_stage_through_the_widgets(
    qtbot: QtBot,
    clock: object,
    facilitator_ctx: ServiceContext,
    new_ref: str,
    prompts: ScriptedPrompts,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(hooks, "DOCUMENTS_TAB_FACTORY", documents_tab.documents_tab)
    ctx, ref = facilitator_ctx, new_ref
    ws = make_workspace(ctx, ref)
    assert ws.detail is not None and ws.detail.stage == "records"
    assert not ws.advance_button.isEnabled()
    assert "has not been received" in ws.advance_button.toolTip()

    # ---- records: one file dropped, one attached, one waived, the rest marked received ----
    ws.focus_area("records")
    tab = ws.area_tabs["records"]
    states = tab.model.rows
    scan = tmp_path / "bone-marrow.pdf"
    scan.write_bytes(b"%PDF-1.4 marrow report")
    passport = tmp_path / "passport.jpg"
    passport.write_bytes(b"\xff\xd8 passport photo page")
    prompts.files.append(passport)
    prompts.reasons.append("Dr. Li (hospital) agreed: the referral letter covers the history.")
    for row, state in enumerate(states):
        tab.view.selectRow(row)
        tab.document_date.set_value(TODAY - timedelta(days=3) if state.max_age_days else None)
        if state.code == "bone_marrow":
            drop_file_on_row(ws, row, scan)
        elif state.code == "passport_copy":
            click(qtbot, tab.attach_button)
        elif state.code == "treatment_history" or not state.required:
            click(qtbot, tab.waive_button)
        else:
            click(qtbot, tab.receive_button)
    assert prompts.errors == []
    assert {s.status for s in tab.model.rows} <= {"received", "waived"}
    tab.select("bone_marrow")
    click(qtbot, tab.open_button)
    assert prompts.opened[-1].read_bytes() == b"%PDF-1.4 marrow report"
    advance(qtbot, ws, "eligibility")

    # ---- eligibility: type and choose the facts, then sign eligible ----
    tab = ws.area_tabs["eligibility"]
    ws.focus_area("eligibility")
    for key, text in TYPED_FACTS.items():
        type_into(qtbot, tab.inputs[key].widget, text)
    for key, value in CHOSEN_FACTS.items():
        choose(tab.inputs[key].widget, value)
    assert all(r.result == "met" for r in tab.model.rows if r.required)
    choose(tab.decision, "eligible")
    click(qtbot, tab.sign_button)  # saves the typed facts, then asks to confirm
    assert tab.sign_dialog is not None
    tab.sign_dialog.password.setText(DEMO_PASSWORD)
    save_dialog(qtbot, tab.sign_dialog)
    assert prompts.errors == []
    advance(qtbot, ws, "visa")

    # ---- visa: approved, invitation recorded, entry window and stay fit the plan ----
    tab = ws.area_tabs["visa"]
    choose(tab.visa_type, "S2")
    choose(tab.status, "approved")
    tab.invitation.set_value(TODAY - timedelta(days=10))
    tab.submitted.set_value(TODAY - timedelta(days=8))
    tab.decided.set_value(TODAY - timedelta(days=1))
    tab.entry_from.set_value(ARRIVAL - timedelta(days=30))
    tab.entry_until.set_value(ARRIVAL + timedelta(days=30))
    type_into(qtbot, tab.stay.lineEdit(), "90")
    assert "fits the plan" in tab.warnings.text()
    click(qtbot, tab.save_button)
    assert tab.errors.text("status") == "" and prompts.errors == []
    advance(qtbot, ws, "lodging")

    # ---- lodging: two bookings covering the stay for the patient and the companion ----
    tab = ws.area_tabs["lodging"]
    middle = ARRIVAL + timedelta(days=30)
    for name, check_in, check_out in (
        ("Fenglin Garden Serviced Apartments", ARRIVAL, middle),
        ("Xuhui Riverside Residence", middle, DEPARTURE),
    ):
        click(qtbot, tab.add_button)
        dialog = tab.dialog
        assert dialog is not None and all(box.isChecked() for box in dialog.occupants.values())
        type_into(qtbot, dialog.property_name, name)
        type_into(qtbot, dialog.address_en, "210 Fenglin Road, Shanghai")
        type_into(qtbot, dialog.nightly_cost, "420")
        dialog.check_in.set_value(check_in)
        dialog.check_out.set_value(check_out)
        save_dialog(qtbot, dialog)
        assert not dialog.isVisible()
    lanes = tab.timeline.lanes
    assert len(lanes) == 2 and all(set(lane.nights) == {"covered"} for lane in lanes)
    advance(qtbot, ws, "interpreters")

    # ---- interpreters: two appointments, interpreter taken from the chooser's best ----
    tab = ws.area_tabs["interpreters"]
    for title, day, hour in (
        ("Consultation with the CAR-T team", ARRIVAL + timedelta(days=1), 9),
        ("Apheresis", ARRIVAL + timedelta(days=5), 8),
    ):
        click(qtbot, tab.add_button)
        dialog = tab.dialog
        assert dialog is not None
        type_into(qtbot, dialog.title_edit, title)
        type_into(qtbot, dialog.place, "Clinic 3, building B")
        start = datetime.combine(day, time(hour), CHINA_TZ)
        dialog.starts.setDateTime(china_qdatetime(start))
        dialog.ends.setDateTime(china_qdatetime(start + timedelta(hours=2)))
        assert dialog.offered(), "the chooser offers somebody"
        best = dialog.offered()[0]
        assert dialog.chooser.currentData() == best
        save_dialog(qtbot, dialog)
        assert not dialog.isVisible(), dialog.errors.fallback and dialog.errors.fallback.text()
    assert all(a.interpreter_id and not a.conflict_with for a in tab.model.rows)
    advance(qtbot, ws, "treatment")

    # ---- treatment: weeks later, the infusion and the discharge happen ----
    infusion = ARRIVAL + timedelta(days=12)
    discharge = infusion + timedelta(days=28)
    clock.now = datetime.combine(discharge + timedelta(days=1), time(9), UTC)  # type: ignore[attr-defined]
    ws.reload()
    tab = ws.area_tabs["treatment"]
    for kind, when in (("lymphodepletion", infusion - timedelta(days=5)), ("infusion", infusion)):
        tab.select_milestone(kind)
        tab.done.set_value(when)
        click(qtbot, tab.save_milestone_button)
    tab.select_milestone("discharge")
    tab.planned.set_value(discharge)
    tab.done.set_value(discharge)
    type_into(qtbot, tab.milestone_notes, "Discharged to the apartment; daily checks.")
    click(qtbot, tab.save_milestone_button)
    labels = {m.kind: m.day for m in tab.milestones.rows}
    assert labels["infusion"] == "D0" and labels["lymphodepletion"] == "D-5"
    assert labels["discharge"] == "D+28"
    panel = tab.discharge  # the gate names the missing medicines: copy them from the summary
    click(qtbot, panel.add_button)
    for name, text in (("name", "Aciclovir"), ("dose", "400 mg"), ("frequency", "twice a day"),
                       ("until", "day +365"), ("reason", "Herpes virus prophylaxis")):  # fmt: skip
        type_into(qtbot, panel.dialog.fields[name], text)
    save_dialog(qtbot, panel.dialog)
    assert [m.name for m in panel.medications.rows] == ["Aciclovir"]

    ws.focus_area("followup")
    click(qtbot, ws.area_tabs["followup"].create_button)
    ws.focus_area("documents")  # the handoff-letter blocker's tab: generate and keep it there
    docs_tab = ws.tabs.currentWidget()
    assert isinstance(docs_tab, documents_tab.DocumentsTab)
    row = [k.name for k in docs_tab.kinds.kinds].index(HANDOFF_LETTER)
    docs_tab.list.setCurrentIndex(docs_tab.kinds.index(row))
    with qtbot.waitSignal(ws.caseChanged, timeout=20_000):
        click(qtbot, docs_tab.keep_button)
    assert prompts.errors == []
    assert "kept with the case" in docs_tab.status.text()
    advance(qtbot, ws, "followup")

    # ---- follow-up: a year on, every contact done or missed ----
    clock.now = datetime.combine(infusion + timedelta(days=400), time(9), UTC)  # type: ignore[attr-defined]
    ws.reload()
    tab = ws.area_tabs["followup"]
    for contact in tab.model.rows:
        tab.select(contact.day_offset)
        if contact.day_offset == 180:
            type_into(qtbot, tab.note, "Patient in hospital at home; local doctor reported CR.")
            click(qtbot, tab.missed_button)
            continue
        tab.done_on.set_value(contact.due_on)
        choose(tab.response, "CR")
        choose(tab.mrd, "negative")
        click(qtbot, tab.done_button)
    assert prompts.errors == []
    advance(qtbot, ws, "closed")
    assert not ws.advance_button.isEnabled()
    assert not ws.decline_button.isEnabled()

    # ---- the database, read back through the services ----
    d = cases.case_detail(ctx, ref)
    assert d.stage == "closed"
    assert [h.stage for h in d.history] == [
        "records", "eligibility", "visa", "lodging", "interpreters", "treatment", "followup",
        "closed",
    ]  # fmt: skip
    states = {s.code: s for s in records.record_states(ctx, ref)}
    assert states["bone_marrow"].attachment_name == "bone-marrow.pdf"
    assert states["passport_copy"].attachment_name == "passport.jpg"
    assert states["treatment_history"].waived
    assert "Dr. Li" in states["treatment_history"].waived_reason
    assert d.review is not None and d.review.decision == "eligible"
    assert d.facts["cd33_pct"] == "82" and d.facts["disease_status"] == "relapsed"
    assert d.visa is not None and d.visa.status == "approved" and d.visa.allowed_stay_days == 90
    assert all(c.complete for c in lodging.coverage_of(ctx, ref).values())
    appts = interpreters.appointments(ctx, ref)
    assert len(appts) == 2 and all(a.language_ok and a.interpreter_id for a in appts)
    assert {m.kind: m.done_on for m in d.milestones}["discharge"] == discharge
    contacts = followup.contacts(ctx, ref)
    assert [c.day_offset for c in contacts] == [28, 60, 90, 180, 365]
    assert all(c.done_on or (c.missed and c.note) for c in contacts)
    assert [doc.kind for doc in d.documents] == [HANDOFF_LETTER]
    history = ws.area_tabs["history"].model.rows
    last = [r for r in history if r.at == history[0].at]  # the last save: the move to closed
    assert any(r.changes.get("stage") == ["followup", "closed"] for r in last)
    assert {r.actor_login for r in history} == {"fatima"}
