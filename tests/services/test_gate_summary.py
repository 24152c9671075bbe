"""Stored gate summaries: the pipeline list equals a full recomputation after every change and
on every later day, and each kind of row change marks the summaries it reaches."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from caseapp.models import (
    OPEN_STAGES,
    Base,
    Case,
    ClinicalFact,
    EligibilityReview,
    FollowupContact,
    GateSummary,
    InterpreterBooking,
    LodgingBooking,
    Milestone,
    VisaApplication,
)
from caseapp.models.gate_summary import UNRELATED
from caseapp.services import cases, patients
from caseapp.services.context import ServiceContext
from caseapp.services.deadlines import deadlines
from caseapp.services.gates import gate_blockers, heads
from tests.conftest import Clock
from tests.services import pipeline_steps as steps


def recomputed(ctx: ServiceContext) -> dict[str, tuple[Any, ...]]:
    """Every case's gate and next deadline evaluated from scratch, as the list must show them."""
    today = ctx.today()
    with ctx.read() as s:
        rows = s.execute(select(Case.id, Case.ref, Case.stage)).all()
        ids = [r.id for r in rows if r.stage in OPEN_STAGES]
        found = gate_blockers(s, heads(s, ids), today)
        due = deadlines(s, ids, today)
    out = {}
    for r in rows:
        bl = found.get(r.id, [])
        first = due[r.id][0] if due.get(r.id) else None
        out[r.ref] = (
            sum(b.blocks for b in bl),
            sum(not b.blocks for b in bl),
            tuple(b.message for b in bl if b.blocks)[:3],
            first.due if first else None,
            first.what if first else "",
            bool(first and first.overdue(today)),
        )
    return out


def listed(ctx: ServiceContext) -> dict[str, tuple[Any, ...]]:
    return {
        r.ref: (
            r.blockers,
            r.warnings,
            r.first_blockers,
            r.next_deadline,
            r.next_deadline_what,
            r.overdue,
        )
        for r in cases.list_cases(ctx)
    }


def stored_days(ctx: ServiceContext) -> dict[int, Any]:
    with ctx.read() as s:
        return dict(s.execute(select(GateSummary.case_id, GateSummary.computed_on)).all())


def test_list_equals_full_recomputation_on_demo_data(manager_ctx: ServiceContext) -> None:
    first = listed(manager_ctx)  # computes and stores every open case
    assert first == recomputed(manager_ctx)
    assert listed(manager_ctx) == first  # read back from the table
    assert any(v[0] for v in first.values()) and any(v[3] for v in first.values())


def test_summaries_expire_on_their_day(manager_ctx: ServiceContext, clock: Clock) -> None:
    start = clock.now
    listed(manager_ctx)
    seen = set()
    recomputed_some = kept_some = False
    for days in range(1, 200, 4):
        before = stored_days(manager_ctx)
        clock.now = start + timedelta(days=days)
        shown = listed(manager_ctx)
        assert shown == recomputed(manager_ctx), f"day +{days}"
        after = stored_days(manager_ctx)
        recomputed_some |= any(after[c] != before.get(c) for c in after)
        kept_some |= any(after[c] == before.get(c) for c in after)
        seen.add(tuple(sorted(shown.items())))
    assert recomputed_some and kept_some  # some rows expired, others were read as stored
    assert len(seen) > 5  # the days did change what the list shows


def test_every_service_change_shows_at_once(facilitator_ctx: ServiceContext) -> None:
    """Walk a new case through the pipeline, loading the list before and after each step."""
    ctx = facilitator_ctx
    ref = steps.new_case(ctx, companions=1)

    def check() -> None:
        assert listed(ctx)[ref] == recomputed(ctx)[ref]

    def newest_companion() -> int:
        return max(c.id for c in cases.case_detail(ctx, ref).patient.companions)

    check()
    history: list[tuple[Any, ...]] = []
    for step in (
        lambda: steps.complete_records(ctx, ref),
        lambda: cases.advance(ctx, ref),
        lambda: steps.complete_eligibility(ctx, ref),
        lambda: cases.advance(ctx, ref),
        lambda: steps.complete_visa(ctx, ref),
        lambda: cases.advance(ctx, ref),
        lambda: steps.complete_lodging(ctx, ref),
        lambda: patients.add_companion(ctx, ref, patients.CompanionInput("Late Friend", "friend")),
        lambda: patients.remove_companion(ctx, ref, newest_companion()),
        lambda: cases.advance(ctx, ref),
        lambda: steps.complete_interpreters(ctx, ref),
        lambda: cases.advance(ctx, ref),
        lambda: steps.complete_treatment(ctx, ref, ctx.today()),
        lambda: cases.advance(ctx, ref),
        lambda: steps.complete_followup(ctx, ref),
        lambda: cases.decline(ctx, ref, "Moved to the local clinic."),
    ):
        listed(ctx)  # stored before the change: a missed mark would show the old row
        step()
        check()
        history.append(listed(ctx)[ref])
    assert len(set(history)) > 4


