"""The pipeline: open a case, list and show cases, and move them through the stage gates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseapp.models import EXITS as EXITS  # callers take the stage names from here
from caseapp.models import (
    OPEN_STAGES,
    STAGES,
    Case,
    CaseDocument,
    ClinicalFact,
    EligibilityReview,
    LocalPhysician,
    Patient,
    Program,
    StaffUser,
    StageHistory,
    VisaApplication,
)
from caseapp.services import (
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
from caseapp.services.deadlines import Deadline, deadlines
from caseapp.services.errors import Blocked, Blocker, StaleEdit, ValidationError
from caseapp.services.gates import gate_blockers, heads
from caseapp.services.locks import numbering_turn
from caseapp.services.lookup import get_case, get_program, get_staff
from caseapp.services.patients import (
    CompanionInput,
    PatientInfo,
    PatientInput,
    PhysicianInput,
    new_companion,
    patient_info,
    validate_patient,
    validate_physician,
)
from caseapp.services.pipeline_list import ALL_STAGES as ALL_STAGES  # the list lives there
from caseapp.services.pipeline_list import CaseRow as CaseRow
from caseapp.services.pipeline_list import list_cases as list_cases
from caseapp.services.read_only import ensure_open
from caseapp.services.stale import stale_message
from caseapp.services.validation import check_text, quoted


def next_stage(stage: str) -> str:
    if stage not in OPEN_STAGES:
        raise ValidationError(f"A case that is {stage} does not move on.", "stage")
    return STAGES[STAGES.index(stage) + 1]


# ---- opening a case -----------------------------------------------------------------------


@dataclass(frozen=True)
class NewCase:
    patient: PatientInput
    program_code: str
    owner_login: str
    planned_arrival: date | None = None
    planned_departure: date | None = None
    companions: tuple[CompanionInput, ...] = ()
    physician: PhysicianInput | None = None
    home_currency: str = "USD"
    cny_per_home_unit: str = "7.1"
    payer: str = "the patient (self-funded)"
    coordinator_login: str | None = None
    notes: str = ""


def _plan_dates(arrival: date | None, departure: date | None) -> None:
    if arrival and departure and departure <= arrival:
        raise ValidationError(
            "The planned departure must be after the planned arrival.", "planned_departure"
        )
    if arrival and departure and (departure - arrival).days > 365:
        raise ValidationError(
            "A planned stay longer than a year is not supported.", "planned_departure"
        )


def _rate(text: str) -> Decimal:
    try:
        rate = Decimal(str(text).strip())
    except InvalidOperation:
        raise ValidationError(
            f"The exchange rate must be a number, not {quoted(text)}.", "cny_per_home_unit"
        ) from None
    if not rate.is_finite() or not 0 < rate < 100_000_000:
        raise ValidationError(
            "The exchange rate must be above zero and below 100 million.", "cny_per_home_unit"
        )
    return rate


def next_ref(session: Session, year: int) -> str:
    prefix = f"CA-{year}-"
    numbering_turn(session)  # concurrent new cases get consecutive numbers, never the same
    # The longest ref first: "CA-2026-10000" must count as more than "CA-2026-9999".
    last = session.scalar(
        select(Case.ref)
        .where(Case.ref.like(prefix + "%"))
        .order_by(func.length(Case.ref).desc(), Case.ref.desc())
        .limit(1)
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def open_case(ctx: ServiceContext, new: NewCase) -> str:
    """Create the patient, companions and a case in the records stage; returns the case ref."""
    ctx.require("case.create")
    validate_patient(new.patient, ctx.today())
    _plan_dates(new.planned_arrival, new.planned_departure)
    if len(new.home_currency.strip()) != 3:
        raise ValidationError(
            "The home currency is a three-letter code such as KZT.", "home_currency"
        )
    rate = _rate(new.cny_per_home_unit)
    if new.physician is not None:
        validate_physician(new.physician)
    with ctx.unit_of_work() as uow:
        s = uow.session
        program = get_program(s, new.program_code)
        owner = get_staff(s, new.owner_login)
        if owner.role not in ("facilitator", "manager") or not owner.active:
            raise ValidationError(
                f"{owner.full_name} cannot own cases (only active facilitators and managers can).",
                "owner",
            )
        coordinator = get_staff(s, new.coordinator_login) if new.coordinator_login else None
        p = new.patient
        patient = Patient(
            full_name=p.full_name.strip(),
            sex=p.sex,
            date_of_birth=p.date_of_birth,
            nationality=p.nationality.strip(),
            passport_number=p.passport_number.strip().upper(),
            passport_expiry=p.passport_expiry,
            languages=list(p.languages),
            phone=p.phone.strip(),
            email=p.email.strip(),
            address=p.address.strip(),
            home_city=p.home_city.strip(),
            notes=p.notes.strip(),
        )
        patient.companions = [new_companion(c, ctx.today()) for c in new.companions]
        if new.physician is not None:
            patient.physician = LocalPhysician(**new.physician.__dict__)
        s.add(patient)
        now = uow.now
        case = Case(
            ref=next_ref(s, now.year),
            patient=patient,
            program=program,
            owner=owner,
            coordinator=coordinator,
            stage="records",
            stage_entered_at=now,
            planned_arrival=new.planned_arrival,
            planned_departure=new.planned_departure,
            home_currency=new.home_currency.strip().upper(),
            cny_per_home_unit=rate,
            payer=new.payer.strip() or "the patient (self-funded)",
            followup_plan_days=list(followup.DEFAULT_PLAN_DAYS),
            notes=new.notes.strip(),
            created_at=now,
        )
        case.history.append(StageHistory(stage="records", entered_at=now, actor_id=ctx.actor.id))
        s.add(case)
        s.flush()
        uow.case_id = case.id
        return case.ref


# ---- one case in full ---------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramInfo:
    code: str
    name: str
    phase: str
    targets: tuple[str, ...]
    hospital_en: str
    hospital_zh: str
    city_en: str
    city_zh: str
    address_en: str
    address_zh: str
    intl_dept_phone: str
    intl_dept_email: str
    intl_dept_contact: str
    estimated_cost_cny: Decimal
    ward_phone_24h: str = ""


@dataclass(frozen=True)
class StaffInfo:
    login: str
    full_name: str
    role: str
    email: str
    phone: str


@dataclass(frozen=True)
class StageStay:
    stage: str
    entered_at: datetime
    left_at: datetime | None
    days: int
    actor: str
    note: str


@dataclass(frozen=True)
class ReviewInfo:
    decision: str
    reviewer: str
    signed_at: datetime
    notes: str
    program_code: str
    results: tuple[eligibility.CriterionResult, ...]
    meaning: str = ""  # what the signer confirmed (empty on reviews signed before it was kept)


@dataclass(frozen=True)
class DocumentInfo:
    id: int
    kind: str
    created_at: datetime
    created_by: str
    size: int


@dataclass(frozen=True)
class CaseDetail:
    id: int
    ref: str
    stage: str
    stage_entered_at: datetime
    days_in_stage: int
    exit_reason: str
    owner: StaffInfo
    coordinator: StaffInfo | None
    program: ProgramInfo
    patient: PatientInfo
    planned_arrival: date | None
    planned_departure: date | None
    home_currency: str
    cny_per_home_unit: Decimal
    payer: str
    notes: str
    version: int
    blockers: tuple[Blocker, ...]
    history: tuple[StageStay, ...]
    records: tuple[records.RecordState, ...]
    facts: dict[str, str]
    criteria: tuple[eligibility.CriterionResult, ...]
    review: ReviewInfo | None
    visa: visa.VisaState | None
    lodging: tuple[lodging.BookingRow, ...]
    interpreter_bookings: tuple[interpreters.AppointmentRow, ...]
    milestones: tuple[treatment.MilestoneRow, ...]
    toxicities: tuple[treatment.ToxicityRow, ...]
    costs: tuple[treatment.CostRow, ...]
    followups: tuple[followup.ContactRow, ...]
    documents: tuple[DocumentInfo, ...]
    deadlines: tuple[Deadline, ...] = field(default=())
    discharge_medications: tuple[discharge.MedicationRow, ...] = field(default=())
    blood_counts: tuple[discharge.CountRow, ...] = field(default=())

    @property
    def blocking(self) -> list[Blocker]:
        return [b for b in self.blockers if b.blocks]


def _staff(u: StaffUser) -> StaffInfo:
    return StaffInfo(u.login, u.full_name, u.role, u.email, u.phone)


def _program(p: Program) -> ProgramInfo:
    return ProgramInfo(
        p.code,
        p.name,
        p.phase,
        tuple(p.targets),
        p.hospital_en,
        p.hospital_zh,
        p.city_en,
        p.city_zh,
        p.address_en,
        p.address_zh,
        p.intl_dept_phone,
        p.intl_dept_email,
        p.intl_dept_contact,
        p.estimated_cost_cny,
        p.ward_phone_24h,
    )


IN_CHINA_SOON = ("lodging", "interpreters", "treatment")


def case_blockers(session: Session, case: Case, today: date) -> list[Blocker]:
    """The gate of the case's stage; past the visa stage, the visa's warnings stay in view."""
    if case.stage not in OPEN_STAGES:
        return []
    found = gate_blockers(session, heads(session, [case.id]), today)[case.id]
    if case.stage in IN_CHINA_SOON:
        app = session.scalar(select(VisaApplication).where(VisaApplication.case_id == case.id))
        state = visa.to_state(app)
        found += [
            b
            for b in visa.visa_blockers(
                state, case.patient.passport_expiry, case.planned_arrival, case.planned_departure
            )
            if not b.blocks
        ]
    return found


def case_detail(ctx: ServiceContext, ref: str) -> CaseDetail:
    ctx.require("case.view")
    today = ctx.today()
    now = ctx.now()
    with ctx.read() as s:
        case = get_case(s, ref)
        logins = {r[0]: r[1] for r in s.execute(select(StaffUser.id, StaffUser.full_name))}
        history = tuple(
            StageStay(
                h.stage,
                h.entered_at,
                h.left_at,
                ((h.left_at or now) - h.entered_at).days,
                logins.get(h.actor_id or 0, "system"),
                h.note,
            )
            for h in case.history
        )
        facts = {
            f.key: f.value
            for f in s.scalars(select(ClinicalFact).where(ClinicalFact.case_id == case.id))
        }
        criteria = eligibility.evaluate(
            eligibility.criteria_specs(case), eligibility.facts_of(s, case, today)
        )
        review = _review(s, case.id, logins)
        app = s.scalar(select(VisaApplication).where(VisaApplication.case_id == case.id))
        appts = interpreters.appointment_rows(s, [case.id], {case.id: case.patient.languages})
        milestones = treatment.milestone_rows(s, case.id)
        day0 = next((m.done_on or m.planned_on for m in milestones if m.kind == "infusion"), None)
        docs = tuple(
            DocumentInfo(
                d.id, d.kind, d.created_at, logins.get(d.created_by or 0, "system"), d.size
            )
            for d in s.scalars(
                select(CaseDocument)
                .where(CaseDocument.case_id == case.id)
                .order_by(CaseDocument.id)
            )
        )
        return CaseDetail(
            id=case.id,
            ref=case.ref,
            stage=case.stage,
            stage_entered_at=case.stage_entered_at,
            days_in_stage=(now - case.stage_entered_at).days,
            exit_reason=case.exit_reason,
            owner=_staff(case.owner),
            coordinator=_staff(case.coordinator) if case.coordinator else None,
            program=_program(case.program),
            patient=patient_info(case.patient),
            planned_arrival=case.planned_arrival,
            planned_departure=case.planned_departure,
            home_currency=case.home_currency,
            cny_per_home_unit=case.cny_per_home_unit,
            payer=case.payer,
            notes=case.notes,
            version=case.version,
            blockers=tuple(case_blockers(s, case, today)),
            history=history,
            records=tuple(records.load_record_states(s, case, today)),
            facts=facts,
            criteria=tuple(criteria),
            review=review,
            visa=visa.to_state(app, {k: v for k, v in logins.items()}),
            lodging=tuple(lodging.booking_rows(s, case)),
            interpreter_bookings=tuple(appts.get(case.id, [])),
            milestones=tuple(milestones),
            toxicities=tuple(treatment.toxicity_rows(s, case.id, day0)),
            costs=tuple(treatment.cost_rows(s, case.id)) if ctx.actor.can("costs.view") else (),
            followups=tuple(followup.contact_rows(s, case.id)),
            documents=docs,
            deadlines=tuple(deadlines(s, [case.id], today).get(case.id, []))
            if case.stage in OPEN_STAGES
            else (),
            discharge_medications=tuple(discharge.medication_rows(s, case.id)),
            blood_counts=tuple(discharge.count_rows(s, case.id)),
        )


def _review(s: Session, case_id: int, names: dict[int, str]) -> ReviewInfo | None:
    r = s.scalar(
        select(EligibilityReview)
        .where(EligibilityReview.case_id == case_id)
        .order_by(EligibilityReview.id.desc())
        .limit(1)
    )
    if r is None:
        return None
    program = s.get(Program, r.program_id)
    fact_of = {c.code: c.fact for c in program.criteria} if program else {}
    return ReviewInfo(
        r.decision,
        names.get(r.reviewer_id, "?"),
        r.signed_at,
        r.notes,
        program.code if program else "",
        tuple(
            eligibility.CriterionResult(
                x.criterion_code,
                x.label,
                x.kind,
                x.required,
                x.fact_value,
                x.result,
                fact_of.get(x.criterion_code, ""),
            )
            for x in r.results
        ),
        r.meaning,
    )


# ---- moving a case ------------------------------------------------------------------------


def move(uow: Any, case: Case, to: str, note: str = "", **audit: Any) -> None:
    """Close the current stay, open one in `to` and audit it (`audit`: more for the entry)."""
    now = uow.now
    for h in case.history:
        if h.left_at is None:
            h.left_at = now
    case.history.append(
        StageHistory(stage=to, entered_at=now, actor_id=uow.ctx.actor.id, note=note)
    )
    uow.note("Case", case.id, "stage", stage=[case.stage, to], note=note, **audit)
    case.stage, case.stage_entered_at = to, now


def advance(ctx: ServiceContext, ref: str) -> str:
    """Move the case on if its gate holds; otherwise raise Blocked with every blocker."""
    ctx.require("case.advance")
    with ctx.unit_of_work() as uow:
        s = uow.session
        case = get_case(s, ref)
        uow.case_id = case.id
        to = next_stage(case.stage)
        blocking = [b for b in case_blockers(s, case, ctx.today()) if b.blocks]
        if blocking:
            raise Blocked(case.stage, blocking)
        move(uow, case, to)
        return to


def _exit(ctx: ServiceContext, ref: str, to: str, reason: str) -> str:
    ctx.require("case.close")
    if not reason.strip():
        raise ValidationError(f"Give a reason for marking the case {to}.", "reason")
    check_text(reason, "reason", label="The reason")
    with ctx.unit_of_work() as uow:
        case = get_case(uow.session, ref)
        uow.case_id = case.id
        if case.stage not in OPEN_STAGES:
            raise ValidationError(f"Case {case.ref} is already {case.stage}.", "stage")
        move(uow, case, to, reason.strip())
        case.exit_reason = reason.strip()
        return to


def decline(ctx: ServiceContext, ref: str, reason: str) -> str:
    return _exit(ctx, ref, "declined", reason)


def withdraw(ctx: ServiceContext, ref: str, reason: str) -> str:
    return _exit(ctx, ref, "withdrawn", reason)


def reassign(ctx: ServiceContext, ref: str, owner_login: str) -> StaffInfo:
    ctx.require("case.reassign")
    with ctx.unit_of_work() as uow:
        case = get_case(uow.session, ref)
        uow.case_id = case.id
        ensure_open(case)
        owner = get_staff(uow.session, owner_login)
        if owner.role not in ("facilitator", "manager") or not owner.active:
            raise ValidationError(f"{owner.full_name} cannot own cases.", "owner")
        case.owner = owner
        return _staff(owner)


@dataclass(frozen=True)
class PlanInput:
    planned_arrival: date | None
    planned_departure: date | None
    program_code: str
    home_currency: str
    cny_per_home_unit: str
    payer: str
    notes: str
    coordinator_login: str | None = None


def update_plan(ctx: ServiceContext, ref: str, plan: PlanInput, version: int) -> int:
    """Change the case's plan (dates, program, currency); refuses a stale version."""
    ctx.require("case.edit")
    _plan_dates(plan.planned_arrival, plan.planned_departure)
    if len(plan.home_currency.strip()) != 3:
        raise ValidationError(
            "The home currency is a three-letter code such as KZT.", "home_currency"
        )
    rate = _rate(plan.cny_per_home_unit)
    with ctx.unit_of_work() as uow:
        s = uow.session
        case = get_case(s, ref)
        uow.case_id = case.id
        ensure_open(case)
        if case.version != version:
            raise StaleEdit(stale_message(s, case.id, "Case"))
        program = get_program(s, plan.program_code)
        case.planned_arrival, case.planned_departure = plan.planned_arrival, plan.planned_departure
        case.program = program
        case.home_currency, case.cny_per_home_unit = plan.home_currency.strip().upper(), rate
        case.payer, case.notes = plan.payer.strip(), plan.notes.strip()
        case.coordinator = get_staff(s, plan.coordinator_login) if plan.coordinator_login else None
        s.flush()
        return case.version
