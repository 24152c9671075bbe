"""Letters: visa invitation request, referral cover letter, local-physician handoff.

Wording lives in resources/letters/*.j2; the code adds the tables a letter refers to as
[[blocks]] and checks that the facts a letter must state are there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reportlab.platypus import Flowable, KeepTogether

from caseapp.docs import blocks
from caseapp.docs.data import (
    CaseInfo,
    DocumentSettings,
    HandoffLetterData,
    ReferralLetterData,
    VisaLetterData,
)
from caseapp.docs.errors import MissingFact
from caseapp.docs.flowables import data_table, facts_table, para, rich, signature_block
from caseapp.docs.style import PdfDocument, frame_width
from caseapp.docs.templates import render_story
from caseapp.docs.text import DASH, fmt_date, fmt_pct, fmt_sex, markup, or_dash


def _require(case: CaseInfo, document: str, facts: Mapping[str, object]) -> None:
    missing = [name for name, value in facts.items() if value in (None, "")]
    if missing:
        raise MissingFact(
            f"The {document} needs the {', the '.join(missing)}; "
            f"{'it is' if len(missing) == 1 else 'they are'} not recorded for {case.ref}."
        )


def _letter(
    settings: DocumentSettings,
    *,
    title: str,
    subject: str,
    case: CaseInfo,
    template: str,
    data: object,
    extra_blocks: Mapping[str, Flowable | Sequence[Flowable]],
) -> bytes:
    doc = PdfDocument(settings, title=title, subject=subject, case_ref=case.ref)
    signer = case.owner
    signature = signature_block(
        doc.width * 0.6,
        [
            f"{signer.name}, facilitator\n"
            f"{settings.letterhead.agency_name} · {signer.phone} · {signer.email}"
        ],
    )
    story = list(render_story(template, data, {**extra_blocks, "signature": signature}))
    # The closing words never stand alone on a last page: the paragraph before them, the
    # "Yours sincerely" and the signature move together.
    tail = min(len(story), 4)
    story[-tail:] = [KeepTogether(story[-tail:])]
    return doc.build(story)


# --- 5. visa invitation request -------------------------------------------------------------


def render_visa_letter(data: VisaLetterData, settings: DocumentSettings) -> bytes:
    case = data.case
    patient = case.patient
    document = "visa invitation request letter"
    _require(
        case,
        document,
        {
            "patient's date of birth": patient.date_of_birth,
            "patient's passport number": patient.passport_number,
            "planned arrival date": case.planned_arrival,
            "planned departure date": case.planned_departure,
        },
    )
    width = frame_width(settings)
    invitee = facts_table(
        [
            ("Full name", patient.full_name),
            ("Sex", fmt_sex(patient.sex)),
            ("Date of birth", fmt_date(patient.date_of_birth)),
            ("Nationality", patient.nationality),
            ("Passport number", patient.passport_number),
            ("Passport valid until", fmt_date(patient.passport_expiry)),
            ("Relation to inviter", "Patient of the hospital"),
        ],
        width=width,
        label_fraction=0.36,
        columns=2,
    )
    companions: Flowable
    if patient.companions:
        companions = data_table(
            ["Name", "Relation", "Sex", "Born", "Passport", "Valid until"],
            [
                [
                    c.name,
                    c.relation,
                    fmt_sex(c.sex),
                    fmt_date(c.date_of_birth),
                    or_dash(c.passport_number),
                    fmt_date(c.passport_expiry),
                ]
                for c in patient.companions
            ],
            [2.6, 1.4, 1.1, 1.5, 1.6, 1.6],
            width=width,
        )
    else:
        companions = para("The patient travels without a companion.")
    return _letter(
        settings,
        title="Visa invitation request",
        subject=f"Invitation letter request for {patient.full_name}",
        case=case,
        template="visa-invitation-request.j2",
        data=data,
        extra_blocks={"invitee": invitee, "companions": companions},
    )


# --- 6. referral cover letter ---------------------------------------------------------------


_RESULT_COLOURS = {"met": "#1e7a46", "not met": "#b42318", "unknown": "#b45309"}


def render_referral_letter(data: ReferralLetterData, settings: DocumentSettings) -> bytes:
    case = data.case
    review = data.review
    if review is None:
        raise MissingFact(
            f"The referral letter needs a signed eligibility review; none is recorded for "
            f"{case.ref}."
        )
    width = frame_width(settings)
    clinical = data.clinical
    antigens = ", ".join(f"{k} {fmt_pct(v)}" for k, v in clinical.antigen_profile.items())
    summary = facts_table(
        [
            ("Diagnosis", clinical.diagnosis),
            ("Disease status", clinical.disease_status),
            ("Marrow blasts", fmt_pct(clinical.marrow_blast_pct)),
            ("Antigens on blasts (flow)", antigens or DASH),
            ("Prior lines of therapy", str(clinical.prior_lines)),
        ],
        width=width,
        label_fraction=0.3,
    )
    therapies: Flowable
    if clinical.prior_therapies:
        therapies = data_table(
            ["Line", "Regimen", "From", "To", "Response"],
            [
                [
                    str(i),
                    t.regimen,
                    fmt_date(t.started_on),
                    fmt_date(t.ended_on),
                    or_dash(t.response),
                ]
                for i, t in enumerate(clinical.prior_therapies, start=1)
            ],
            [0.6, 4.2, 1.5, 1.5, 2.2],
            width=width,
        )
    else:
        therapies = para("No prior regimens are recorded.")
    criteria = data_table(
        ["Criterion", "Kind", "Patient's value", "Result"],
        [
            [
                c.label,
                c.kind,
                c.fact_value,
                rich(
                    f'<font color="{_RESULT_COLOURS.get(c.result, "#1f2933")}"><b>'
                    f"{markup(c.result)}</b></font>",
                    "cell",
                ),
            ]
            for c in review.criteria
        ],
        [4.6, 1.3, 2.6, 1.3],
        width=width,
    )
    return _letter(
        settings,
        title="Referral",
        subject=f"Referral of {case.patient.full_name} to {case.program.code}",
        case=case,
        template="referral-cover.j2",
        data=data,
        extra_blocks={"clinical": summary, "therapies": therapies, "criteria": criteria},
    )


# --- 7. local-physician handoff -------------------------------------------------------------


def render_handoff_letter(data: HandoffLetterData, settings: DocumentSettings) -> bytes:
    case = data.case
    physician = case.patient.physician
    _require(
        case,
        "handoff letter",
        {
            "patient's local physician": physician,
            "infusion date": data.treatment.infusion_on,
        },
    )
    if not data.followups:
        raise MissingFact(
            f"The handoff letter needs the follow-up plan; none is recorded for {case.ref}."
        )
    width = frame_width(settings)
    treatment = data.treatment
    response = or_dash(treatment.response)
    if treatment.response_assessed_on:
        response += f" (assessed {fmt_date(treatment.response_assessed_on)})"
    summary = facts_table(
        [
            (
                "Product",
                f"CAR-T cells targeting {treatment.product_target} "
                f"({case.program.name}, {case.program.code})",
            ),
            ("Infusion (day 0)", fmt_date(treatment.infusion_on)),
            ("Discharge", fmt_date(treatment.discharged_on)),
            ("Response", response),
            ("MRD", or_dash(treatment.mrd)),
        ],
        width=width,
        label_fraction=0.26,
    )
    contacts = blocks.contacts_table(blocks.china_contacts(case), width=width)
    return _letter(
        settings,
        title="Handoff to the local physician",
        subject=f"Treatment summary and follow-up for {case.patient.full_name}",
        case=case,
        template="local-physician-handoff.j2",
        data=data,
        extra_blocks={
            "summary": summary,
            "milestones": blocks.milestone_table(treatment, width=width),
            "toxicities": blocks.toxicity_table(treatment, width=width),
            "followups": blocks.followup_table(data.followups, width=width),
            "contacts": contacts,
        },
    )
