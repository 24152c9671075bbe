"""Every gate blocks with an actionable sentence, and a complete case goes through to closed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caseapp.services import cases, eligibility, lodging, records, visa
from caseapp.services.context import ServiceContext
from caseapp.services.demo import DEMO_PASSWORD
from caseapp.services.errors import Blocked, PermissionDenied, ValidationError
from caseapp.services.staff import actor_for
from tests.conftest import Clock
from tests.services import pipeline_steps as steps
from tests.services.pipeline_steps import to_stage


@pytest.fixture
def fac(demo_db: ServiceContext) -> ServiceContext:
    return demo_db.as_actor(actor_for(demo_db, "fatima"))


def blockers_of(ctx: ServiceContext, ref: str) -> list[str]:
    with pytest.raises(Blocked) as exc:
        cases.advance(ctx, ref)
    return [b.message for b in exc.value.blockers]


def test_complete_case_goes_through_every_stage(fac: ServiceContext, clock: Clock) -> None:
    ref = steps.new_case(fac)
    steps.complete_records(fac, ref)
    assert cases.advance(fac, ref) == "eligibility"
    steps.complete_eligibility(fac, ref)
    assert cases.advance(fac, ref) == "visa"
    steps.complete_visa(fac, ref)
    assert cases.advance(fac, ref) == "lodging"
    steps.complete_lodging(fac, ref)
    assert cases.advance(fac, ref) == "interpreters"
    steps.complete_interpreters(fac, ref)
    assert cases.advance(fac, ref) == "treatment"
    clock.now += timedelta(days=90)  # the patient is in China and treated
    steps.complete_treatment(fac, ref, steps.ARRIVAL + timedelta(days=15))
    assert cases.advance(fac, ref) == "followup"
    clock.now += timedelta(days=400)
    steps.complete_followup(fac, ref)
    assert cases.advance(fac, ref) == "closed"
    detail = cases.case_detail(fac, ref)
    assert [h.stage for h in detail.history] == list(cases.STAGES)
    assert all(h.left_at is not None for h in detail.history[:-1])
    assert detail.history[-1].left_at is None
    with pytest.raises(ValidationError, match="is closed, so it is read-only"):
        cases.advance(fac, ref)


def test_records_gate_names_missing_and_too_old_documents(fac: ServiceContext) -> None:
    ref = steps.new_case(fac)
    messages = blockers_of(fac, ref)
    required = [s for s in records.record_states(fac, ref) if s.required]
    assert len(messages) == len(required)
    assert all("has not been received" in m for m in messages)
    steps.complete_records(fac, ref)
    old = steps.TODAY - timedelta(days=40)
    records.receive_record(fac, ref, "blood_counts", received_on=steps.TODAY, document_date=old)
    [message] = blockers_of(fac, ref)
    assert "Complete blood count" in message and "40 days old" in message
    assert "at most 14 days" in message
    records.waive_record(fac, ref, "blood_counts", "Hospital repeats the CBC on admission.")
    assert cases.advance(fac, ref) == "eligibility"


def test_records_dated_document_needs_its_date(fac: ServiceContext) -> None:
    ref = steps.new_case(fac)
    with pytest.raises(ValidationError) as exc:
        records.receive_record(fac, ref, "blood_counts", received_on=steps.TODAY,
                               document_date=None)  # fmt: skip
    assert exc.value.field == "document_date"
    with pytest.raises(ValidationError, match="reason"):
        records.waive_record(fac, ref, "imaging", "  ")


def test_eligibility_gate(fac: ServiceContext) -> None:
    ref = steps.new_case(fac)
    steps.complete_records(fac, ref)
    cases.advance(fac, ref)
    assert blockers_of(fac, ref) == ["No eligibility review has been signed yet."]
    facts = dict(steps.GOOD_FACTS, cd33_pct="30")
    eligibility.set_facts(fac, ref, facts)
    with pytest.raises(ValidationError, match="CD33"):
        eligibility.sign_review(fac, ref, "eligible", password=DEMO_PASSWORD)
    eligibility.set_facts(fac, ref, dict(steps.GOOD_FACTS, lvef_pct=""))
    # unknown is allowed to sign, not to pass
    eligibility.sign_review(fac, ref, "eligible", password=DEMO_PASSWORD)
    [message] = blockers_of(fac, ref)
    assert "unknown" in message and "ejection fraction" in message
    steps.complete_eligibility(fac, ref)
    assert cases.advance(fac, ref) == "visa"


def test_not_eligible_review_blocks_and_decline_takes_a_reason(fac: ServiceContext) -> None:
    ref = steps.new_case(fac)
    steps.complete_records(fac, ref)
    cases.advance(fac, ref)
    eligibility.set_facts(fac, ref, dict(steps.GOOD_FACTS, cns_active="yes"))
    eligibility.sign_review(
        fac, ref, "not eligible", notes="Active CNS disease.", password=DEMO_PASSWORD
    )
    assert "not eligible" in blockers_of(fac, ref)[0]
    with pytest.raises(ValidationError, match="reason"):
        cases.decline(fac, ref, "")
    assert cases.decline(fac, ref, "Active CNS leukaemia.") == "declined"
    detail = cases.case_detail(fac, ref)
    assert detail.stage == "declined" and detail.exit_reason == "Active CNS leukaemia."


def test_visa_gate(fac: ServiceContext) -> None:
    ref = steps.new_case(fac)
    to_stage(fac, ref, "visa")
    assert blockers_of(fac, ref) == ["No visa application is recorded."]
    steps.save_visa(fac, ref, steps.approved_visa(status="submitted", decided_on=None,
                                                 invitation_letter_on=None))  # fmt: skip
    messages = blockers_of(fac, ref)
    assert "The hospital's invitation letter is not recorded." in messages
    assert "The visa is submitted, not approved." in messages
    late = steps.ARRIVAL - timedelta(days=5)
    steps.save_visa(fac, ref, steps.approved_visa(entry_until=late))
    [message] = blockers_of(fac, ref)
    assert "outside the visa's entry window" in message
    # A stay longer than the visa allows is a warning (extension in China), not a blocker.
    steps.save_visa(fac, ref, steps.approved_visa(allowed_stay_days=30))
    detail = cases.case_detail(fac, ref)
    warnings = [b.message for b in detail.blockers if not b.blocks]
    assert any("exceeds the 30 days" in w for w in warnings)
    assert "Companion 0's passport expiry is not recorded." in warnings
    assert cases.advance(fac, ref) == "lodging"


def test_passport_must_outlast_return_by_six_months(fac: ServiceContext) -> None:
    blocker = visa.passport_blocker(
        steps.DEPARTURE + timedelta(days=100), steps.DEPARTURE, "The patient's"
    )
    assert blocker is not None and "6 months after the planned return" in blocker.message
    assert visa.passport_blocker(visa.add_months(steps.DEPARTURE, 6), steps.DEPARTURE, "x") is None


def test_lodging_gate_finds_gaps_overlaps_and_missing_companions(fac: ServiceContext) -> None:
    ref = steps.new_case(fac, companions=1)
    to_stage(fac, ref, "lodging")
    assert len(blockers_of(fac, ref)) == 2  # patient and companion have no lodging
    mid = steps.ARRIVAL + timedelta(days=30)
    lodging.save_booking(fac, ref, steps.booking(fac, ref, steps.ARRIVAL, mid))
    lodging.save_booking(
        fac, ref, steps.booking(fac, ref, mid + timedelta(days=2), steps.DEPARTURE)
    )
    messages = blockers_of(fac, ref)
    assert len(messages) == 2
    first_gap = mid.isoformat()
    assert all(first_gap in m and "No lodging" in m for m in messages)
    lodging.save_booking(
        fac, ref, steps.booking(fac, ref, mid - timedelta(days=1), mid + timedelta(days=2))
    )
    messages = blockers_of(fac, ref)
    assert all("booked twice" in m for m in messages) and len(messages) == 2


def test_lodging_rejects_bad_dates(fac: ServiceContext) -> None:
    ref = steps.new_case(fac)
    with pytest.raises(ValidationError) as exc:
        lodging.save_booking(fac, ref, steps.booking(fac, ref, steps.ARRIVAL, steps.ARRIVAL))
    assert exc.value.field == "check_out"
    assert lodging.bookings(fac, ref) == []


def test_interpreters_gate(fac: ServiceContext) -> None:
    from caseapp.services import interpreters

    ref = steps.new_case(fac)
    to_stage(fac, ref, "interpreters")
    assert blockers_of(fac, ref) == ["No appointments are scheduled yet."]
    start = steps.china(steps.ARRIVAL + timedelta(days=1), 9)
    interpreters.save_appointment(
        fac, ref, interpreters.AppointmentInput("Consultation", start, start + timedelta(hours=2))
    )
    [message] = blockers_of(fac, ref)
    assert "No interpreter is booked for 'Consultation'" in message
    steps.complete_interpreters(fac, ref)
    appts = interpreters.appointments(fac, ref)
    interpreters.remove_appointment(fac, ref, appts[0].id)
    assert cases.advance(fac, ref) == "treatment"


def test_treatment_and_followup_gates(fac: ServiceContext, clock: Clock) -> None:
    from caseapp.services import followup, treatment

    ref = steps.new_case(fac)
    to_stage(fac, ref, "treatment")
    assert blockers_of(fac, ref) == [
        "The CAR-T infusion (day 0) is not recorded as done.",
        "The discharge from hospital is not recorded.",
        "No follow-up plan exists; create it from the infusion date.",
        "The local-physician handoff letter has not been generated.",
        "No discharge medications are recorded; enter them from the hospital's discharge "
        "summary (Treatment tab).",
    ]
    clock.now += timedelta(days=90)
    steps.complete_treatment(fac, ref, steps.ARRIVAL + timedelta(days=15))
    cases.advance(fac, ref)
    clock.now += timedelta(days=100)
    messages = blockers_of(fac, ref)
    assert len(messages) == 5 and "day +28" in messages[0]
    first = followup.contacts(fac, ref)[0]
    with pytest.raises(ValidationError, match="why"):
        followup.record_contact(fac, ref, first.id, missed=True)
    assert treatment.day_label(steps.ARRIVAL + timedelta(days=10),
                               steps.ARRIVAL + timedelta(days=15)) == "D-5"  # fmt: skip


def test_coordinator_may_not_advance_or_sign(coordinator_ctx: ServiceContext) -> None:
    ref = cases.list_cases(coordinator_ctx, stage="records")[0].ref
    with pytest.raises(PermissionDenied, match="may not advance cases"):
        cases.advance(coordinator_ctx, ref)
    with pytest.raises(PermissionDenied, match="sign eligibility"):
        eligibility.sign_review(coordinator_ctx, ref, "eligible", password=DEMO_PASSWORD)


def test_blocked_advance_changes_nothing(fac: ServiceContext) -> None:
    ref = steps.new_case(fac)
    before = cases.case_detail(fac, ref)
    with pytest.raises(Blocked):
        cases.advance(fac, ref)
    after = cases.case_detail(fac, ref)
    assert (after.stage, after.version, len(after.history)) == (
        before.stage, before.version, len(before.history))  # fmt: skip


def test_treatment_needs_the_infusion_done(fac: ServiceContext, clock: Clock) -> None:
    from caseapp.services import followup, treatment

    ref = steps.new_case(fac)
    to_stage(fac, ref, "treatment")
    clock.now += timedelta(days=90)
    infusion = steps.ARRIVAL + timedelta(days=15)
    treatment.record_milestone(fac, ref, "infusion", planned_on=infusion)  # planned, not done
    treatment.record_milestone(fac, ref, "discharge", done_on=infusion + timedelta(days=20))
    followup.create_plan(fac, ref)
    treatment.record_document(fac, ref, treatment.HANDOFF_LETTER, b"%PDF-1.4 letter")
    steps.discharge_medicines(fac, ref)
    assert blockers_of(fac, ref) == ["The CAR-T infusion (day 0) is not recorded as done."]


def test_visa_stay_warning_stays_in_view_after_the_visa_stage(fac: ServiceContext) -> None:
    ref = steps.new_case(fac)
    to_stage(fac, ref, "visa")
    steps.save_visa(fac, ref, steps.approved_visa(allowed_stay_days=30))
    assert cases.advance(fac, ref) == "lodging"
    warnings = [b.message for b in cases.case_detail(fac, ref).blockers if not b.blocks]
    assert any("exceeds the 30 days" in w for w in warnings)


def test_companion_passport_follows_the_six_month_rule(fac: ServiceContext) -> None:
    from caseapp.services import patients

    ref = steps.new_case(fac, companions=0)
    to_stage(fac, ref, "visa")
    steps.complete_visa(fac, ref)
    short = steps.DEPARTURE + timedelta(days=30)
    patients.add_companion(
        fac, ref, patients.CompanionInput("Daulet Nurlanov", "spouse", "M", None, "N7654321", short)
    )
    [message] = blockers_of(fac, ref)
    assert message.startswith("Daulet Nurlanov's passport expires") and "Renew it" in message
