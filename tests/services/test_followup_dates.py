"""Follow-up 'done on' dates: not before the infusion, not in the future, warned when far off."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from caseapp.services import cases, followup
from caseapp.services.context import ServiceContext
from caseapp.services.errors import ValidationError
from tests.conftest import Clock
from tests.services import pipeline_steps as steps

INFUSION = steps.ARRIVAL + timedelta(days=15)


@pytest.fixture
def in_followup(facilitator_ctx: ServiceContext, clock: Clock) -> str:
    ref = steps.new_case(facilitator_ctx)
    steps.to_stage(facilitator_ctx, ref, "treatment")
    clock.now += timedelta(days=90)
    steps.complete_treatment(facilitator_ctx, ref, INFUSION)
    cases.advance(facilitator_ctx, ref)
    clock.now += timedelta(days=400)  # every contact is due by now
    return ref


def _contact(ctx: ServiceContext, ref: str, day: int) -> followup.ContactRow:
    return next(c for c in followup.contacts(ctx, ref) if c.day_offset == day)


def test_done_before_the_infusion_or_in_the_future_is_refused(
    facilitator_ctx: ServiceContext, in_followup: str
) -> None:
    c = _contact(facilitator_ctx, in_followup, 28)
    for done, words in (
        (INFUSION - timedelta(days=1), f"before the infusion (day 0, {INFUSION.isoformat()})"),
        (facilitator_ctx.today() + timedelta(days=1), "cannot be in the future"),
    ):
        with pytest.raises(ValidationError, match=words.replace("(", r"\(").replace(")", r"\)")):
            followup.record_contact(facilitator_ctx, in_followup, c.id, done_on=done)
    assert _contact(facilitator_ctx, in_followup, 28).done_on is None
    followup.record_contact(facilitator_ctx, in_followup, c.id, done_on=INFUSION)  # day 0 is fine


def test_far_from_the_due_date_is_kept_with_a_warning(
    facilitator_ctx: ServiceContext, in_followup: str
) -> None:
    c = _contact(facilitator_ctx, in_followup, 365)
    day1 = INFUSION + timedelta(days=1)
    followup.record_contact(facilitator_ctx, in_followup, c.id, done_on=day1, response="CR")
    assert _contact(facilitator_ctx, in_followup, 365).done_on == day1
    warnings = [b.message for b in cases.case_detail(facilitator_ctx, in_followup).blockers
                if not b.blocks]  # fmt: skip
    assert warnings == [
        f"The day +365 contact is marked done on {day1.isoformat()}, 364 days before its due "
        f"date {c.due_on.isoformat()} (more than 14): check the date."
    ]


def test_the_tolerance_is_fourteen_days_either_side() -> None:
    due = date(2026, 6, 1)
    assert followup.done_date_warning(28, due, due + timedelta(days=14)) == ""
    assert followup.done_date_warning(28, due, due - timedelta(days=14)) == ""
    assert "15 days after" in followup.done_date_warning(28, due, due + timedelta(days=15))
    assert "15 days before" in followup.done_date_warning(28, due, due - timedelta(days=15))
    assert followup.done_date_warning(28, due, None) == ""
