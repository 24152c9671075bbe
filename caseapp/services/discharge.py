"""Discharge: the medicines the patient takes home and the blood counts that go with the handoff.

The hospital's discharge summary is the source; the facilitator copies it here so the discharge
checklist and the home doctor's letter state this patient's medicines, not a usual list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.models import COUNT_MOMENTS, BloodCount, DischargeMedication, Milestone
from caseapp.services.context import ServiceContext
from caseapp.services.errors import Blocker, NotFound, ValidationError
from caseapp.services.lookup import get_case
from caseapp.services.treatment import infusion_date

MOMENT_WORDS = {"day28": "day +28 assessment", "discharge": "discharge"}


@dataclass(frozen=True)
class MedicationInput:
    name: str
    dose: str
    frequency: str
    until: str
    reason: str


@dataclass(frozen=True)
class MedicationRow:
    id: int
    name: str
    dose: str
    frequency: str
    until: str
    reason: str


@dataclass(frozen=True)
class CountRow:
    """ANC and platelets in 10^9/L, haemoglobin in g/L."""

    moment: str
    taken_on: date
    anc: Decimal
    platelets: int
    haemoglobin: int


def medication_rows(session: Session, case_id: int) -> list[MedicationRow]:
    return [
        MedicationRow(m.id, m.name, m.dose, m.frequency, m.until, m.reason)
        for m in session.scalars(
            select(DischargeMedication)
            .where(DischargeMedication.case_id == case_id)
            .order_by(DischargeMedication.id)
        )
    ]


def count_rows(session: Session, case_id: int) -> list[CountRow]:
    found = {
        c.moment: c
        for c in session.scalars(select(BloodCount).where(BloodCount.case_id == case_id))
    }
    return [
        CountRow(c.moment, c.taken_on, c.anc, c.platelets, c.haemoglobin)
        for moment in COUNT_MOMENTS
        if (c := found.get(moment)) is not None
    ]


def discharge_blockers(medications: int, has_discharge_counts: bool) -> list[Blocker]:
    """Nobody goes home without their list of medicines; missing counts are a warning."""
    out = []
    if medications == 0:
        out.append(
            Blocker(
                "treatment",
                "No discharge medications are recorded; enter them from the hospital's "
                "discharge summary (Treatment tab).",
            )
        )
    if not has_discharge_counts:
        out.append(
            Blocker(
                "treatment",
                "The blood counts at discharge (ANC, platelets, haemoglobin) are not recorded.",
                "warn",
            )
        )
    return out


# ---- medicines ----------------------------------------------------------------------------


def _validated(med: MedicationInput) -> MedicationInput:
    cleaned = MedicationInput(*(" ".join(v.split()) for v in (
        med.name, med.dose, med.frequency, med.until, med.reason)))  # fmt: skip
    for field, words in (
        ("name", "the medicine's name"),
        ("dose", "the dose (e.g. 400 mg)"),
        ("frequency", "how often it is taken (e.g. twice a day)"),
        ("until", "until when it is taken (a date, a day after infusion or a condition)"),
        ("reason", "why it is taken (e.g. antiviral prophylaxis)"),
    ):
        if not getattr(cleaned, field):
            raise ValidationError(f"Enter {words}.", field)
    return cleaned


def save_medication(
    ctx: ServiceContext, ref: str, med: MedicationInput, medication_id: int | None = None
) -> MedicationRow:
    """Add a discharge medicine, or change one (by id); every field is required."""
    ctx.require("treatment.edit")
    med = _validated(med)
    with ctx.unit_of_work() as uow:
        s = uow.session
        case = get_case(s, ref)
        uow.case_id = case.id
        if medication_id is None:
            row = DischargeMedication(case_id=case.id)
            s.add(row)
        else:
            found = s.get(DischargeMedication, medication_id)
            if found is None or found.case_id != case.id:
                raise NotFound(f"Case {case.ref} has no discharge medication {medication_id}.")
            row = found
        row.name, row.dose, row.frequency = med.name, med.dose, med.frequency
        row.until, row.reason = med.until, med.reason
        s.flush()
        return next(r for r in medication_rows(s, case.id) if r.id == row.id)


def remove_medication(ctx: ServiceContext, ref: str, medication_id: int) -> None:
    ctx.require("treatment.edit")
    with ctx.unit_of_work() as uow:
        case = get_case(uow.session, ref)
        uow.case_id = case.id
        row = uow.session.get(DischargeMedication, medication_id)
        if row is None or row.case_id != case.id:
            raise NotFound(f"Case {case.ref} has no discharge medication {medication_id}.")
        uow.session.delete(row)


# ---- blood counts -------------------------------------------------------------------------


def _number(text: str, field: str, label: str, low: Decimal, high: Decimal) -> Decimal:
    raw = str(text).strip().replace(",", ".")
    if not raw:
        raise ValidationError(f"Enter the {label}.", field)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(f"The {label} must be a number, not {text!r}.", field) from None
    if not value.is_finite() or not low <= value <= high:
        raise ValidationError(f"The {label} must be between {low} and {high}.", field)
    return value


def record_counts(
    ctx: ServiceContext,
    ref: str,
    moment: str,
    taken_on: date | None,
    anc: str,
    platelets: str,
    haemoglobin: str,
) -> CountRow:
    """Record (or correct) the counts of one moment: ANC and platelets 10^9/L, Hb g/L."""
    ctx.require("treatment.edit")
    if moment not in COUNT_MOMENTS:
        raise ValidationError(f"Counts are taken at {' or '.join(COUNT_MOMENTS)}.", "moment")
    if taken_on is None:
        raise ValidationError("Enter the date the blood was taken.", "taken_on")
    if taken_on > ctx.today():
        raise ValidationError("Blood counts cannot be dated in the future.", "taken_on")
    neutrophils = _number(anc, "anc", "ANC (10⁹/L)", Decimal(0), Decimal(100))
    if neutrophils != neutrophils.quantize(Decimal("0.01")):
        raise ValidationError("Give the ANC with at most two decimals (e.g. 1.25).", "anc")
    plt = _number(platelets, "platelets", "platelet count (10⁹/L)", Decimal(0), Decimal(2000))
    hb = _number(haemoglobin, "haemoglobin", "haemoglobin (g/L)", Decimal(20), Decimal(250))
    for value, field, label in (
        (plt, "platelets", "platelet count"),
        (hb, "haemoglobin", "haemoglobin"),
    ):
        if value != value.to_integral_value():
            raise ValidationError(f"Give the {label} as a whole number.", field)
    with ctx.unit_of_work() as uow:
        s = uow.session
        case = get_case(s, ref)
        uow.case_id = case.id
        day0 = infusion_date(list(s.scalars(select(Milestone).where(Milestone.case_id == case.id))))
        if day0 is not None and taken_on < day0:
            raise ValidationError(
                f"Counts of the {MOMENT_WORDS[moment]} cannot be dated before the infusion "
                f"({day0.isoformat()}).",
                "taken_on",
            )
        row = s.scalar(
            select(BloodCount).where(BloodCount.case_id == case.id, BloodCount.moment == moment)
        )
        if row is None:
            row = BloodCount(case_id=case.id, moment=moment)
            s.add(row)
        row.taken_on, row.anc = taken_on, neutrophils.quantize(Decimal("0.01"))
        row.platelets, row.haemoglobin = int(plt), int(hb)
        s.flush()
        return next(r for r in count_rows(s, case.id) if r.moment == moment)


def counts_at(rows: Sequence[CountRow], moment: str) -> CountRow | None:
    return next((r for r in rows if r.moment == moment), None)
