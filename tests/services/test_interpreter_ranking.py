"""The chooser's "best first": an interpreter in the hospital's city before one elsewhere."""

from __future__ import annotations

from datetime import timedelta

from caseapp.services import cases, interpreters
from caseapp.services.context import ServiceContext
from caseapp.services.interpreters import InterpreterInput


def test_the_local_interpreter_comes_before_a_certified_one_in_another_city(
    manager_ctx: ServiceContext,
) -> None:
    ctx = manager_ctx
    row = next(r for r in cases.list_cases(ctx) if r.stage == "interpreters")
    detail = cases.case_detail(ctx, row.ref)
    language = detail.patient.languages[0]
    city = detail.program.city_en
    far = interpreters.add_interpreter(ctx, InterpreterInput(
        "Far Away Certified", (language,), medical_certified=True, hourly_rate_cny="100",
        city="Somewhere Else"))  # fmt: skip
    near = interpreters.add_interpreter(ctx, InterpreterInput(
        "Near By", (language,), medical_certified=False, hourly_rate_cny="400", city=city))
    start = ctx.now() + timedelta(days=400, hours=3)
    ranked = [s.interpreter.id for s in interpreters.suggest_interpreters(
        ctx, row.ref, start, start + timedelta(hours=1))]  # fmt: skip
    assert near.id in ranked and far.id in ranked
    assert ranked.index(near.id) < ranked.index(far.id)
    reasons = {s.interpreter.id: s.reason for s in interpreters.suggest_interpreters(
        ctx, row.ref, start, start + timedelta(hours=1))}  # fmt: skip
    assert "another city" in reasons[far.id] and f"based in {city}" in reasons[near.id]
