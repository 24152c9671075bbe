"""Case-specific blocks several documents share: case header, contacts, follow-ups, dates."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable, Table

from caseapp.docs.data import (
    Appointment,
    BloodCounts,
    CaseInfo,
    ContactEntry,
    FollowUpContact,
    InterpreterInfo,
    LodgingBooking,
    Medication,
    TreatmentInfo,
)
from caseapp.docs.errors import MissingFact
from caseapp.docs.flowables import data_table, facts_table, para, rich
from caseapp.docs.text import DASH, fmt_date, fmt_day, fmt_sex, markup, or_dash, person_of

CHINA_EMERGENCY = (
    ("120", "Ambulance", "急救"),
    ("110", "Police", "报警"),
    ("119", "Fire", "火警"),
)


def hospital_markup(case: CaseInfo) -> str:
    program = case.program
    return f"{markup(program.hospital_en)}<br/>{markup(program.hospital_zh)}"


def address_markup(address_en: str, address_zh: str) -> str:
    return f"{markup(address_en)}<br/>{markup(address_zh)}"


def case_header(case: CaseInfo, *, width: float) -> Table:
    """Who, which program, where: the facts block under a document's title."""
    patient = case.patient
    born = fmt_date(patient.date_of_birth)
    rows: list[tuple[str, str | Flowable]] = [
        ("Patient", f"{patient.full_name} ({fmt_sex(patient.sex)}, born {born})"),
        ("Nationality / passport", f"{patient.nationality} · {or_dash(patient.passport_number)}"),
        ("Program", f"{case.program.name} ({case.program.code}, {case.program.phase})"),
        ("Hospital", rich(hospital_markup(case), "cell")),
        ("Case / facilitator", f"{case.ref} · {case.owner.name}"),
    ]
    return facts_table(rows, width=width, label_fraction=0.26)


def planned_stay(case: CaseInfo, document: str) -> tuple[str, str]:
    """Arrival and departure as text; a document that states them cannot go without them."""
    missing = [
        label
        for label, value in (
            ("planned arrival date", case.planned_arrival),
            ("planned departure date", case.planned_departure),
        )
        if value is None
    ]
    if missing:
        raise MissingFact(
            f"The {document} needs the {' and the '.join(missing)}; "
            f"none is recorded for {case.ref}."
        )
    return fmt_date(case.planned_arrival), fmt_date(case.planned_departure)


def require_lodging(lodging: Sequence[LodgingBooking], case: CaseInfo, document: str) -> None:
    if not lodging:
        raise MissingFact(
            f"The {document} needs at least one lodging booking; none is recorded for {case.ref}."
        )


def interpreters_of(appointments: Sequence[Appointment]) -> list[InterpreterInfo]:
    seen: dict[str, InterpreterInfo] = {}
    for appointment in appointments:
        if appointment.interpreter and appointment.interpreter.name not in seen:
            seen[appointment.interpreter.name] = appointment.interpreter
    return list(seen.values())


def china_contacts(
    case: CaseInfo,
    interpreters: Sequence[InterpreterInfo] = (),
    extra: Sequence[ContactEntry] = (),
) -> list[list[str | Flowable]]:
    """Rows (role, name, phone, email) of whom to call in China."""
    program = case.program
    rows: list[list[str | Flowable]] = [
        [
            "Hospital international department",
            rich(
                f"{markup(person_of(program.intl_dept_contact) or DASH)}<br/>"
                f"{markup(program.hospital_en)}<br/>{markup(program.hospital_zh)}",
                "cell",
            ),
            program.intl_dept_phone,
            program.intl_dept_email,
        ],
        ["Facilitator (case owner)", case.owner.name, case.owner.phone, case.owner.email],
    ]
    if case.coordinator:
        coordinator = case.coordinator
        rows.append(["Coordinator", coordinator.name, coordinator.phone, coordinator.email])
    for interpreter in interpreters:
        name = interpreter.name + (f" {interpreter.name_zh}" if interpreter.name_zh else "")
        langs = ", ".join(interpreter.languages)
        rows.append(
            [f"Interpreter ({langs})" if langs else "Interpreter", name, interpreter.phone, ""]
        )
    for contact in extra:
        name = contact.name + (f" {contact.name_zh}" if contact.name_zh else "")
        if contact.note:
            name += f"\n{contact.note}"
        rows.append([contact.role, name, contact.phone, contact.email])
    return rows


