"""The follow-up form refuses a done date before the infusion and warns when it is far off."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from pytestqt.qtbot import QtBot

from caseapp.services import cases
from caseapp.services.context import ServiceContext
from caseapp.ui.workspace import CaseWorkspace

from .conftest import OFFSCREEN_NOISE, ScriptedPrompts
from .drive import click

pytestmark = OFFSCREEN_NOISE


def test_done_date_before_infusion_refused_far_one_warned(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    prompts: ScriptedPrompts,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    detail, c = next(
        (d, c)
        for r in cases.list_cases(facilitator_ctx, stage="followup")
        for d in [cases.case_detail(facilitator_ctx, r.ref)]
        for c in d.followups
        if not c.done_on and not c.missed and c.due_on <= facilitator_ctx.today()
    )
    ref = detail.ref
    infusion = next(m.done_on for m in detail.milestones if m.kind == "infusion")
    assert infusion is not None
    ws = make_workspace(facilitator_ctx, ref)
    tab = ws.area_tabs["followup"]
    ws.focus_area("followup")
    tab.select(c.day_offset)

    tab.done_on.set_value(infusion - timedelta(days=1))
    click(qtbot, tab.done_button)
    assert "before the infusion" in tab.errors.text("done_on")
    assert next(x for x in cases.case_detail(facilitator_ctx, ref).followups
                if x.id == c.id).done_on is None  # fmt: skip

    far = infusion + timedelta(days=1)  # a day +N contact (N > 15) marked done on day +1
    assert c.day_offset > 15
    tab.done_on.set_value(c.due_on)
    assert tab.done_warning.text() == ""
    tab.done_on.set_value(far)  # said as soon as the date is chosen, before saving
    assert f"{c.day_offset - 1} days before its due date" in tab.done_warning.text()
    click(qtbot, tab.done_button)
    assert prompts.errors == []
    saved = next(x for x in cases.case_detail(facilitator_ctx, ref).followups
                 if x.id == c.id)  # fmt: skip
    assert saved.done_on == far
    assert any("check the date" in b.message and not b.blocks for b in ws.detail.blockers)
