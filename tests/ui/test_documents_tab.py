"""The Documents tab: preview in the app, keep with the case, save; missing facts are named."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from caseapp.services import cases
from caseapp.services.context import ServiceContext
from caseapp.ui.documents_tab import DocumentsTab
from tests.services import pipeline_steps as steps
from tests.services.test_pipeline_gates import to_stage
from tests.ui.workspace.conftest import ScriptedPrompts

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def make_tab(qtbot: QtBot, ctx: ServiceContext, ref: str, prompts: ScriptedPrompts) -> DocumentsTab:
    tab = DocumentsTab(ctx, ref, prompts)
    qtbot.addWidget(tab)
    tab.load(cases.case_detail(ctx, ref))
    tab.resize(1100, 700)
    tab.show()
    return tab


def choose(tab: DocumentsTab, kind: str) -> None:
    row = [k.name for k in tab.kinds.kinds].index(kind)
    tab.list.setCurrentIndex(tab.kinds.index(row))


def test_preview_keep_and_save_a_packet(
    qtbot: QtBot, facilitator_ctx: ServiceContext, tmp_path: Path
) -> None:
    ref = steps.new_case(facilitator_ctx)
    to_stage(facilitator_ctx, ref, "interpreters")
    steps.complete_interpreters(facilitator_ctx, ref)
    prompts = ScriptedPrompts()
    tab = make_tab(qtbot, facilitator_ctx, ref, prompts)
    qtmodel = tab.kinds
    assert qtmodel.rowCount() == 9
    choose(tab, "packet")
    tab.preview_button.click()
    qtbot.waitUntil(lambda: tab.pdf.pageCount() > 0, timeout=15000)
    assert "Travel packet" in tab.status.text() and "not kept" in tab.status.text()
    assert cases.case_detail(facilitator_ctx, ref).documents == ()
    with qtbot.waitSignal(tab.changed, timeout=15000):
        tab.keep_button.click()
    assert [d.kind for d in cases.case_detail(facilitator_ctx, ref).documents] == ["packet"]
    target = tmp_path / "out.pdf"
    tab.ask_save_path = lambda suggested: target  # type: ignore[method-assign]
    tab.save_button.click()
    assert target.read_bytes().startswith(b"%PDF") and prompts.errors == []


def test_missing_fact_is_shown_and_nothing_kept(
    qtbot: QtBot, facilitator_ctx: ServiceContext
) -> None:
    ref = steps.new_case(facilitator_ctx)
    prompts = ScriptedPrompts()
    tab = make_tab(qtbot, facilitator_ctx, ref, prompts)
    choose(tab, "visa-letter")
    tab.keep_button.click()
    qtbot.waitUntil(lambda: bool(prompts.errors), timeout=15000)
    assert "needs a visa application" in prompts.errors[0]
    assert not tab.save_button.isEnabled()
    assert cases.case_detail(facilitator_ctx, ref).documents == ()


def test_kind_model_passes_the_model_tester(qtmodeltester, qtbot: QtBot, facilitator_ctx) -> None:
    ref = steps.new_case(facilitator_ctx)
    tab = make_tab(qtbot, facilitator_ctx, ref, ScriptedPrompts())
    qtmodeltester.check(tab.kinds)


def test_buttons_follow_the_permission_matrix(
    qtbot: QtBot, coordinator_ctx: ServiceContext, demo_db: ServiceContext
) -> None:
    from caseapp.services.staff import actor_for

    ref = cases.list_cases(coordinator_ctx, stage="treatment")[0].ref
    tab = make_tab(qtbot, coordinator_ctx, ref, ScriptedPrompts())
    assert tab.preview_button.isEnabled() and tab.keep_button.isEnabled()
    admin = demo_db.as_actor(actor_for(demo_db, "kevin"))
    tab = make_tab(qtbot, admin, ref, ScriptedPrompts())
    assert not tab.keep_button.isEnabled()
    assert "may not generate documents" in tab.keep_button.toolTip()


def test_placeholder_names_the_button_as_it_reads(qtbot: QtBot, facilitator_ctx) -> None:
    """A QLabel shows text as written: the button's "&&" escape would show as two ampersands."""
    ref = steps.new_case(facilitator_ctx)
    tab = make_tab(qtbot, facilitator_ctx, ref, ScriptedPrompts())
    assert tab.keep_button.text() == "Generate && keep"  # a button: && shows one ampersand
    assert "Generate & keep stores the PDF" in tab.placeholder.text()
    assert "&&" not in tab.placeholder.text()
