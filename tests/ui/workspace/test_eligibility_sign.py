"""No preset decision; Sign shows the criteria summary and asks the password before signing."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from caseapp.services import cases, eligibility
from caseapp.services.context import ServiceContext
from caseapp.services.demo import DEMO_PASSWORD
from caseapp.ui.workspace import CaseWorkspace
from tests.services import pipeline_steps as steps

from .conftest import OFFSCREEN_NOISE, ScriptedPrompts
from .drive import choose, click, save_dialog

pytestmark = OFFSCREEN_NOISE


def _at_eligibility(ctx: ServiceContext) -> str:
    ref = steps.new_case(ctx)
    steps.complete_records(ctx, ref)
    cases.advance(ctx, ref)
    return ref


def test_no_decision_is_preset_and_signing_needs_one(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    ref = _at_eligibility(facilitator_ctx)
    tab = make_workspace(facilitator_ctx, ref).area_tabs["eligibility"]
    assert tab.decision.currentData() == "" and "choose" in tab.decision.currentText()
    click(qtbot, tab.sign_button)
    assert "Choose the decision" in tab.review_errors.text("decision")
    assert tab.sign_dialog is None
    assert cases.case_detail(facilitator_ctx, ref).review is None


def test_sign_shows_the_summary_and_asks_the_password(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    prompts: ScriptedPrompts,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    ref = _at_eligibility(facilitator_ctx)
    eligibility.set_facts(facilitator_ctx, ref, dict(steps.GOOD_FACTS, lvef_pct=""))
    ws = make_workspace(facilitator_ctx, ref)
    tab = ws.area_tabs["eligibility"]
    choose(tab.decision, "eligible")
    click(qtbot, tab.sign_button)
    dialog = tab.sign_dialog
    assert dialog is not None and dialog.isVisible()
    summary = eligibility.summarise(eligibility.evaluate_case(facilitator_ctx, ref))
    text = dialog.summary.text()
    assert f"<b>{summary.met}</b> met" in text and "<b>0</b> not met" in text
    assert "<b>1</b> unknown" in text and "Unknown:</b> " in text and "ejection" in text.lower()
    assert "eligible" in dialog.statement.text()

    dialog.password.setText("not it")
    save_dialog(qtbot, dialog)
    assert dialog.isVisible() and "not right" in dialog.errors.text("password")
    assert cases.case_detail(facilitator_ctx, ref).review is None

    dialog.password.setText(DEMO_PASSWORD)
    save_dialog(qtbot, dialog)
    assert not dialog.isVisible() and prompts.errors == []
    review = cases.case_detail(facilitator_ctx, ref).review
    assert review is not None and review.decision == "eligible" and review.meaning
    assert review.meaning in tab.review_label.text()
    assert tab.decision.currentData() == ""  # the next signature is a new choice too


def test_cancel_signs_nothing(
    qtbot: QtBot,
    facilitator_ctx: ServiceContext,
    make_workspace: Callable[[ServiceContext, str], CaseWorkspace],
) -> None:
    ref = _at_eligibility(facilitator_ctx)
    eligibility.set_facts(facilitator_ctx, ref, steps.GOOD_FACTS)
    tab = make_workspace(facilitator_ctx, ref).area_tabs["eligibility"]
    choose(tab.decision, "eligible")
    click(qtbot, tab.sign_button)
    assert tab.sign_dialog is not None
    tab.sign_dialog.password.setText(DEMO_PASSWORD)
    tab.sign_dialog.reject()
    assert cases.case_detail(facilitator_ctx, ref).review is None
