"""Service-level steps that satisfy each stage gate, so tests can build a case at any stage."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from caseapp.services import (
    cases,
    discharge,
    eligibility,
    followup,
    interpreters,
    lodging,
    records,
    treatment,
    visa,
)
from caseapp.services.context import ServiceContext
from caseapp.services.demo import DEMO_PASSWORD
from caseapp.services.interpreters import CHINA_TZ
from caseapp.services.patients import CompanionInput, PatientInput, PhysicianInput

TODAY = date(2026, 11, 26)
ARRIVAL = TODAY + timedelta(days=40)
DEPARTURE = ARRIVAL + timedelta(days=70)

# Facts that meet every SH-CD33-01 criterion (see resources/reference/programs.toml).
GOOD_FACTS = {
    "disease_status": "relapsed", "apl": "no", "cd33_pct": "82", "marrow_blast_pct": "35",
    "ecog": "1", "prior_lines": "2", "creatinine_mg_dl": "0.9", "bilirubin_uln": "0.8",
    "alt_uln": "1.1", "ast_uln": "1.0", "lvef_pct": "60", "spo2_pct": "97",
    "weeks_since_last_therapy": "6", "allo_transplant": "no", "active_gvhd": "no",
    "cns_active": "no", "uncontrolled_infection": "no", "hiv": "no", "hbv_active": "no",
    "hcv_active": "no", "pregnant": "no", "prior_car_t": "no", "hemoglobin_g_l": "95",
    "kps": "80", "creatinine_clearance_ml_min": "90", "months_since_allo_transplant": "",
}  # fmt: skip


def new_case(ctx: ServiceContext, *, companions: int = 1, program: str = "SH-CD33-01") -> str:
    patient = PatientInput(
        full_name="Aigerim Nurlanovna", sex="F", date_of_birth=date(1980, 3, 14),
        nationality="Kazakhstan", passport_number="N12345678",
        passport_expiry=date(2030, 1, 31), languages=("Kazakh", "Russian"),
        phone="+7 727 555 0101", email="aigerim@mail.example", home_city="Almaty",
    )  # fmt: skip
    comps = tuple(
        CompanionInput(full_name=f"Companion {i}", relation="spouse" if i == 0 else "son")
        for i in range(companions)
    )
    return cases.open_case(
        ctx,
        cases.NewCase(
            patient=patient, program_code=program, owner_login="fatima",
            planned_arrival=ARRIVAL, planned_departure=DEPARTURE, companions=comps,
            physician=PhysicianInput("Dr. Gulmira Bekova", "Almaty Haematology Centre"),
            home_currency="KZT", cny_per_home_unit="0.0139",
        ),
    )  # fmt: skip


def complete_records(ctx: ServiceContext, ref: str) -> None:
    for state in records.record_states(ctx, ref):
        if state.max_age_days is None:
            records.receive_record(ctx, ref, state.code, received_on=TODAY, document_date=None)
        else:
            records.receive_record(
                ctx, ref, state.code, received_on=TODAY, document_date=TODAY - timedelta(days=2)
            )


def complete_eligibility(ctx: ServiceContext, ref: str) -> None:
    eligibility.set_facts(ctx, ref, GOOD_FACTS)
    eligibility.sign_review(ctx, ref, "eligible", password=DEMO_PASSWORD)


def approved_visa(**changes: object) -> visa.VisaState:
    base = visa.VisaState(
        visa_type="S2", status="approved", invitation_letter_on=TODAY - timedelta(days=10),
        submitted_on=TODAY - timedelta(days=8), decided_on=TODAY - timedelta(days=1),
        entry_from=ARRIVAL - timedelta(days=30), entry_until=ARRIVAL + timedelta(days=30),
        allowed_stay_days=90, entries="single",
    )  # fmt: skip
    from dataclasses import replace

    return replace(base, **changes)  # type: ignore[arg-type]


def save_visa(ctx: ServiceContext, ref: str, state: visa.VisaState) -> visa.VisaState:
    """Save as a form would: carrying the version of what is saved now (0 when nothing is)."""
    from dataclasses import replace

    current = cases.case_detail(ctx, ref).visa
    return visa.save_visa(ctx, ref, replace(state, version=current.version if current else 0))


def complete_visa(ctx: ServiceContext, ref: str) -> None:
    save_visa(ctx, ref, approved_visa())


def everyone(ctx: ServiceContext, ref: str) -> tuple[int, ...]:
    detail = cases.case_detail(ctx, ref)
    return (lodging.PATIENT, *(c.id for c in detail.patient.companions))


def booking(
    ctx: ServiceContext,
    ref: str,
    check_in: date,
    check_out: date,
    occupants: tuple[int, ...] | None = None,
) -> lodging.BookingInput:
    return lodging.BookingInput(
        property_name="Fenglin Garden Serviced Apartments", address_en="210 Fenglin Road, Shanghai",
        check_in=check_in, check_out=check_out,
        occupants=occupants if occupants is not None else everyone(ctx, ref),
        property_name_zh="枫林花园服务式公寓", address_zh="上海市徐汇区枫林路210号",
        nightly_cost="420",
    )  # fmt: skip


def complete_lodging(ctx: ServiceContext, ref: str) -> None:
    middle = ARRIVAL + timedelta(days=30)
    lodging.save_booking(ctx, ref, booking(ctx, ref, ARRIVAL, middle))
    lodging.save_booking(ctx, ref, booking(ctx, ref, middle, DEPARTURE))


def china(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), CHINA_TZ)


def complete_interpreters(ctx: ServiceContext, ref: str) -> None:
    for title, day, hour in (
        ("Consultation", ARRIVAL + timedelta(days=1), 9),
        ("Apheresis", ARRIVAL + timedelta(days=5), 8),
    ):
        start, end = china(day, hour), china(day, hour + 2)
        best = interpreters.suggest_interpreters(ctx, ref, start, end)[0]
        interpreters.save_appointment(
            ctx, ref, interpreters.AppointmentInput(title, start, end, place="Clinic 3",
                                                    interpreter_id=best.interpreter.id),
        )  # fmt: skip


def complete_treatment(ctx: ServiceContext, ref: str, infusion: date) -> None:
    treatment.record_milestone(ctx, ref, "infusion", planned_on=infusion, done_on=infusion)
    out = min(infusion + timedelta(days=28), ctx.today())
    treatment.record_milestone(ctx, ref, "discharge", planned_on=out, done_on=out)
    discharge_medicines(ctx, ref)
    discharge.record_counts(ctx, ref, "discharge", out, "1.4", "96", "104")
    followup.create_plan(ctx, ref)
    treatment.record_document(ctx, ref, treatment.HANDOFF_LETTER, b"%PDF-1.4 handoff letter")


ACICLOVIR = discharge.MedicationInput(
    "Aciclovir", "400 mg", "twice a day", "day +365", "Herpes virus prophylaxis"
)
COTRIMOXAZOLE = discharge.MedicationInput(
    "Co-trimoxazole", "960 mg", "Monday, Wednesday and Friday", "day +180",
    "Pneumocystis prophylaxis",
)  # fmt: skip


def discharge_medicines(ctx: ServiceContext, ref: str) -> None:
    for med in (ACICLOVIR, COTRIMOXAZOLE):
        discharge.save_medication(ctx, ref, med)


def complete_followup(ctx: ServiceContext, ref: str) -> None:
    for c in followup.contacts(ctx, ref):
        if c.due_on <= ctx.today():
            followup.record_contact(ctx, ref, c.id, done_on=c.due_on, response="CR", mrd="negative")
        else:
            followup.record_contact(ctx, ref, c.id, missed=True, note="Moved to the local clinic.")


def to_stage(ctx: ServiceContext, ref: str, stage: str) -> None:
    """Complete and advance each stage before `stage` (up to treatment)."""
    order = [
        ("records", complete_records),
        ("eligibility", complete_eligibility),
        ("visa", complete_visa),
        ("lodging", complete_lodging),
        ("interpreters", complete_interpreters),
    ]
    for name, complete in order:
        if name == stage:
            return
        complete(ctx, ref)
        cases.advance(ctx, ref)
