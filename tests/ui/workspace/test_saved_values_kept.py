"""A form shows the saved values of the row it edits, so pressing its button keeps them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from pytestqt.qtbot import QtBot

from caseapp.services import audit, cases, records
from caseapp.services.context import ServiceContext
from caseapp.ui.workspace import CaseWorkspace

from .conftest import OFFSCREEN_NOISE
from .drive import click, type_into

pytestmark = OFFSCREEN_NOISE

FOLLOWUP_REF = "CA-2026-0007"  # demo (seed 7): follow-up stage, day +28 done with CR


def test_editing_the_note_of_a_done_contact_keeps_response_and_mrd(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    detail = cases.case_detail(facilitator_ctx, FOLLOWUP_REF)
    before = next(c for c in detail.followups if c.done_on)
    assert before.response and before.mrd
    ws = make_workspace(facilitator_ctx, FOLLOWUP_REF)
    tab = ws.area_tabs["followup"]
    ws.focus_area("followup")
    tab.select(before.day_offset)
    assert tab.response.currentText() == before.response
    assert tab.mrd.currentText() == before.mrd
    assert tab.done_on.value() == before.done_on

    type_into(qtbot, tab.note, "Called the home doctor as well")
    click(qtbot, tab.done_button)

    after = next(c for c in cases.case_detail(facilitator_ctx, FOLLOWUP_REF).followups
                 if c.id == before.id)  # fmt: skip
    assert (after.response, after.mrd, after.done_on) == (
        before.response, before.mrd, before.done_on,
    )  # fmt: skip
    assert after.note == "Called the home doctor as well"
    changes = [e.changes for e in audit.case_history(facilitator_ctx, FOLLOWUP_REF)
               if e.entity == "FollowupContact" and e.action == "update"]  # fmt: skip
    assert changes and set(changes[0]) == {"note"}


def test_a_second_contact_shows_its_own_saved_values(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    done = [c for c in cases.case_detail(facilitator_ctx, FOLLOWUP_REF).followups if c.done_on]
    ws = make_workspace(facilitator_ctx, FOLLOWUP_REF)
    tab = ws.area_tabs["followup"]
    for c in (*done, *reversed(done)):
        tab.select(c.day_offset)
        assert (tab.done_on.value(), tab.response.currentData(), tab.mrd.currentData()) == (
            c.done_on, c.response, c.mrd,
        )  # fmt: skip


def test_records_panel_shows_the_stored_received_date_and_keeps_it(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    new_ref: str,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    code = cases.case_detail(facilitator_ctx, new_ref).records[0].code
    records.receive_record(
        facilitator_ctx, new_ref, code, received_on=date(2026, 11, 20),
        document_date=date(2026, 11, 2),
    )  # fmt: skip
    ws = make_workspace(facilitator_ctx, new_ref)
    tab = ws.area_tabs["records"]
    tab.select(code)
    assert tab.received_on.value() == date(2026, 11, 20)
    assert tab.document_date.value() == date(2026, 11, 2)

    click(qtbot, tab.receive_button)

    saved = next(r for r in cases.case_detail(facilitator_ctx, new_ref).records if r.code == code)
    assert (saved.received_on, saved.document_date) == (date(2026, 11, 20), date(2026, 11, 2))


def test_after_attach_the_panel_shows_the_saved_document_date(
    qtbot: QtBot,
    tmp_path: Path,
    facilitator_ctx: ServiceContext,
    new_ref: str,
    prompts: object,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    scan = tmp_path / "pathology.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    ws = make_workspace(facilitator_ctx, new_ref)
    tab = ws.area_tabs["records"]
    code = tab.model.rows[0].code
    tab.select(code)
    tab.received_on.set_value(date(2026, 11, 21))
    tab.document_date.set_value(date(2026, 11, 3))
    prompts.files.append(scan)  # type: ignore[attr-defined]

    click(qtbot, tab.attach_button)

    assert tab.document_date.value() == date(2026, 11, 3)
    assert tab.received_on.value() == date(2026, 11, 21)
    assert tab.pending_label.text() == "pathology.pdf"
    # another record shows its own (empty) dates, and coming back shows the saved ones
    tab.select(tab.model.rows[1].code)
    assert tab.document_date.value() is None
    tab.select(code)
    assert tab.document_date.value() == date(2026, 11, 3)
