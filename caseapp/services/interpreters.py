"""Interpreters: the roster, appointments, double-booking and language checks, and suggestions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.models import Case, Interpreter, InterpreterBooking
from caseapp.services.context import ServiceContext
from caseapp.services.errors import Blocker, NotFound, StaleEdit, ValidationError
from caseapp.services.locks import interpreter_turn
from caseapp.services.lookup import get_case
from caseapp.services.validation import AmountRule, check_appointment, parse_amount

# Appointments happen in China; sentences about them use China time.
CHINA_TZ = ZoneInfo("Asia/Shanghai")


def china_time(moment: datetime) -> str:
    return moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class Slot:
    """One booked interval of one interpreter (half-open: [starts_at, ends_at))."""

    booking_id: int
    interpreter_id: int
    starts_at: datetime
    ends_at: datetime


def overlapping_pairs(slots: Iterable[Slot]) -> set[tuple[int, int]]:
    """Pairs of booking ids (smaller first) where the same interpreter is booked twice at once."""
    by_interpreter: dict[int, list[Slot]] = defaultdict(list)
    for slot in slots:
        by_interpreter[slot.interpreter_id].append(slot)
    pairs: set[tuple[int, int]] = set()
    for items in by_interpreter.values():
        items.sort(key=lambda s: (s.starts_at, s.ends_at))
        active: list[Slot] = []
        for slot in items:
            active = [a for a in active if a.ends_at > slot.starts_at]
            for a in active:
                pairs.add((min(a.booking_id, slot.booking_id), max(a.booking_id, slot.booking_id)))
            active.append(slot)
    return pairs


def speaks(interpreter_languages: Sequence[str], patient_languages: Sequence[str]) -> bool:
    wanted = {lang.casefold() for lang in patient_languages}
    return any(lang.casefold() in wanted for lang in interpreter_languages)


@dataclass(frozen=True)
class AppointmentRow:
    id: int
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime
    needs_interpreter: bool
    interpreter_id: int | None
    interpreter_name: str
    interpreter_name_zh: str
    interpreter_phone: str
    interpreter_languages: tuple[str, ...]
    conflict_with: tuple[int, ...]  # other booking ids that double-book the interpreter
    language_ok: bool
    version: int


def interpreter_blockers(appointments: Sequence[AppointmentRow]) -> list[Blocker]:
    out = []
    for a in appointments:
        when = china_time(a.starts_at)
        if not a.needs_interpreter:
            continue
        if a.interpreter_id is None:
            out.append(
                Blocker("interpreters", f"No interpreter is booked for '{a.title}' on {when}.")
            )
            continue
        if not a.language_ok:
            out.append(
                Blocker(
                    "interpreters",
                    f"{a.interpreter_name} does not speak the patient's "
                    f"language; choose another for '{a.title}' on {when}.",
                )
            )
        if a.conflict_with:
            out.append(
                Blocker(
                    "interpreters",
                    f"{a.interpreter_name} is double-booked at {when} "
                    f"('{a.title}'); choose another interpreter.",
                )
            )
    return out


def appointment_rows(
    session: Session, case_ids: Sequence[int], languages_by_case: dict[int, list[str]]
) -> dict[int, list[AppointmentRow]]:
    """Appointments of many cases at once, with conflicts checked against every case's bookings."""
    b, i = InterpreterBooking, Interpreter
    rows = session.execute(
        select(
            b.id,
            b.case_id,
            b.title,
            b.place,
            b.starts_at,
            b.ends_at,
            b.needs_interpreter,
            b.interpreter_id,
            b.version,
            i.name,
            i.name_zh,
            i.phone,
            i.languages,
        )
        .outerjoin(i, i.id == b.interpreter_id)
        .where(b.case_id.in_(case_ids))
        .order_by(b.starts_at)
    ).all()
    conflicts = conflicts_for(session, case_ids) if rows else {}
    out: dict[int, list[AppointmentRow]] = defaultdict(list)
    for r in rows:
        assigned = r.interpreter_id is not None
        out[r.case_id].append(AppointmentRow(
            r.id, r.title, r.place, r.starts_at, r.ends_at, r.needs_interpreter, r.interpreter_id,
            r.name or "", r.name_zh or "", r.phone or "", tuple(r.languages or ()),
            tuple(sorted(conflicts.get(r.id, ()))),
            assigned and speaks(r.languages, languages_by_case.get(r.case_id, [])), r.version,
        ))  # fmt: skip
    return out


def conflicts_for(session: Session, case_ids: Sequence[int]) -> dict[int, set[int]]:
    """Booking ids of these cases mapped to the other bookings that double-book the interpreter.

    One lean query of the interpreters' bookings, then a sweep per interpreter (overlapping_pairs):
    measured faster on SQLite than a self-join, which scans each interpreter's whole history.
    """
    ib = InterpreterBooking
    mine = select(ib.interpreter_id).where(ib.case_id.in_(case_ids), ib.interpreter_id.is_not(None))
    slots = [
        Slot(r[0], r[1] or 0, r[2], r[3])
        for r in session.execute(
            select(ib.id, ib.interpreter_id, ib.starts_at, ib.ends_at).where(
                ib.interpreter_id.in_(mine.scalar_subquery())
            )
        )
    ]
    result: dict[int, set[int]] = defaultdict(set)
    for a, b in overlapping_pairs(slots):
        result[a].add(b)
        result[b].add(a)
    return result


