"""Letters: visa invitation request and referral cover letter (the handoff: docs.handoff).

Wording lives in resources/letters/*.j2; the code adds the tables a letter refers to as
[[blocks]] and checks that the facts a letter must state are there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from reportlab.platypus import Flowable, KeepTogether, Paragraph

from caseapp.docs.data import (
    CaseInfo,
    CriterionResult,
    DocumentSettings,
    ReferralLetterData,
    VisaLetterData,
)
from caseapp.docs.errors import MissingFact
from caseapp.docs.flowables import data_table, facts_table, para, rich, signature_block
from caseapp.docs.style import PdfDocument, frame_width
from caseapp.docs.templates import render_story
from caseapp.docs.text import (
    NOT_RECORDED,
    fmt_date,
    fmt_pct,
    fmt_sex,
    markup,
    or_dash,
    or_not_recorded,
)


def require(case: CaseInfo, document: str, facts: Mapping[str, object]) -> None:
    missing = [name for name, value in facts.items() if value in (None, "")]
    if missing:
        raise MissingFact(
            f"The {document} needs the {', the '.join(missing)}; "
            f"{'it is' if len(missing) == 1 else 'they are'} not recorded for {case.ref}."
        )


def letter(
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
    # The closing words never stand alone on a last page: up to two paragraphs before them,
    # the "Yours sincerely" and the signature move together (a table before them stays put).
    tail = 1
    while tail < min(len(story), 4) and isinstance(story[-tail - 1], Paragraph):
        tail += 1
    story[-tail:] = [KeepTogether(story[-tail:])]
    return doc.build(story)


# --- 5. visa invitation request -------------------------------------------------------------


def render_visa_letter(data: VisaLetterData, settings: DocumentSettings) -> bytes:
    case = data.case
    patient = case.patient
    document = "visa invitation request letter"
    require(
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
    return letter(
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
RESULT_WORDS = {
    "met": "meets",
    "not met": "does not meet",
    "unknown": "not known",
    "not applicable": "does not apply",
}


def _criteria_table(criteria: Sequence[CriterionResult], width: float) -> Flowable:
    return data_table(
        ["Criterion", "Patient's finding", "Result"],
        [
            [
                c.label,
                c.finding,
                rich(
                    f'<font color="{_RESULT_COLOURS.get(c.result, "#1f2933")}"><b>'
                    f"{markup(RESULT_WORDS.get(c.result, c.result))}</b></font>",
                    "cell",
                ),
            ]
            for c in criteria
        ],
        [4.6, 3.4, 1.6],
        width=width,
    )


def _long(value: date | None) -> str:
    return fmt_date(value, long=True) if value else NOT_RECORDED


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
    antigens = "; ".join(
        f"{k} {fmt_pct(v)}" if v is not None else f"{k} {NOT_RECORDED}"
        for k, v in clinical.antigen_profile.items()
    )
    summary = facts_table(
        [
            ("Diagnosis", clinical.diagnosis),
            ("Disease status", or_not_recorded(clinical.disease_status)),
            (
                "Bone-marrow blasts",
                NOT_RECORDED if clinical.marrow_blast_pct is None
                else fmt_pct(clinical.marrow_blast_pct),
            ),
            ("Antigens on blasts (flow)", antigens or NOT_RECORDED),
            (
                "Prior lines of therapy",
                NOT_RECORDED if clinical.prior_lines is None else str(clinical.prior_lines),
            ),
        ],
        width=width,
        label_fraction=0.3,
    )  # fmt: skip
    therapies: list[Flowable] = []
    if clinical.prior_therapies:
        therapies.append(
            data_table(
                ["Line", "Regimen", "From", "To", "Response"],
                [
                    [
                        str(i),
                        t.regimen,
                        _long(t.started_on),
                        _long(t.ended_on),
                        or_not_recorded(t.response),
                    ]
                    for i, t in enumerate(clinical.prior_therapies, start=1)
                ],
                [0.6, 4.0, 1.8, 1.8, 1.6],
                width=width,
            )
        )
    enclosed: list[Flowable] = []
    if data.enclosed:
        enclosed.append(
            data_table(
                ["Record", "Dated", "Received"],
                [[r.name, _long(r.document_date), _long(r.received_on)] for r in data.enclosed],
                [5.0, 2.3, 2.3],
                width=width,
            )
        )
    inclusion = [c for c in review.criteria if c.kind == "inclusion"]
    exclusion = [c for c in review.criteria if c.kind == "exclusion"]
    return letter(
        settings,
        title="Referral",
        subject=f"Referral of {case.patient.full_name} to {case.program.code}",
        case=case,
        template="referral-cover.j2",
        data=data,
        extra_blocks={
            "clinical": summary,
            "therapies": therapies,
            "enclosed": enclosed,
            "inclusion": _criteria_table(inclusion, width) if inclusion else [],
            "exclusion": _criteria_table(exclusion, width) if exclusion else [],
        },
    )
