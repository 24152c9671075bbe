"""The appointment dialog's chooser: only free interpreters who speak the language, best first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

from pytestqt.qtbot import QtBot

from caseapp.services import interpreters
from caseapp.services.context import ServiceContext
from caseapp.services.interpreters import CHINA_TZ, AppointmentInput
from caseapp.ui.workspace import CaseWorkspace

from .conftest import ARRIVAL, OFFSCREEN_NOISE, ScriptedPrompts, open_new_case
from .drive import china_qdatetime, choose, click, save_dialog, type_into

pytestmark = OFFSCREEN_NOISE

START = datetime.combine(ARRIVAL + timedelta(days=2), time(9), CHINA_TZ)


def _open_dialog(qtbot: QtBot, ws: CaseWorkspace, start: datetime = START):  # type: ignore[no-untyped-def]
    tab = ws.area_tabs["interpreters"]
    click(qtbot, tab.add_button)
    dialog = tab.dialog
    assert dialog is not None
    dialog.starts.setDateTime(china_qdatetime(start))
    dialog.ends.setDateTime(china_qdatetime(start + timedelta(hours=2)))
    return dialog


def test_chooser_offers_only_free_language_matching_interpreters_best_first(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    new_ref: str,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    ctx = facilitator_ctx
    roster = {i.id: i for i in interpreters.list_interpreters(ctx)}
    wanted = {"kazakh", "russian"}
    speakers = [
        i for i in roster.values() if i.active and wanted & {x.lower() for x in i.languages}
    ]
    assert len(speakers) >= 2, "the demo roster has Kazakh/Russian interpreters"
    # the best of them is booked at that time for another case: it must not be offered
    best = interpreters.suggest_interpreters(ctx, new_ref, START, START + timedelta(hours=2))[0]
    other = open_new_case(ctx)
    interpreters.save_appointment(
        ctx,
        other,
        AppointmentInput(
            "Consultation", START, START + timedelta(hours=1), interpreter_id=best.interpreter.id
        ),
    )

    ws = make_workspace(ctx, new_ref)
    dialog = _open_dialog(qtbot, ws)

    offered = dialog.offered()
    assert offered and best.interpreter.id not in offered
    for interpreter_id in offered:
        assert wanted & {x.lower() for x in roster[interpreter_id].languages}
    expected = interpreters.suggest_interpreters(ctx, new_ref, START, START + timedelta(hours=2))
    assert offered == [s.interpreter.id for s in expected]
    # primary language (Kazakh) speakers come before those who only speak Russian
    primary = [("kazakh" in {x.lower() for x in roster[i].languages}) for i in offered]
    assert primary == sorted(primary, reverse=True)
    assert dialog.chooser.currentData() == offered[0]
    assert "speaks" in dialog.chooser.currentText()  # the reason text is shown

    # an hour later the busy interpreter is free again and is offered again
    dialog.starts.setDateTime(china_qdatetime(START + timedelta(hours=3)))
    dialog.ends.setDateTime(china_qdatetime(START + timedelta(hours=5)))
    assert best.interpreter.id in dialog.offered()


def test_a_double_booking_is_refused_and_shown_in_red(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    new_ref: str,
    prompts: ScriptedPrompts,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    ctx = facilitator_ctx
    ws = make_workspace(ctx, new_ref)
    dialog = _open_dialog(qtbot, ws)
    chosen = dialog.offered()[0]
    type_into(qtbot, dialog.title_edit, "Consultation")
    # meanwhile a colleague books the same interpreter at that time for another case
    other = open_new_case(ctx)
    interpreters.save_appointment(
        ctx,
        other,
        AppointmentInput("Apheresis", START, START + timedelta(hours=3), interpreter_id=chosen),
    )
    save_dialog(qtbot, dialog)

    assert dialog.isVisible(), "the dialog stays open with the user's input"
    message = dialog.errors.text("interpreter_id")
    assert "already booked" in message
    assert dialog.title_edit.text() == "Consultation"
    dialog.refresh()
    assert chosen not in dialog.offered()
    choose(dialog.chooser, dialog.offered()[0])
    save_dialog(qtbot, dialog)
    assert not dialog.isVisible()
    assert prompts.errors == []