def appointments(ctx: ServiceContext, ref: str) -> list[AppointmentRow]:
    with ctx.read() as s:
        case = get_case(s, ref)
        return appointment_rows(s, [case.id], {case.id: case.patient.languages}).get(case.id, [])


@dataclass(frozen=True)
class InterpreterRow:
    id: int
    name: str
    name_zh: str
    languages: tuple[str, ...]
    medical_certified: bool
    hourly_rate_cny: Decimal
    phone: str
    email: str
    city: str
    active: bool


def _row(i: Interpreter) -> InterpreterRow:
    return InterpreterRow(
        i.id,
        i.name,
        i.name_zh,
        tuple(i.languages),
        i.medical_certified,
        i.hourly_rate_cny,
        i.phone,
        i.email,
        i.city,
        i.active,
    )


def list_interpreters(ctx: ServiceContext) -> list[InterpreterRow]:
    with ctx.read() as s:
        return [_row(i) for i in s.scalars(select(Interpreter).order_by(Interpreter.name))]


@dataclass(frozen=True)
class InterpreterInput:
    name: str
    languages: tuple[str, ...]
    name_zh: str = ""
    medical_certified: bool = False
    hourly_rate_cny: str = "0"
    phone: str = ""
    email: str = ""
    city: str = ""


def _clean(data: InterpreterInput) -> tuple[list[str], Decimal]:
    """The languages and rate of a roster entry, checked (add and update share the rules)."""
    if not data.name.strip():
        raise ValidationError("Enter the interpreter's name.", "name")
    languages = [lang.strip() for lang in data.languages if lang.strip()]
    if not languages:
        raise ValidationError("List at least one language besides Mandarin.", "languages")
    rate = parse_amount(data.hourly_rate_cny, "hourly_rate_cny", AmountRule(high=Decimal(100_000)))
    return languages, rate


def add_interpreter(ctx: ServiceContext, data: InterpreterInput) -> InterpreterRow:
    ctx.require("interpreters.manage")
    languages, rate = _clean(data)
    with ctx.unit_of_work() as uow:
        i = Interpreter(
            name=data.name.strip(),
            name_zh=data.name_zh.strip(),
            languages=languages,
            medical_certified=data.medical_certified,
            hourly_rate_cny=rate,
            phone=data.phone.strip(),
            email=data.email.strip(),
            city=data.city.strip(),
        )
        uow.session.add(i)
        uow.session.flush()
        return _row(i)


def _get_interpreter(s: Session, interpreter_id: int) -> Interpreter:
    found = s.get(Interpreter, interpreter_id)
    if found is None:
        raise NotFound(f"No interpreter with id {interpreter_id}.")
    return found


def update_interpreter(
    ctx: ServiceContext, interpreter_id: int, data: InterpreterInput
) -> InterpreterRow:
    """Correct a roster entry (bookings keep pointing at the same interpreter)."""
    ctx.require("interpreters.manage")
    languages, rate = _clean(data)
    with ctx.unit_of_work() as uow:
        i = _get_interpreter(uow.session, interpreter_id)
        i.name = data.name.strip()
        i.name_zh = data.name_zh.strip()
        i.languages = languages
        i.medical_certified = data.medical_certified
        i.hourly_rate_cny = rate
        i.phone = data.phone.strip()
        i.email = data.email.strip()
        i.city = data.city.strip()
        uow.session.flush()
        return _row(i)


def set_interpreter_active(
    ctx: ServiceContext, interpreter_id: int, active: bool
) -> InterpreterRow:
    """Take an interpreter off the suggestions (or back on); past bookings stay as they were."""
    ctx.require("interpreters.manage")
    with ctx.unit_of_work() as uow:
        i = _get_interpreter(uow.session, interpreter_id)
        i.active = active
        uow.session.flush()
        return _row(i)


@dataclass(frozen=True)
class Suggestion:
    interpreter: InterpreterRow
    primary_language: bool
    reason: str


