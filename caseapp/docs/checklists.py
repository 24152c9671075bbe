"""Checklists: records, visa documents, pre-travel, discharge and home."""

from __future__ import annotations

from datetime import timedelta

from reportlab.platypus import Flowable, Spacer

from caseapp.docs import blocks
from caseapp.docs.data import (
    ChecklistItem,
    DischargeChecklistData,
    DocumentSettings,
    PreTravelChecklistData,
    RecordItem,
    RecordsChecklistData,
    VisaChecklistData,
)
from caseapp.docs.errors import MissingFact
from caseapp.docs.flowables import (
    data_table,
    facts_table,
    heading,
    para,
    rich,
    signature_block,
    title_block,
)
from caseapp.docs.style import PdfDocument
from caseapp.docs.templates import render_story
from caseapp.docs.text import (
    BOX_DONE,
    BOX_OPEN,
    DASH,
    fmt_date,
    fmt_datetime_china,
    fmt_money,
    markup,
    or_dash,
)

_STATUS_COLOURS = {
    "received": "#1e7a46",
    "waived": "#0b4f6c",
    "too old": "#b45309",
    "missing": "#b42318",
}


def _box(done: bool) -> Flowable:
    colour = "#1e7a46" if done else "#1f2933"
    return rich(f'<font color="{colour}" size="11">{BOX_DONE if done else BOX_OPEN}</font>', "cell")


def _status(status: str) -> Flowable:
    colour = _STATUS_COLOURS.get(status, "#1f2933")
    return rich(f'<font color="{colour}"><b>{markup(status.capitalize())}</b></font>', "cell")


# --- 1. records checklist -------------------------------------------------------------------


def _record_note(record: RecordItem) -> str:
    if record.status == "waived":
        return f"Waived: {record.waived_reason}" if record.waived_reason else "Waived"
    if record.max_age_days is None:
        return ""
    limit = f"Must be at most {record.max_age_days} days old"
    if record.status == "received" and record.document_date:
        valid_until = record.document_date + timedelta(days=record.max_age_days)
        return f"{limit}; valid until {fmt_date(valid_until)}"
    if record.status == "too old":
        return f"{limit}: ask for a new one"
    return limit


def render_records_checklist(data: RecordsChecklistData, settings: DocumentSettings) -> bytes:
    case = data.case
    if not data.records:
        raise MissingFact(
            f"The records checklist needs the documents program {case.program.code} requires; "
            f"none are recorded for {case.ref}."
        )
    doc = PdfDocument(
        settings,
        title="Records checklist",
        subject=f"Medical records for {case.program.hospital_en}",
        case_ref=case.ref,
    )
    ready = sum(r.status in ("received", "waived") for r in data.records)
    counts = {s: sum(r.status == s for r in data.records) for s in ("missing", "too old")}
    rows = [
        [
            _box(r.status in ("received", "waived")),
            r.name,
            _status(r.status),
            fmt_date(r.document_date),
            fmt_date(r.received_on),
            _record_note(r),
        ]
        for r in data.records
    ]
    story: list[Flowable] = [
        *title_block("Records checklist", f"Issued {fmt_date(data.issued_on, long=True)}"),
        blocks.case_header(case, width=doc.width),
        heading("Documents the hospital requires"),
        para(
            f"{ready} of {len(data.records)} ready (received or waived); "
            f"{counts['missing']} missing; {counts['too old']} too old"
            + (
                f" on {fmt_date(data.judged_on)}, the day the records were accepted."
                if data.judged_on and data.judged_on != data.issued_on
                else "."
            )
        ),
        data_table(
            ["", "Document", "Status", "Dated", "Received", "Note"],
            rows,
            [0.45, 3.2, 1.25, 1.45, 1.45, 3.4],
            width=doc.width,
        ),
        signature_block(doc.width, ["Checked by (name and signature)", "Date"]),
    ]
    return doc.build(story)


# --- 2. visa checklist ----------------------------------------------------------------------