def _owning_cases(s: Session, obj: Any) -> set[int]:
    """The cases a row belongs to, found here the long way round."""
    name = type(obj).__name__
    all_cases = set(s.scalars(select(Case.id)))
    if name == "Case":
        return {obj.id}
    if hasattr(obj, "case_id"):
        return {obj.case_id}
    if name == "Patient":
        return set(s.scalars(select(Case.id).where(Case.patient_id == obj.id)))
    if name in ("Companion", "LocalPhysician"):
        return set(s.scalars(select(Case.id).where(Case.patient_id == obj.patient_id)))
    if name == "LodgingOccupant":
        return {s.get(LodgingBooking, obj.booking_id).case_id}  # type: ignore[union-attr]
    if name == "ReviewCriterionResult":
        return {s.get(EligibilityReview, obj.review_id).case_id}  # type: ignore[union-attr]
    if name == "VisaEvent":
        return {s.get(VisaApplication, obj.application_id).case_id}  # type: ignore[union-attr]
    if name in ("Program", "Criterion", "RecordRequirement"):
        program = obj.id if name == "Program" else obj.program_id
        return set(s.scalars(select(Case.id).where(Case.program_id == program)))
    if name == "Interpreter":
        q = select(InterpreterBooking.case_id).where(InterpreterBooking.interpreter_id == obj.id)
        return set(s.scalars(q))
    return all_cases  # anything else the hook does not know marks every case


MODELS = sorted(
    (m.class_ for m in Base.registry.mappers if m.class_ not in UNRELATED),
    key=lambda c: c.__name__,
)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_each_kind_of_row_change_marks_its_cases(manager_ctx: ServiceContext, model: Any) -> None:
    listed(manager_ctx)
    with manager_ctx.session_factory() as s:
        objs = s.scalars(select(model).limit(3)).all()
        if not objs:
            pytest.skip(f"the demo has no {model.__name__} rows")
        for obj in objs:
            flag_modified(obj, next(a.key for a in inspect(model).column_attrs if a.key != "id"))
        expected = set().union(*(_owning_cases(s, o) for o in objs))
        s.commit()
    marked = {c for c, day in stored_days(manager_ctx).items() if day is None}
    assert expected <= marked
    if model.__name__ not in ("VisaType",):
        assert marked != set(stored_days(manager_ctx))  # not simply everything


def test_new_and_deleted_rows_mark_their_case(manager_ctx: ServiceContext, clock: Clock) -> None:
    listed(manager_ctx)
    with manager_ctx.session_factory() as s:
        contact = s.scalars(select(FollowupContact).limit(1)).one()
        gone = contact.case_id
        s.delete(contact)
        s.commit()
    assert stored_days(manager_ctx)[gone] is None
    listed(manager_ctx)
    assert stored_days(manager_ctx)[gone] is not None
    with manager_ctx.session_factory() as s:
        case_id = s.scalars(select(Case.id).where(Case.stage == "treatment").limit(1)).one()
        s.add(ClinicalFact(case_id=case_id, key="test_note", value="x", recorded_at=clock.now))
        s.flush()
        s.commit()
    assert stored_days(manager_ctx)[case_id] is None


def test_bulk_update_marks_every_case(manager_ctx: ServiceContext) -> None:
    listed(manager_ctx)
    with manager_ctx.session_factory() as s:
        s.execute(update(Milestone).values(done_on=None))
        s.commit()
    assert set(stored_days(manager_ctx).values()) == {None}
    assert listed(manager_ctx) == recomputed(manager_ctx)


def test_a_change_committed_while_the_list_computes_is_not_overwritten(
    manager_ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list read the old rows; a save commits before it stores: the store must not win."""
    from caseapp.services import gate_summary

    with manager_ctx.read() as s:
        target = s.scalars(select(Case.id).where(Case.stage == "records").limit(1)).one()
    real = gate_summary.compute

    def compute_then_someone_saves(session: Session, ids: Any, today: Any) -> Any:
        out = real(session, ids, today)
        with manager_ctx.session_factory() as other:
            case = other.get(Case, target)
            assert case is not None
            case.notes = "changed meanwhile"
            other.commit()
        return out

    monkeypatch.setattr(gate_summary, "compute", compute_then_someone_saves)
    listed(manager_ctx)
    monkeypatch.undo()
    assert stored_days(manager_ctx)[target] is None  # kept marked: computed again next load