def suggest_interpreters(
    ctx: ServiceContext,
    ref: str,
    starts_at: datetime,
    ends_at: datetime,
    exclude_booking: int | None = None,
) -> list[Suggestion]:
    """Interpreters who speak the patient's language and are free then, best first.

    Best: works in the hospital's city (an appointment is in person), then speaks the primary
    language, medically certified, cheaper.
    """
    with ctx.read() as s:
        case = get_case(s, ref)
        langs = case.patient.languages
        busy = set(
            s.scalars(
                select(InterpreterBooking.interpreter_id).where(
                    InterpreterBooking.interpreter_id.is_not(None),
                    InterpreterBooking.starts_at < ends_at,
                    InterpreterBooking.ends_at > starts_at,
                    InterpreterBooking.id != (exclude_booking or -1),
                )
            )
        )
        city = case.program.city_en
        found = []
        for i in s.scalars(select(Interpreter).where(Interpreter.active.is_(True))):
            if i.id in busy or not speaks(i.languages, langs):
                continue
            primary = speaks(i.languages, langs[:1])
            reason = ", ".join(
                filter(
                    None,
                    [
                        f"speaks {langs[0]}" if primary else f"speaks {', '.join(i.languages)}",
                        "medically certified" if i.medical_certified else "",
                        f"based in {i.city}"
                        if i.city == city
                        else f"based in another city ({i.city or 'not recorded'})",
                        f"{i.hourly_rate_cny:.0f} CNY/h",
                    ],
                )
            )
            found.append(
                (
                    i.city != city,
                    not primary,
                    not i.medical_certified,
                    i.hourly_rate_cny,
                    i.name,
                    Suggestion(_row(i), primary, reason),
                )
            )
        found.sort(key=lambda t: t[:5])
        return [t[5] for t in found]


@dataclass(frozen=True)
class AppointmentInput:
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str = ""
    needs_interpreter: bool = True
    interpreter_id: int | None = None
    notes: str = ""


def save_appointment(
    ctx: ServiceContext,
    ref: str,
    data: AppointmentInput,
    booking_id: int | None = None,
    version: int | None = None,
) -> AppointmentRow:
    """Add or change an appointment; refuses an interpreter who is busy or lacks the language."""
    ctx.require("interpreters.edit")
    if not data.title.strip():
        raise ValidationError("Say what the appointment is (e.g. 'Consultation').", "title")
    if data.starts_at.tzinfo is None or data.ends_at.tzinfo is None:
        raise ValidationError("Appointment times need a time zone.", "starts_at")
    if data.ends_at <= data.starts_at:
        raise ValidationError("The appointment must end after it starts.", "ends_at")
    check_appointment(data.starts_at, data.ends_at, ctx.now())
    with ctx.unit_of_work() as uow:
        s = uow.session
        case = get_case(s, ref)
        uow.case_id = case.id
        if booking_id is None:
            b = InterpreterBooking(case_id=case.id)
            s.add(b)
        else:
            found = s.get(InterpreterBooking, booking_id)
            if found is None or found.case_id != case.id:
                raise NotFound(f"Case {case.ref} has no appointment {booking_id}.")
            if version is not None and found.version != version:
                raise StaleEdit(
                    "Someone else changed this appointment since you opened it. "
                    "Reload, then apply your changes again."
                )
            b = found
        b.title, b.place, b.notes = data.title.strip(), data.place.strip(), data.notes.strip()
        b.starts_at, b.ends_at, b.needs_interpreter = (
            data.starts_at,
            data.ends_at,
            data.needs_interpreter,
        )
        b.interpreter_id = data.interpreter_id if data.needs_interpreter else None
        if b.interpreter_id is not None:
            _check_interpreter(s, case, b)
        s.flush()
        rows = appointment_rows(s, [case.id], {case.id: case.patient.languages})[case.id]
        return next(r for r in rows if r.id == b.id)


def _check_interpreter(s: Session, case: Case, b: InterpreterBooking) -> None:
    assert b.interpreter_id is not None
    interpreter_turn(s, b.interpreter_id)  # a booking saved meanwhile is seen below
    interp = s.get(Interpreter, b.interpreter_id)
    if interp is None:
        raise ValidationError("That interpreter does not exist.", "interpreter_id")
    if not speaks(interp.languages, case.patient.languages):
        raise ValidationError(
            f"{interp.name} speaks {', '.join(interp.languages)}, not the patient's "
            f"{' or '.join(case.patient.languages)}.",
            "interpreter_id",
        )
    clash = s.scalar(
        select(InterpreterBooking).where(
            InterpreterBooking.interpreter_id == interp.id,
            InterpreterBooking.id != (b.id or -1),
            InterpreterBooking.starts_at < b.ends_at,
            InterpreterBooking.ends_at > b.starts_at,
        )
    )
    if clash is not None:
        other = s.get(Case, clash.case_id)
        when = china_time(clash.starts_at)
        raise ValidationError(
            f"{interp.name} is already booked at {when} for '{clash.title}' "
            f"({other.ref if other else 'another case'}); choose another interpreter or time.",
            "interpreter_id",
        )


def remove_appointment(ctx: ServiceContext, ref: str, booking_id: int) -> None:
    ctx.require("interpreters.edit")
    with ctx.unit_of_work() as uow:
        case = get_case(uow.session, ref)
        uow.case_id = case.id
        b = uow.session.get(InterpreterBooking, booking_id)
        if b is None or b.case_id != case.id:
            raise NotFound(f"Case {case.ref} has no appointment {booking_id}.")
        uow.session.delete(b)
