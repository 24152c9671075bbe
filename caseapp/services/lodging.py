"""Lodging: bookings for the patient and companions, and the night-by-night coverage check."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.models import Case, LodgingBooking, LodgingOccupant
from caseapp.services.context import ServiceContext
from caseapp.services.errors import Blocker, NotFound, StaleEdit, ValidationError
from caseapp.services.lookup import get_case
from caseapp.services.validation import parse_amount

PATIENT = 0  # occupant key of the patient; companions use their id


@dataclass(frozen=True)
class Coverage:
    """Night runs (first night, last night) with no bed, and with more than one bed."""

    gaps: tuple[tuple[date, date], ...]
    overlaps: tuple[tuple[date, date], ...]

    @property
    def complete(self) -> bool:
        return not self.gaps and not self.overlaps


def night_coverage(arrival: date, departure: date, stays: Iterable[tuple[date, date]]) -> Coverage:
    """Which nights from arrival to the night before departure are uncovered or double-booked.

    A stay (check_in, check_out) covers the nights check_in .. check_out - 1. Sweeps the stay
    boundaries, so the cost grows with the number of bookings, not of nights.
    """
    changes: Counter[date] = Counter()
    for check_in, check_out in stays:
        if check_out > check_in:
            changes[check_in] += 1
            changes[check_out] -= 1
    gaps: list[tuple[date, date]] = []
    overlaps: list[tuple[date, date]] = []
    count = 0
    for start, following in pairwise(sorted(set(changes) | {arrival, departure})):
        count += changes[start]
        last = following - timedelta(days=1)
        if count > 1:
            _extend(overlaps, start, last)
        if count == 0 and start < departure and following > arrival:
            _extend(gaps, max(start, arrival), min(last, departure - timedelta(days=1)))
    return Coverage(tuple(gaps), tuple(overlaps))


def _extend(runs: list[tuple[date, date]], first: date, last: date) -> None:
    """Append the run first..last, merging it with the previous run when they touch."""
    if runs and runs[-1][1] + timedelta(days=1) >= first:
        runs[-1] = (runs[-1][0], max(runs[-1][1], last))
    else:
        runs.append((first, last))


def _runs(nights: Iterable[date]) -> list[tuple[date, date]]:
    runs: list[tuple[date, date]] = []
    for night in nights:
        if runs and runs[-1][1] + timedelta(days=1) == night:
            runs[-1] = (runs[-1][0], night)
        else:
            runs.append((night, night))
    return runs


def _span(run: tuple[date, date]) -> str:
    first, last = run
    return (
        f"the night of {first.isoformat()}"
        if first == last
        else (f"the nights {first.isoformat()} to {last.isoformat()}")
    )


def lodging_blockers(
    arrival: date | None,
    departure: date | None,
    people: Sequence[tuple[str, Sequence[tuple[date, date]]]],
) -> list[Blocker]:
    """Every night from arrival to departure covered once for each traveller (name, stays)."""
    if arrival is None or departure is None:
        return [Blocker("overview", "Planned arrival and departure dates are not set.")]
    out = []
    for name, stays in people:
        cov = night_coverage(arrival, departure, stays)
        if not stays:
            out.append(Blocker("lodging", f"No lodging is booked for {name}."))
            continue
        out += [Blocker("lodging", f"No lodging for {name} on {_span(g)}.") for g in cov.gaps]
        out += [
            Blocker("lodging", f"{name} is booked twice for {_span(o)}; cancel one booking.")
            for o in cov.overlaps
        ]
    return out


@dataclass(frozen=True)
class BookingInput:
    property_name: str
    address_en: str
    check_in: date
    check_out: date
    occupants: tuple[int, ...]  # PATIENT or companion ids
    property_name_zh: str = ""
    address_zh: str = ""
    phone: str = ""
    nightly_cost: str = "0"
    currency: str = "CNY"


@dataclass(frozen=True)
class BookingRow:
    id: int
    property_name: str
    property_name_zh: str
    address_en: str
    address_zh: str
    phone: str
    check_in: date
    check_out: date
    nights: int
    occupants: tuple[int, ...]
    occupant_names: tuple[str, ...]
    nightly_cost: Decimal
    currency: str
    version: int

    @property
    def total_cost(self) -> Decimal:
        return self.nightly_cost * self.nights


def people_of(case: Case) -> dict[int, str]:
    names = {PATIENT: case.patient.full_name}
    names |= {c.id: c.full_name for c in case.patient.companions}
    return names


def booking_rows(session: Session, case: Case) -> list[BookingRow]:
    names = people_of(case)
    bookings = session.scalars(
        select(LodgingBooking)
        .where(LodgingBooking.case_id == case.id)
        .order_by(LodgingBooking.check_in, LodgingBooking.id)
    )
    rows = []
    for b in bookings:
        occ = tuple(o.companion_id or PATIENT for o in b.occupants)
        rows.append(
            BookingRow(
                b.id,
                b.property_name,
                b.property_name_zh,
                b.address_en,
                b.address_zh,
                b.phone,
                b.check_in,
                b.check_out,
                (b.check_out - b.check_in).days,
                occ,
                tuple(names.get(o, "?") for o in occ),
                b.nightly_cost,
                b.currency,
                b.version,
            )
        )
    return rows


def stays_by_person(
    case: Case, rows: Sequence[BookingRow]
) -> list[tuple[str, list[tuple[date, date]]]]:
    return [
        (
            name if key == PATIENT else f"{name} (companion)",
            [(r.check_in, r.check_out) for r in rows if key in r.occupants],
        )
        for key, name in people_of(case).items()
    ]


def bookings(ctx: ServiceContext, ref: str) -> list[BookingRow]:
    with ctx.read() as s:
        return booking_rows(s, get_case(s, ref))


def coverage_of(ctx: ServiceContext, ref: str) -> dict[str, Coverage]:
    """Per traveller, the gaps and overlaps in the planned stay (for the timeline strip)."""
    with ctx.read() as s:
        case = get_case(s, ref)
        if case.planned_arrival is None or case.planned_departure is None:
            return {}
        return {
            name: night_coverage(case.planned_arrival, case.planned_departure, stays)
            for name, stays in stays_by_person(case, booking_rows(s, case))
        }


def _validate(b: BookingInput, case: Case) -> Decimal:
    if not b.property_name.strip():
        raise ValidationError("Enter the name of the property.", "property_name")
    if not b.address_en.strip():
        raise ValidationError("Enter the property's address.", "address_en")
    if b.check_out <= b.check_in:
        raise ValidationError("Check-out must be after check-in.", "check_out")
    if (b.check_out - b.check_in).days > 366:
        raise ValidationError("A booking cannot be longer than a year.", "check_out")
    if not b.occupants:
        raise ValidationError("Choose who stays there (the patient or a companion).", "occupants")
    valid = set(people_of(case))
    unknown = [o for o in b.occupants if o not in valid]
    if unknown:
        raise ValidationError(
            "An occupant is not the patient or one of the companions.", "occupants"
        )
    cost = parse_amount(b.nightly_cost, "nightly_cost")
    if len(b.currency.strip()) != 3:
        raise ValidationError("Currency is a three-letter code such as CNY.", "currency")
    return cost


def save_booking(
    ctx: ServiceContext,
    ref: str,
    data: BookingInput,
    booking_id: int | None = None,
    version: int | None = None,
) -> BookingRow:
    """Add a booking, or change one (version guards against overwriting a colleague's save)."""
    ctx.require("lodging.edit")
    with ctx.unit_of_work() as uow:
        s = uow.session
        case = get_case(s, ref)
        uow.case_id = case.id
        cost = _validate(data, case)
        if booking_id is None:
            booking = LodgingBooking(case_id=case.id)
            s.add(booking)
        else:
            found = s.get(LodgingBooking, booking_id)
            if found is None or found.case_id != case.id:
                raise NotFound(f"Case {case.ref} has no lodging booking {booking_id}.")
            booking = found
            if version is not None and booking.version != version:
                raise StaleEdit(
                    "Someone else changed this booking since you opened it. "
                    "Reload, then apply your changes again."
                )
        booking.property_name, booking.property_name_zh = (
            data.property_name.strip(),
            data.property_name_zh.strip(),
        )
        booking.address_en, booking.address_zh = data.address_en.strip(), data.address_zh.strip()
        booking.phone, booking.check_in, booking.check_out = (
            data.phone.strip(),
            data.check_in,
            data.check_out,
        )
        booking.nightly_cost, booking.currency = cost, data.currency.upper() or "CNY"
        current = [o.companion_id or PATIENT for o in booking.occupants]
        if current != list(data.occupants):
            booking.occupants = [LodgingOccupant(companion_id=o or None) for o in data.occupants]
        s.flush()
        return next(r for r in booking_rows(s, case) if r.id == booking.id)


def remove_booking(ctx: ServiceContext, ref: str, booking_id: int) -> None:
    ctx.require("lodging.edit")
    with ctx.unit_of_work() as uow:
        case = get_case(uow.session, ref)
        uow.case_id = case.id
        booking = uow.session.get(LodgingBooking, booking_id)
        if booking is None or booking.case_id != case.id:
            raise NotFound(f"Case {case.ref} has no lodging booking {booking_id}.")
        uow.session.delete(booking)
