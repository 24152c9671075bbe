"""Signing an eligibility decision: the password again, and a record of what the signature means."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.models import StaffUser
from caseapp.services import audit, cases, eligibility
from caseapp.services.auth import MAX_FAILED_LOGINS
from caseapp.services.context import ServiceContext
from caseapp.services.demo import DEMO_PASSWORD
from caseapp.services.errors import StaleEdit, ValidationError
from tests.services import pipeline_steps as steps


def _case_at_eligibility(ctx: ServiceContext) -> str:
    ref = steps.new_case(ctx)
    steps.complete_records(ctx, ref)
    cases.advance(ctx, ref)
    eligibility.set_facts(ctx, ref, dict(steps.GOOD_FACTS, lvef_pct=""))
    return ref


def _failed_logins(ctx: ServiceContext) -> int:
    with ctx.read() as s:
        return int(s.scalar(select(StaffUser.failed_logins).where(StaffUser.id == ctx.actor.id)))


def test_wrong_or_no_password_signs_nothing(facilitator_ctx: ServiceContext) -> None:
    ref = _case_at_eligibility(facilitator_ctx)
    for typed in ("", "not my password"):
        with pytest.raises(ValidationError, match="password is not right") as exc:
            eligibility.sign_review(facilitator_ctx, ref, "eligible", password=typed)
        assert exc.value.field == "password"
    assert cases.case_detail(facilitator_ctx, ref).review is None
    assert _failed_logins(facilitator_ctx) == 2
    eligibility.sign_review(facilitator_ctx, ref, "eligible", password=DEMO_PASSWORD)
    assert _failed_logins(facilitator_ctx) == 0  # a right password resets the count


def test_wrong_signature_passwords_lock_the_account(facilitator_ctx: ServiceContext) -> None:
    ref = _case_at_eligibility(facilitator_ctx)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(ValidationError):
            eligibility.sign_review(facilitator_ctx, ref, "eligible", password="guess")
    with pytest.raises(ValidationError, match="locked"):
        eligibility.sign_review(facilitator_ctx, ref, "eligible", password=DEMO_PASSWORD)
    assert cases.case_detail(facilitator_ctx, ref).review is None


def test_no_decision_is_refused_before_the_password(facilitator_ctx: ServiceContext) -> None:
    ref = _case_at_eligibility(facilitator_ctx)
    with pytest.raises(ValidationError, match="Choose the decision") as exc:
        eligibility.sign_review(facilitator_ctx, ref, "", password="whatever")
    assert exc.value.field == "decision" and _failed_logins(facilitator_ctx) == 0


def test_signature_records_its_meaning_and_is_audited(facilitator_ctx: ServiceContext) -> None:
    ref = _case_at_eligibility(facilitator_ctx)
    eligibility.sign_review(facilitator_ctx, ref, "eligible", password=DEMO_PASSWORD)
    review = cases.case_detail(facilitator_ctx, ref).review
    assert review is not None and review.reviewer == facilitator_ctx.actor.full_name
    summary = eligibility.summarise(review.results)
    assert summary.unknown == 1 and summary.not_met == 0 and summary.total == len(review.results)
    meaning = review.meaning
    assert facilitator_ctx.actor.full_name in meaning and "(facilitator)" in meaning
    assert "'eligible'" in meaning and "SH-CD33-01" in meaning
    assert f"{summary.met} met, 0 not met, 1 unknown" in meaning
    assert "2026-11-26 09:00 UTC" in meaning
    [signed] = [h for h in audit.case_history(facilitator_ctx, ref) if h.action == "signed"]
    assert signed.entity == "EligibilityReview" and signed.actor_login == "fatima"
    assert signed.changes["decision"] == "eligible" and signed.changes["unknown"] == 1
    assert signed.changes["meaning"] == meaning
    assert "Aigerim" not in str(signed.changes)  # no patient name in the audit


def test_facts_changed_after_the_summary_was_shown(facilitator_ctx: ServiceContext) -> None:
    ref = _case_at_eligibility(facilitator_ctx)
    shown = eligibility.evaluate_case(facilitator_ctx, ref)
    eligibility.set_facts(facilitator_ctx, ref, {"lvef_pct": "60"})
    with pytest.raises(StaleEdit, match="changed after the summary"):
        eligibility.sign_review(
            facilitator_ctx, ref, "eligible", password=DEMO_PASSWORD, seen=shown
        )
    assert cases.case_detail(facilitator_ctx, ref).review is None
