"""Demo travel: visa, lodging, interpreter appointments and the cost estimate."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from caseapp import models as m
from caseapp.services.demo.rows import Rows
from caseapp.services.demo.state import GeneratorState
from caseapp.services.interpreters import CHINA_TZ

COST_SHARES = {
    "apheresis": Decimal("0.06"), "manufacturing": Decimal("0.55"), "infusion": Decimal("0.04"),
    "hospital stay": Decimal("0.18"), "monitoring": Decimal("0.07"), "medicines": Decimal("0.07"),
    "follow-up": Decimal("0.03"),
}  # fmt: skip


def china(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), CHINA_TZ).astimezone(UTC)


class TravelMixin(GeneratorState):
    def _visa(
        self,
        rows: Rows,
        case_id: int,
        arrival: date,
        departure: date,
        k: int,
        ready: bool,
        entered: list[datetime],
        actor: int,
    ) -> None:
        rng = self.rng
        start = entered[2].date()
        letter = start + timedelta(days=rng.randint(1, 5))
        submitted = letter + timedelta(days=rng.randint(2, 7))
        decided = submitted + timedelta(days=rng.randint(4, 12))
        status = "approved"
        blocked = k == 2 and not ready
        problem = rng.choice(("draft", "submitted", "window")) if blocked else ""
        if problem == "draft":
            status, letter, submitted, decided = "draft", None, None, None  # type: ignore[assignment]
        elif problem == "submitted":
            status, decided = "submitted", None  # type: ignore[assignment]
        for d in (letter, submitted, decided):
            if d and d > self.today:
                status = "draft"
        if status == "draft":
            submitted = decided = None  # type: ignore[assignment]
        elif status == "submitted":
            decided = None  # type: ignore[assignment]
        entry_from = arrival - timedelta(days=30)
        entry_until = (
            arrival - timedelta(days=3) if problem == "window" else arrival + timedelta(days=60)
        )
        allowed = rng.choice((30, 60, 90, 90, 180))
        app_id = rows.add(
            "visa_applications",
            case_id=case_id,
            visa_type=rng.choice(self.visa_types[:3] or self.visa_types),
            status=status,
            invitation_letter_on=letter,
            submitted_on=submitted,
            decided_on=decided,
            entry_from=entry_from if status == "approved" else None,
            entry_until=entry_until if status == "approved" else None,
            allowed_stay_days=allowed if status == "approved" else None,
            entries=rng.choice(("single", "double", "multiple")),
            notes="",
            version=1,
        )
        for st, day in (("draft", start), ("submitted", submitted), ("approved", decided)):
            if day is None:
                break
            rows.add(
                "visa_events",
                application_id=app_id,
                status=st,
                at=datetime.combine(day, time(11), UTC),
                actor_id=actor,
                note="",
            )
            if st == status:
                break

    def _lodging(
        self,
        rows: Rows,
        case_id: int,
        program: m.Program,
        arrival: date,
        departure: date,
        companions: list[tuple[int, str]],
        blocked: bool,
    ) -> None:
        rng = self.rng
        options = self.lodgings.get(program.city_en) or [
            x for v in self.lodgings.values() for x in v
        ]
        near = rng.choice(options)
        split = arrival + timedelta(days=rng.randint(20, 40))
        gap = rng.randint(2, 5) if blocked else 0
        drop_companion = blocked and companions and rng.random() < 0.4
        people = [None] + [cid for cid, _ in companions]
        stays = [
            (arrival, split, near),
            (
                split + timedelta(days=gap if not drop_companion else 0),
                departure,
                rng.choice(options),
            ),
        ]
        for j, (check_in, check_out, place) in enumerate(stays):
            bid = rows.add(
                "lodging_bookings",
                case_id=case_id,
                property_name=place["name"],
                property_name_zh=place.get("name_zh", ""),
                address_en=place["address_en"],
                address_zh=place.get("address_zh", ""),
                phone=place.get("phone", ""),
                check_in=check_in,
                check_out=check_out,
                nightly_cost=Decimal(str(place["nightly_cost_cny"])),
                currency="CNY",
                version=1,
            )
            for person in people:
                if drop_companion and j == 1 and person is not None:
                    continue
                rows.add("lodging_occupants", booking_id=bid, companion_id=person)

    def _appointments(
        self,
        rows: Rows,
        case_id: int,
        program: m.Program,
        arrival: date,
        infusion: date,
        languages: list[str],
        blocked: bool,
    ) -> None:
        rng = self.rng
        place = program.hospital_en
        plan = [
            ("Consultation with the CAR-T team", arrival + timedelta(days=1), 9, 2),
            ("Screening tests and bone-marrow aspiration", arrival + timedelta(days=3), 8, 3),
            ("Apheresis", arrival + timedelta(days=5), 8, 4),
            ("Lymphodepletion start (day -5)", infusion - timedelta(days=5), 14, 1),
            ("CAR-T infusion (day 0)", infusion, 10, 2),
            ("Response assessment (day +28)", infusion + timedelta(days=28), 9, 2),
        ]
        unassigned = set(rng.sample(range(len(plan)), k=rng.randint(1, 2))) if blocked else set()
        wanted = {lang.casefold() for lang in languages}
        speakers = [
            x for x in self.interpreters if wanted & {lang.casefold() for lang in x.languages}
        ]
        speakers.sort(key=lambda x: (x.city != program.city_en, not x.medical_certified))
        for j, (title, day, hour, hours) in enumerate(plan):
            interp = None
            if j not in unassigned:
                for candidate in speakers:
                    slots = [(candidate.id, day, h) for h in range(hour, hour + hours)]
                    if not any(slot in self.busy for slot in slots):
                        self.busy.update(slots)
                        interp = candidate.id
                        break
            rows.add(
                "interpreter_bookings",
                case_id=case_id,
                title=title,
                place=place,
                starts_at=china(day, hour),
                ends_at=china(day, hour + hours),
                needs_interpreter=True,
                interpreter_id=interp,
                notes="",
                version=1,
            )

    def _costs(
        self, rows: Rows, case_id: int, program: m.Program, arrival: date, departure: date, k: int
    ) -> None:
        rng = self.rng
        total = program.estimated_cost_cny or Decimal(400000)
        nights = (departure - arrival).days
        lines = [
            (cat, (total * share).quantize(Decimal("1"))) for cat, share in COST_SHARES.items()
        ]
        lines += [
            ("lodging", Decimal(nights * 400)),
            ("interpreters", Decimal(14 * 250)),
            ("travel", Decimal(rng.choice((9000, 12000, 16000)))),
        ]
        for cat, est in lines:
            actual = None
            if k >= 6 or (k == 5 and cat in ("apheresis", "manufacturing", "travel")):
                actual = (est * Decimal(str(rng.uniform(0.85, 1.25)))).quantize(Decimal("1"))
            rows.add(
                "cost_lines",
                case_id=case_id,
                category=cat,
                description="",
                estimated=est,
                actual=actual,
                currency="CNY",
                incurred_on=None,
            )
