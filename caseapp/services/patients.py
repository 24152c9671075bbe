"""Patients, companions and the local physician: validation, edits and read models."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from caseapp.models import Companion, LocalPhysician, Patient
from caseapp.services.context import ServiceContext
from caseapp.services.errors import NotFound, StaleEdit, ValidationError
from caseapp.services.lookup import get_case
from caseapp.services.stale import stale_message
from caseapp.services.validation import quoted

PASSPORT_RE = re.compile(r"^[A-Z0-9]{5,20}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class PatientInput:
    full_name: str
    sex: str
    date_of_birth: date
    nationality: str
    passport_number: str
    passport_expiry: date
    languages: tuple[str, ...]
    phone: str = ""
    email: str = ""
    address: str = ""
    home_city: str = ""
    notes: str = ""


@dataclass(frozen=True)
class CompanionInput:
    full_name: str
    relation: str
    sex: str = ""
    date_of_birth: date | None = None
    passport_number: str = ""
    passport_expiry: date | None = None
    phone: str = ""


@dataclass(frozen=True)
class PhysicianInput:
    name: str
    clinic: str = ""
    city: str = ""
    country: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class CompanionInfo:
    id: int
    full_name: str
    relation: str
    sex: str
    date_of_birth: date | None
    passport_number: str
    passport_expiry: date | None
    phone: str


@dataclass(frozen=True)
class PatientInfo:
    id: int
    full_name: str
    sex: str
    date_of_birth: date
    nationality: str
    passport_number: str
    passport_expiry: date
    languages: tuple[str, ...]
    phone: str
    email: str
    address: str
    home_city: str
    notes: str
    version: int
    companions: tuple[CompanionInfo, ...]
    physician: PhysicianInput | None


def validate_patient(p: PatientInput, today: date) -> None:
    if not p.full_name.strip():
        raise ValidationError("Enter the patient's full name as in the passport.", "full_name")
    if p.sex not in ("F", "M"):
        raise ValidationError("Sex must be F or M, as in the passport.", "sex")
    if p.date_of_birth >= today:
        raise ValidationError("The date of birth must be in the past.", "date_of_birth")
    if p.date_of_birth.year < today.year - 120:
        raise ValidationError("The date of birth is more than 120 years ago.", "date_of_birth")
    if not p.nationality.strip():
        raise ValidationError("Enter the patient's nationality.", "nationality")
    _passport(p.passport_number, "passport_number")
    if p.passport_expiry <= today:
        raise ValidationError(
            "The passport has expired; a valid passport is needed to travel.", "passport_expiry"
        )
    if not [lang for lang in p.languages if lang.strip()]:
        raise ValidationError("List at least one language the patient speaks.", "languages")
    if p.email.strip() and not EMAIL_RE.match(p.email.strip()):
        raise ValidationError(f"{quoted(p.email)} is not an e-mail address.", "email")


def _passport(number: str, field: str) -> None:
    if not PASSPORT_RE.match(number.strip().upper()):
        raise ValidationError(
            "A passport number has 5 to 20 letters and digits, without spaces.", field
        )


def validate_companion(c: CompanionInput, today: date) -> None:
    if not c.full_name.strip():
        raise ValidationError("Enter the companion's full name.", "companion_name")
    if not c.relation.strip():
        raise ValidationError(f"Say how {c.full_name} is related to the patient.", "relation")
    if c.passport_number.strip():
        _passport(c.passport_number, "companion_passport")
    if c.passport_expiry is not None and c.passport_expiry <= today:
        raise ValidationError(f"{c.full_name}'s passport has expired.", "companion_passport_expiry")


def validate_physician(p: PhysicianInput) -> None:
    if not p.name.strip():
        raise ValidationError("Enter the local physician's name.", "physician_name")
    if p.email.strip() and not EMAIL_RE.match(p.email.strip()):
        raise ValidationError(f"{quoted(p.email)} is not an e-mail address.", "physician_email")


def new_companion(c: CompanionInput, today: date) -> Companion:
    validate_companion(c, today)
    return Companion(
        full_name=c.full_name.strip(),
        relation=c.relation.strip(),
        sex=c.sex,
        date_of_birth=c.date_of_birth,
        passport_number=c.passport_number.strip().upper(),
        passport_expiry=c.passport_expiry,
        phone=c.phone.strip(),
    )


def patient_info(p: Patient) -> PatientInfo:
    doc = p.physician
    return PatientInfo(
        p.id,
        p.full_name,
        p.sex,
        p.date_of_birth,
        p.nationality,
        p.passport_number,
        p.passport_expiry,
        tuple(p.languages),
        p.phone,
        p.email,
        p.address,
        p.home_city,
        p.notes,
        p.version,
        tuple(
            CompanionInfo(
                c.id,
                c.full_name,
                c.relation,
                c.sex,
                c.date_of_birth,
                c.passport_number,
                c.passport_expiry,
                c.phone,
            )
            for c in p.companions
        ),
        PhysicianInput(doc.name, doc.clinic, doc.city, doc.country, doc.phone, doc.email)
        if doc
        else None,
    )


def _patient_of(s: Session, ref: str) -> tuple[int, Patient]:
    case = get_case(s, ref)
    return case.id, case.patient


def update_patient(ctx: ServiceContext, ref: str, data: PatientInput, version: int) -> PatientInfo:
    """Save the patient's details; refused if someone saved them after `version` was read."""
    ctx.require("case.edit")
    validate_patient(data, ctx.today())
    with ctx.unit_of_work() as uow:
        case_id, p = _patient_of(uow.session, ref)
        uow.case_id = case_id
        if p.version != version:
            raise StaleEdit(stale_message(uow.session, case_id, "Patient"))
        p.full_name, p.sex, p.date_of_birth = data.full_name.strip(), data.sex, data.date_of_birth
        p.nationality, p.passport_number = (
            data.nationality.strip(),
            data.passport_number.strip().upper(),
        )
        p.passport_expiry, p.languages = (
            data.passport_expiry,
            [x.strip() for x in data.languages if x.strip()],
        )
        p.phone, p.email, p.address = data.phone.strip(), data.email.strip(), data.address.strip()
        p.home_city, p.notes = data.home_city.strip(), data.notes.strip()
        uow.session.flush()
        return patient_info(p)


def add_companion(ctx: ServiceContext, ref: str, data: CompanionInput) -> PatientInfo:
    ctx.require("case.edit")
    with ctx.unit_of_work() as uow:
        case_id, p = _patient_of(uow.session, ref)
        uow.case_id = case_id
        p.companions.append(new_companion(data, ctx.today()))
        uow.session.flush()
        return patient_info(p)


def remove_companion(ctx: ServiceContext, ref: str, companion_id: int) -> PatientInfo:
    ctx.require("case.edit")
    with ctx.unit_of_work() as uow:
        case_id, p = _patient_of(uow.session, ref)
        uow.case_id = case_id
        found = [c for c in p.companions if c.id == companion_id]
        if not found:
            raise NotFound("That companion does not travel with this patient.")
        p.companions.remove(found[0])
        uow.session.flush()
        return patient_info(p)


def set_physician(ctx: ServiceContext, ref: str, data: PhysicianInput) -> PatientInfo:
    ctx.require("case.edit")
    validate_physician(data)
    with ctx.unit_of_work() as uow:
        case_id, p = _patient_of(uow.session, ref)
        uow.case_id = case_id
        if p.physician is None:
            p.physician = LocalPhysician(name=data.name)
        for key, value in data.__dict__.items():
            setattr(p.physician, key, value.strip())
        uow.session.flush()
        return patient_info(p)
