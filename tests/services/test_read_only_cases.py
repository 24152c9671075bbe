"""Closed, declined and withdrawn cases are read-only; a manager reopens one with a reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from caseapp.models import AuditEntry
from caseapp.services import (
    cases,
    discharge,
    documents,
    eligibility,
    followup,
    interpreters,
    lodging,
    patients,
    records,
    toxicities,
    treatment,
    visa,
)
from caseapp.services.context import ServiceContext
from caseapp.services.demo import DEMO_PASSWORD
from caseapp.services.errors import PermissionDenied, ValidationError
from caseapp.services.interpreters import CHINA_TZ
from caseapp.services.read_only import CaseReadOnly
from caseapp.services.reopen import reopen
from tests.services import pipeline_steps as steps

Call = Callable[[], object]


def _calls(ctx: ServiceContext, ref: str) -> dict[str, Call]:
    """Every mutating service command, with input that an open case would accept."""
    d = cases.case_detail(ctx, ref)
    p = d.patient
    day = date(2026, 11, 20)
    start = datetime(2026, 11, 27, 9, 0, tzinfo=CHINA_TZ)
    stay = lodging.BookingInput("Flat", "1 Road", day, day + timedelta(days=5), (lodging.PATIENT,))
    appointment = interpreters.AppointmentInput("Consultation", start, start + timedelta(hours=1))
    person = patients.PatientInput(
        full_name=p.full_name, sex=p.sex, date_of_birth=p.date_of_birth,
        nationality=p.nationality, passport_number=p.passport_number,
        passport_expiry=p.passport_expiry, languages=tuple(p.languages), home_city="Elsewhere",
    )  # fmt: skip
    plan = cases.PlanInput(
        d.planned_arrival, d.planned_departure, d.program.code, d.home_currency,
        str(d.cny_per_home_unit), d.payer, "new note",
    )  # fmt: skip
    code = d.records[0].code
    calls: dict[str, Call] = {
        "receive record": lambda: records.receive_record(
            ctx, ref, code, received_on=day, document_date=None
        ),
        "waive record": lambda: records.waive_record(ctx, ref, code, "not needed"),
        "clear record": lambda: records.clear_record(ctx, ref, code),
        "set facts": lambda: eligibility.set_facts(ctx, ref, {"ecog": "1"}),
        "sign": lambda: eligibility.sign_review(
            ctx, ref, "not eligible", "why", password=DEMO_PASSWORD
        ),
        "save visa": lambda: visa.save_visa(ctx, ref, steps.approved_visa()),
        "add booking": lambda: lodging.save_booking(ctx, ref, stay),
        "add appointment": lambda: interpreters.save_appointment(ctx, ref, appointment),
        "milestone": lambda: treatment.record_milestone(ctx, ref, "admission", planned_on=day),
        "add toxicity": lambda: toxicities.add_toxicity(ctx, ref, "infection", 1, day),
        "add cost": lambda: treatment.save_cost(ctx, ref, treatment.COST_CATEGORIES[0], "10"),
        "keep document": lambda: treatment.record_document(ctx, ref, "packet", b"%PDF-1.4"),
        "follow-up plan": lambda: followup.create_plan(ctx, ref, [30]),
        "patient": lambda: patients.update_patient(ctx, ref, person, p.version),
        "add companion": lambda: patients.add_companion(
            ctx, ref, patients.CompanionInput("New Companion", "friend")
        ),
        "physician": lambda: patients.set_physician(
            ctx, ref, patients.PhysicianInput("Dr. New", "Clinic")
        ),
        "plan": lambda: cases.update_plan(ctx, ref, plan, d.version),
        "reassign": lambda: cases.reassign(ctx, ref, "helen"),
        "decline": lambda: cases.decline(ctx, ref, "again"),
        "add medicine": lambda: discharge.save_medication(
            ctx, ref, discharge.MedicationInput("Aciclovir", "400 mg", "daily", "day +365", "HSV")
        ),
        "counts": lambda: discharge.record_counts(
            ctx, ref, discharge.COUNT_MOMENTS[0], day, "1.5", "150", "100"
        ),
    }
    for t in d.toxicities[:1]:
        calls["resolve toxicity"] = lambda t=t: toxicities.resolve_toxicity(ctx, ref, t.id, None)
        calls["remove toxicity"] = lambda t=t: toxicities.remove_toxicity(ctx, ref, t.id, "no")
    for m in d.discharge_medications[:1]:
        calls["remove medicine"] = lambda m=m: discharge.remove_medication(ctx, ref, m.id)
    for b in d.lodging[:1]:
        calls["remove booking"] = lambda b=b: lodging.remove_booking(ctx, ref, b.id)
        calls["change booking"] = lambda b=b: lodging.save_booking(ctx, ref, stay, b.id, b.version)
    for a in d.interpreter_bookings[:1]:
        calls["remove appointment"] = lambda a=a: interpreters.remove_appointment(ctx, ref, a.id)
    for c in d.costs[:1]:
        calls["remove cost"] = lambda c=c: treatment.remove_cost(ctx, ref, c.id)
    for f in d.followups[:1]:
        calls["mark missed"] = lambda f=f: followup.record_contact(
            ctx, ref, f.id, missed=True, note="no answer"
        )
    for comp in p.companions[:1]:
        calls["remove companion"] = lambda comp=comp: patients.remove_companion(ctx, ref, comp.id)
    return calls


def _audit_count(ctx: ServiceContext) -> int:
    with ctx.read() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0)


@pytest.mark.parametrize("stage", ["closed", "declined", "withdrawn"])
def test_every_mutating_command_refuses_a_read_only_case(
    manager_ctx: ServiceContext, stage: str
) -> None:
    ref = next(r.ref for r in cases.list_cases(manager_ctx, stage=stage))
    before = cases.case_detail(manager_ctx, ref)
    entries = _audit_count(manager_ctx)
    calls = _calls(manager_ctx, ref)
    assert len(calls) >= 19
    for name, call in calls.items():
        with pytest.raises(CaseReadOnly) as exc:
            call()
        assert f"is {stage}, so it is read-only" in exc.value.message, name
        assert "A manager can reopen it with a reason." in exc.value.message, name
    assert cases.case_detail(manager_ctx, ref) == before
    assert _audit_count(manager_ctx) == entries


def test_packets_and_pdfs_of_a_closed_case_are_written_not_kept(
    manager_ctx: ServiceContext, tmp_path: object
) -> None:
    ref = next(r.ref for r in cases.list_cases(manager_ctx, stage="closed"))
    kept = len(cases.case_detail(manager_ctx, ref).documents)
    result = documents.write_packets(manager_ctx, [ref], tmp_path)  # type: ignore[arg-type]
    assert len(result.written) == 1 and result.failed == ()
    assert len(cases.case_detail(manager_ctx, ref).documents) == kept


def test_manager_reopens_to_the_stage_it_left_with_a_reason(
    manager_ctx: ServiceContext, facilitator_ctx: ServiceContext
) -> None:
    ref = steps.new_case(facilitator_ctx)
    steps.complete_records(facilitator_ctx, ref)
    cases.advance(facilitator_ctx, ref)
    cases.withdraw(facilitator_ctx, ref, "Family decided to stay home.")
    with pytest.raises(CaseReadOnly):
        eligibility.set_facts(facilitator_ctx, ref, {"ecog": "1"})
    with pytest.raises(PermissionDenied, match="may not reopen"):
        reopen(facilitator_ctx, ref, "They changed their mind.")
    with pytest.raises(ValidationError, match="reason"):
        reopen(manager_ctx, ref, "  ")

    assert reopen(manager_ctx, ref, "They changed their mind.") == "eligibility"
    d = cases.case_detail(manager_ctx, ref)
    assert d.stage == "eligibility" and d.exit_reason == ""
    assert [h.stage for h in d.history] == ["records", "eligibility", "withdrawn", "eligibility"]
    assert d.history[2].note == "Family decided to stay home."  # the exit stays as it was
    assert d.history[-1].note == "Reopened: They changed their mind."
    [entry] = [
        h
        for h in cases_history(manager_ctx, ref)
        if h.action == "stage" and h.changes.get("reopened_from")
    ]
    assert entry.actor_login == "helen" and entry.changes["stage"] == ["withdrawn", "eligibility"]
    eligibility.set_facts(facilitator_ctx, ref, {"ecog": "1"})  # editable again
    from caseapp.services.audit import verify_chain

    check = verify_chain(manager_ctx)  # the reopening is explained by the audit trail
    assert check.intact and check.problems == (), check.message
    with pytest.raises(ValidationError, match="not closed"):
        reopen(manager_ctx, ref, "twice")


def cases_history(ctx: ServiceContext, ref: str) -> list:  # type: ignore[type-arg]
    from caseapp.services.audit import case_history

    return case_history(ctx, ref)


def test_a_closed_case_reopens_to_follow_up(manager_ctx: ServiceContext) -> None:
    ref = next(r.ref for r in cases.list_cases(manager_ctx, stage="closed"))
    assert reopen(manager_ctx, ref, "A late relapse to follow.") == "followup"
    d = cases.case_detail(manager_ctx, ref)
    assert d.stage == "followup" and [h.stage for h in d.history][-2:] == ["closed", "followup"]