def render_visa_checklist(data: VisaChecklistData, settings: DocumentSettings) -> bytes:
    case = data.case
    arrival, departure = blocks.planned_stay(case, "visa checklist")
    assert case.planned_arrival and case.planned_departure
    stay_days = (case.planned_departure - case.planned_arrival).days
    patient = case.patient
    doc = PdfDocument(
        settings,
        title="Visa document checklist",
        subject=f"Visa documents for {patient.full_name}",
        case_ref=case.ref,
    )
    visa = data.visa
    months = data.passport_months_past_return
    passport_detail = (
        f"{or_dash(patient.passport_number)}, valid until {fmt_date(patient.passport_expiry)}: "
        + (f"{months} months past the planned return" if months is not None else "expiry unknown")
        + " (at least 6 required)"
    )
    items: list[ChecklistItem] = [
        ChecklistItem(
            "Passport valid 6 months past return", data.passport_valid_6_months, passport_detail
        ),
        ChecklistItem(
            "Invitation letter from the hospital",
            bool(visa and visa.invitation_letter_on),
            f"Dated {fmt_date(visa.invitation_letter_on)}"
            if visa and visa.invitation_letter_on
            else "Not yet received",
        ),
        ChecklistItem(
            "Proof of lodging",
            bool(data.lodging),
            "; ".join(
                f"{b.property_en}, {fmt_date(b.check_in)} to {fmt_date(b.check_out)}"
                for b in data.lodging
            )
            or "No booking recorded",
        ),
        *data.items,
    ]
    rows = [[_box(i.done), i.label, i.note] for i in items]
    stay_text = f"{arrival} to {departure} ({stay_days} days)"
    visa_rows: list[tuple[str, str | Flowable]] = [("Planned stay", stay_text)]
    if visa:
        visa_rows += [
            ("Visa type", visa.consulate_name),
            ("Status", visa.status),
            ("Entries", visa.entries),
            ("Submitted / decided", f"{fmt_date(visa.submitted_on)} / {fmt_date(visa.decided_on)}"),
            ("Entry window", f"{fmt_date(visa.entry_from)} to {fmt_date(visa.entry_until)}"),
            ("Allowed stay", f"{visa.allowed_stay_days} days" if visa.allowed_stay_days else DASH),
        ]
        if visa.allowed_stay_days and stay_days > visa.allowed_stay_days:
            visa_rows.append(
                (
                    "Warning",
                    rich(
                        '<font color="#b45309"><b>The planned stay exceeds the allowed stay: '
                        "an extension will be needed in China.</b></font>",
                        "cell",
                    ),
                )
            )
    else:
        visa_rows.append(("Visa", "No visa application recorded yet"))
    travellers = [f"{patient.full_name} (patient), passport {or_dash(patient.passport_number)}"]
    travellers += [
        f"{c.name} ({c.relation}), passport {or_dash(c.passport_number)}, "
        f"valid until {fmt_date(c.passport_expiry)}"
        for c in patient.companions
    ]
    visa_rows.append(("Travellers", "\n".join(travellers)))
    done = sum(i.done for i in items)
    story: list[Flowable] = [
        *title_block("Visa document checklist", f"Issued {fmt_date(data.issued_on, long=True)}"),
        blocks.case_header(case, width=doc.width),
        heading("Visa"),
        facts_table(visa_rows, width=doc.width, label_fraction=0.26),
        heading("Documents for the consulate"),
        para(f"{done} of {len(items)} ready."),
        data_table(["", "Item", "Details"], rows, [0.45, 3.4, 6.2], width=doc.width),
        signature_block(doc.width, ["Checked by (name and signature)", "Date"]),
    ]
    return doc.build(story)


# --- 3. pre-travel checklist ----------------------------------------------------------------


def pretravel_story(data: PreTravelChecklistData, width: float) -> list[Flowable]:
    """The checklist body, shared with the travel packet."""
    case = data.case
    arrival, departure = blocks.planned_stay(case, "pre-travel checklist")
    first = min(data.appointments, key=lambda a: a.starts_at) if data.appointments else None
    dates: list[tuple[str, str | Flowable]] = [
        ("Arrival in China", arrival),
        (
            "First appointment",
            f"{fmt_datetime_china(first.starts_at)} (China time) — {first.title}, {first.place}"
            if first
            else "Not booked yet",
        ),
        ("Planned return", departure),
    ]
    if data.estimated_total_cny is not None:
        dates.append(("Estimated cost", fmt_money(data.estimated_total_cny, "CNY")))
    return render_story("pretravel-checklist.j2", data, {"dates": facts_table(dates, width=width)})


def render_pretravel_checklist(data: PreTravelChecklistData, settings: DocumentSettings) -> bytes:
    case = data.case
    doc = PdfDocument(
        settings,
        title="Pre-travel checklist",
        subject=f"Preparing the journey of {case.patient.full_name}",
        case_ref=case.ref,
    )
    story = [
        *title_block("Pre-travel checklist", f"Issued {fmt_date(data.issued_on, long=True)}"),
        blocks.case_header(case, width=doc.width),
        *pretravel_story(data, doc.width),
    ]
    return doc.build(story)


# --- 4. discharge and home checklist --------------------------------------------------------


def render_discharge_checklist(data: DischargeChecklistData, settings: DocumentSettings) -> bytes:
    case = data.case
    if not data.followups:
        raise MissingFact(
            f"The discharge checklist needs the follow-up plan; none is recorded for {case.ref}."
        )
    doc = PdfDocument(
        settings,
        title="Discharge and home checklist",
        subject=f"Going home after CAR-T: {case.patient.full_name}",
        case_ref=case.ref,
    )
    meds = blocks.medication_table(data.medications, width=doc.width)
    home_rows: list[list[str | Flowable]] = []
    physician = case.patient.physician
    if physician:
        where = ", ".join(p for p in (physician.clinic, physician.city, physician.country) if p)
        home_rows.append(
            ["Your doctor at home", f"{physician.name}\n{where}", physician.phone, physician.email]
        )
    china = blocks.china_contacts(case)
    story: list[Flowable] = [
        *title_block(
            "Discharge and home checklist", f"Issued {fmt_date(data.issued_on, long=True)}"
        ),
        blocks.case_header(case, width=doc.width),
        *render_story(
            "discharge-checklist.j2",
            data,
            {
                "medications": meds,
                "counts": para(
                    "Your blood counts on leaving hospital: "
                    + blocks.fmt_counts(data.discharge_counts)
                    + "."
                ),
                "followups": blocks.followup_table(
                    data.followups, width=doc.width, with_results=False
                ),
                "contacts_china": blocks.contacts_table(china, width=doc.width),
                "contacts_home": blocks.contacts_table(home_rows, width=doc.width)
                if home_rows
                else para("No doctor at home is recorded: ask your facilitator."),
            },
        ),
        Spacer(1, 4),
        signature_block(doc.width, ["Patient or caregiver", "Facilitator", "Date"]),
    ]
    return doc.build(story)