def contacts_table(rows: Sequence[Sequence[str | Flowable]], *, width: float) -> Table:
    return data_table(["Who", "Name", "Phone", "Email"], rows, [2.2, 3.2, 2.0, 2.6], width=width)


def followup_table(
    followups: Sequence[FollowUpContact], *, width: float, with_results: bool = True
) -> Table:
    rows: list[list[str | Flowable]] = []
    for contact in sorted(followups, key=lambda c: c.due_on):
        if contact.done_on:
            state = f"done {fmt_date(contact.done_on)}"
        elif contact.missed:
            state = "missed"
        else:
            state = "planned"
        row: list[str | Flowable] = [
            f"Day {fmt_day(contact.day_offset)}",
            fmt_date(contact.due_on),
            state,
        ]
        if with_results:
            row += [or_dash(contact.response), or_dash(contact.mrd), contact.note]
        rows.append(row)
    if with_results:
        return data_table(
            ["Visit", "Due", "Status", "Response", "MRD", "Note"],
            rows,
            [1.1, 1.5, 1.8, 1.2, 1.4, 3.0],
            width=width,
        )
    return data_table(["Visit", "Due", "Status"], rows, [1, 1.5, 1.5], width=width)


def milestone_rows(treatment: TreatmentInfo) -> list[list[str | Flowable]]:
    rows: list[list[str | Flowable]] = []
    for m in treatment.milestones:
        rows.append(
            [
                m.kind.capitalize(),
                f"Day {fmt_day(m.day)}" if m.day is not None else DASH,
                fmt_date(m.planned_on),
                fmt_date(m.done_on),
            ]
        )
    return rows


def milestone_table(treatment: TreatmentInfo, *, width: float) -> Table:
    return data_table(
        ["Milestone", "Day", "Planned", "Done"],
        milestone_rows(treatment),
        [3, 1.2, 2, 2],
        width=width,
    )


def toxicity_table(treatment: TreatmentInfo, *, width: float) -> Flowable:
    if not treatment.toxicities:
        return para("No CRS, ICANS or other toxicity of note was recorded.")
    rows: list[list[str | Flowable]] = [
        [
            t.kind,
            f"Grade {t.grade}",
            fmt_date(t.onset),
            fmt_date(t.resolved) if t.resolved else "ongoing",
            t.management,
        ]
        for t in treatment.toxicities
    ]
    return data_table(
        ["Event", "Grade", "Onset", "Resolved", "Management"],
        rows,
        [1.3, 1.3, 1.5, 1.5, 4.4],
        width=width,
    )


def fmt_counts(counts: BloodCounts | None) -> str:
    """ "ANC 1.2 × 10⁹/L, platelets 48 × 10⁹/L, haemoglobin 96 g/L (22 Apr 2026)"."""
    if counts is None:
        return "not recorded"
    return (
        f"ANC {counts.anc.normalize():f} × 10⁹/L, platelets {counts.platelets} × 10⁹/L, "
        f"haemoglobin {counts.haemoglobin} g/L ({fmt_date(counts.taken_on)})"
    )


NO_MEDICINES = (
    "No discharge medicines are recorded for this patient. Ask the ward team for the list on "
    "the discharge summary before leaving hospital."
)


def medication_table(
    medications: Sequence[Medication], *, width: float, missing: str = NO_MEDICINES
) -> Flowable:
    """The medicines the case records; with none, a sentence that says so (never a usual list)."""
    if not medications:
        return para(missing)
    return data_table(
        ["Medicine", "Dose", "How often", "Until", "Why"],
        [[m.name, m.dose, m.frequency, m.until, m.reason] for m in medications],
        [2.2, 1.4, 2.0, 2.0, 2.4],
        width=width,
    )
