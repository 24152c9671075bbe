"""The handoff letter to the patient's haematologist at home.

Built around what that doctor acts on: the product, CRS and ICANS as they happened, the response
at day +28 with its counts and MRD, the counts and medicines at discharge, the visits still to
come counted from the real discharge day, warning signs, restrictions and a 24-hour line.
Wording lives in resources/letters/local-physician-handoff.j2; one date format (long) throughout.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.platypus import Flowable

from caseapp.docs import blocks
from caseapp.docs.data import (
    BloodCounts,
    CaseInfo,
    DocumentSettings,
    FollowUpContact,
    HandoffLetterData,
    Toxicity,
    TreatmentInfo,
)
from caseapp.docs.errors import MissingFact
from caseapp.docs.flowables import data_table, facts_table, para
from caseapp.docs.letters import letter, require
from caseapp.docs.style import frame_width
from caseapp.docs.text import NOT_RECORDED, fmt_date, fmt_day

# What the letter asks of each visit at the home clinic; response visits add the marrow.
VISIT_CHECKS = "Examination; FBC with differential; chemistry, ferritin, CRP"
MARROW_CHECKS = "; marrow: blasts and MRD"
MARROW_DAYS = frozenset({90, 180, 365})


def _long(value: date | None) -> str:
    return fmt_date(value, long=True) if value else NOT_RECORDED


def _on_day(value: date, day0: date | None) -> str:
    """ "26 March 2026 (day +1)"."""
    if day0 is None:
        return _long(value)
    return f"{_long(value)} (day {fmt_day((value - day0).days)})"


def counts_text(counts: BloodCounts | None) -> str:
    """The three counts with the date they were taken, or "not recorded"."""
    if counts is None:
        return NOT_RECORDED
    return (
        f"ANC {counts.anc.normalize():f} × 10⁹/L, platelets {counts.platelets} × 10⁹/L, "
        f"haemoglobin {counts.haemoglobin} g/L (taken {_long(counts.taken_on)})"
    )


def syndrome_line(kind: str, events: Sequence[Toxicity], day0: date | None) -> str:
    """ "maximum grade 2; onset 26 March 2026 (day +1); lasted 4 days; treated with ..."."""
    if not events:
        return "none"
    worst = max(e.grade for e in events)
    onset = min(e.onset for e in events)
    ends = [e.resolved for e in events]
    if any(end is None for end in ends):
        lasted = "ongoing at the time of this letter"
    else:
        last = max(end for end in ends if end is not None)
        days = (last - onset).days + 1
        lasted = f"lasted {days} day{'s' if days != 1 else ''} (resolved {_long(last)})"
    treated = "; ".join(dict.fromkeys(e.management.strip() for e in events if e.management.strip()))
    parts = [f"maximum grade {worst}", f"onset {_on_day(onset, day0)}", lasted]
    parts.append(f"treated with {treated}" if treated else "treatment not recorded")
    return "; ".join(parts)


def toxicity_summary(treatment: TreatmentInfo, width: float) -> list[Flowable]:
    """CRS and ICANS always (each "none" only when no event of it is recorded), then the rest."""
    day0 = treatment.infusion_on
    rows: list[tuple[str, str | Flowable]] = [
        (label, syndrome_line(kind, [t for t in treatment.toxicities if t.kind == kind], day0))
        for kind, label in (("CRS", "CRS"), ("ICANS", "ICANS"))
    ]
    out: list[Flowable] = [facts_table(rows, width=width, label_fraction=0.14)]
    others = [t for t in treatment.toxicities if t.kind not in ("CRS", "ICANS")]
    if others:
        out.append(
            data_table(
                ["Other event", "Grade", "Onset", "Resolved", "Management"],
                [
                    [
                        t.kind.capitalize(),
                        f"Grade {t.grade}",
                        _on_day(t.onset, day0),
                        _long(t.resolved) if t.resolved else "ongoing",
                        t.management,
                    ]
                    for t in others
                ],
                [1.3, 1.0, 2.2, 1.8, 3.7],
                width=width,
            )
        )
    return out


def schedule_table(
    followups: Sequence[FollowUpContact], discharged_on: date | None, *, width: float
) -> Flowable:
    """Each visit with its date, how long after the real discharge, where, and what is done."""
    rows: list[list[str | Flowable]] = []
    assessment = min(followups, key=lambda c: abs(c.day_offset - 28)).day_offset
    for contact in sorted(followups, key=lambda c: c.due_on):
        when = contact.done_on or contact.due_on
        in_china = discharged_on is not None and when <= discharged_on
        if discharged_on is None:
            after = NOT_RECORDED
        elif in_china:
            after = "before discharge"
        else:
            after = f"{(when - discharged_on).days} days"
        if contact.done_on:
            what = f"Done {_long(contact.done_on)}" + (
                ": response above" if contact.day_offset == assessment else ""
            )
        else:
            what = VISIT_CHECKS + (MARROW_CHECKS if contact.day_offset in MARROW_DAYS else "")
        rows.append(
            [f"Day {fmt_day(contact.day_offset)}", _long(contact.due_on), after,
             "In China" if in_china else "Your clinic", what]
        )  # fmt: skip
    return data_table(
        ["Visit", "Date", "After discharge", "Where", "What is done"],
        rows,
        [1.1, 1.9, 1.2, 1.2, 4.6],
        width=width,
    )


def _contacts(case: CaseInfo, width: float) -> Flowable:
    ward = case.program.ward_phone_24h
    line: list[str | Flowable] = [
        "Treating hospital, 24 hours a day",
        "Haematology ward (day and night)",
        ward or "not recorded: call the international department",
        "",
    ]
    return blocks.contacts_table([line, *blocks.china_contacts(case)], width=width)


def render_handoff_letter(data: HandoffLetterData, settings: DocumentSettings) -> bytes:
    case = data.case
    treatment = data.treatment
    require(
        case,
        "handoff letter",
        {
            "patient's local physician": case.patient.physician,
            "infusion date": treatment.infusion_on,
        },
    )
    if not data.followups:
        raise MissingFact(
            f"The handoff letter needs the follow-up plan; none is recorded for {case.ref}."
        )
    width = frame_width(settings)
    day0 = treatment.infusion_on
    out = treatment.discharged_on
    summary = facts_table(
        [
            ("Product", f"Autologous CAR-T cells targeting {treatment.product_target}"),
            ("Infusion (day 0)", _long(day0)),
            ("Discharge", _on_day(out, day0) if out else NOT_RECORDED),
            ("Counts at discharge", counts_text(data.discharge_counts)),
        ],
        width=width,
        label_fraction=0.22,
    )
    d28 = data.day28
    if d28 is None:
        response: Flowable = para("No day +28 assessment is planned in the follow-up schedule.")
    else:
        response = facts_table(
            [
                (
                    "Assessment",
                    f"Day {fmt_day(d28.day_offset)}, "
                    + (_long(d28.assessed_on) if d28.assessed_on else "not yet done"),
                ),
                ("Response", d28.response or NOT_RECORDED),
                ("MRD", d28.mrd or NOT_RECORDED),
                ("Blood counts", counts_text(d28.counts)),
            ],
            width=width,
            label_fraction=0.22,
        )
    return letter(
        settings,
        title="Handoff to the local physician",
        subject=f"Treatment summary and follow-up for {case.patient.full_name}",
        case=case,
        template="local-physician-handoff.j2",
        data=data,
        extra_blocks={
            "summary": summary,
            "toxicities": toxicity_summary(treatment, width),
            "response": response,
            "medications": blocks.medication_table(
                data.medications,
                width=width,
                missing="No discharge medicines are recorded for this patient; the hospital's "
                "discharge summary lists them.",
            ),
            "schedule": schedule_table(data.followups, out, width=width),
            "contacts": _contacts(case, width),
        },
    )
