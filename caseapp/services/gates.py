"""The gate of each stage, evaluated for one case or for thousands at once with a few queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseapp.models import (
    BloodCount,
    Case,
    CaseDocument,
    Companion,
    DischargeMedication,
    EligibilityReview,
    FollowupContact,
    LodgingBooking,
    LodgingOccupant,
    Milestone,
    Patient,
    RecordItem,
    RecordRequirement,
    ReviewCriterionResult,
    VisaApplication,
)
from caseapp.services.discharge import discharge_blockers
from caseapp.services.eligibility import UNKNOWN, ReviewState, eligibility_blockers
from caseapp.services.errors import Blocker
from caseapp.services.followup import ContactRow, followup_blockers
from caseapp.services.interpreters import appointment_rows, interpreter_blockers
from caseapp.services.lodging import PATIENT, lodging_blockers
from caseapp.services.records import RecordState, records_blockers
from caseapp.services.treatment import HANDOFF_LETTER, MilestoneRow, treatment_blockers
from caseapp.services.visa import VisaState, passport_blocker, visa_blockers


@dataclass(frozen=True)
class CaseHead:
    """The few facts of a case every gate needs, read in one query for many cases."""

    id: int
    stage: str
    program_id: int
    patient_id: int
    patient_name: str
    languages: tuple[str, ...]
    passport_expiry: date
    arrival: date | None
    departure: date | None


def heads(session: Session, case_ids: Sequence[int] | None = None) -> list[CaseHead]:
    q = select(
        Case.id,
        Case.stage,
        Case.program_id,
        Case.patient_id,
        Patient.full_name,
        Patient.languages,
        Patient.passport_expiry,
        Case.planned_arrival,
        Case.planned_departure,
    ).join(Patient, Patient.id == Case.patient_id)
    if case_ids is not None:
        q = q.where(Case.id.in_(case_ids))
    return [
        CaseHead(r[0], r[1], r[2], r[3], r[4], tuple(r[5]), r[6], r[7], r[8])
        for r in session.execute(q)
    ]


def gate_blockers(
    session: Session, cases: Sequence[CaseHead], today: date
) -> dict[int, list[Blocker]]:
    """Blockers (and warnings) of each case's current stage gate."""
    by_stage: dict[str, list[CaseHead]] = defaultdict(list)
    for c in cases:
        by_stage[c.stage].append(c)
    out: dict[int, list[Blocker]] = {c.id: [] for c in cases}
    for stage, group in by_stage.items():
        check = _GATES.get(stage)
        if check is not None:
            for chunk in _chunks(group, 900):  # keep IN (...) lists under SQLite's limit
                out.update(check(session, chunk, today))
    return out


def _chunks(items: Sequence[CaseHead], size: int) -> list[Sequence[CaseHead]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _records(session: Session, cases: Sequence[CaseHead], today: date) -> dict[int, list[Blocker]]:
    ids = [c.id for c in cases]
    programs = {c.program_id for c in cases}
    reqs: dict[int, list[RecordRequirement]] = defaultdict(list)
    for r in session.scalars(
        select(RecordRequirement)
        .where(RecordRequirement.program_id.in_(programs))
        .order_by(RecordRequirement.position)
    ):
        reqs[r.program_id].append(r)
    ri = RecordItem
    items = {
        (r.case_id, r.requirement_id): r
        for r in session.execute(
            select(
                ri.case_id, ri.requirement_id, ri.received_on, ri.document_date, ri.waived
            ).where(ri.case_id.in_(ids))
        )
    }
    out = {}
    for c in cases:
        states = []
        for req in reqs[c.program_id]:
            item = items.get((c.id, req.id))
            s = RecordState(
                req.code,
                req.name,
                req.required,
                req.max_age_days,
                item.received_on if item else None,
                item.document_date if item else None,
                item.waived if item else False,
            )
            states.append(s)
        out[c.id] = records_blockers(states, today)
    return out


def latest_reviews(session: Session, case_ids: Sequence[int]) -> dict[int, ReviewState]:
    latest = (
        select(func.max(EligibilityReview.id))
        .where(EligibilityReview.case_id.in_(case_ids))
        .group_by(EligibilityReview.case_id)
    )
    reviews = {
        r.id: r
        for r in session.scalars(select(EligibilityReview).where(EligibilityReview.id.in_(latest)))
    }
    unknown: dict[int, list[str]] = defaultdict(list)
    for review_id, label in session.execute(
        select(ReviewCriterionResult.review_id, ReviewCriterionResult.label).where(
            ReviewCriterionResult.review_id.in_(list(reviews)),
            ReviewCriterionResult.required.is_(True),
            ReviewCriterionResult.result == UNKNOWN,
        )
    ):
        unknown[review_id].append(label)
    return {
        r.case_id: ReviewState(
            r.program_id, r.decision, tuple(unknown[r.id]), signed_on=r.signed_at.date()
        )
        for r in reviews.values()
    }


def _eligibility(
    session: Session, cases: Sequence[CaseHead], _today: date
) -> dict[int, list[Blocker]]:
    reviews = latest_reviews(session, [c.id for c in cases])
    return {c.id: eligibility_blockers(reviews.get(c.id), c.program_id) for c in cases}


def _visa(session: Session, cases: Sequence[CaseHead], _today: date) -> dict[int, list[Blocker]]:
    apps = {
        a.case_id: a
        for a in session.scalars(
            select(VisaApplication).where(VisaApplication.case_id.in_([c.id for c in cases]))
        )
    }
    out = {}
    for c in cases:
        a = apps.get(c.id)
        state = (
            None
            if a is None
            else VisaState(
                a.visa_type,
                a.status,
                a.invitation_letter_on,
                a.submitted_on,
                a.decided_on,
                a.entry_from,
                a.entry_until,
                a.allowed_stay_days,
                a.entries,
            )
        )
        out[c.id] = visa_blockers(state, c.passport_expiry, c.arrival, c.departure)
    # Companions travel on visas of their own: their passports follow the same 6-month rule.
    by_patient: dict[int, list[CaseHead]] = defaultdict(list)
    for c in cases:
        by_patient[c.patient_id].append(c)
    for patient_id, name, expiry in session.execute(
        select(Companion.patient_id, Companion.full_name, Companion.passport_expiry).where(
            Companion.patient_id.in_(list(by_patient))
        )
    ):
        for c in by_patient[patient_id]:
            if expiry is None:
                out[c.id].append(
                    Blocker("overview", f"{name}'s passport expiry is not recorded.", "warn")
                )
            elif (b := passport_blocker(expiry, c.departure, f"{name}'s")) is not None:
                out[c.id].append(b)
    return out


def _lodging(session: Session, cases: Sequence[CaseHead], _today: date) -> dict[int, list[Blocker]]:
    ids = [c.id for c in cases]
    companions: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for cid, pid, name in session.execute(
        select(Companion.id, Companion.patient_id, Companion.full_name)
        .where(Companion.patient_id.in_([c.patient_id for c in cases]))
        .order_by(Companion.id)
    ):
        companions[pid].append((cid, name))
    stays: dict[tuple[int, int], list[tuple[date, date]]] = defaultdict(list)
    for case_id, companion_id, check_in, check_out in session.execute(
        select(
            LodgingBooking.case_id,
            LodgingOccupant.companion_id,
            LodgingBooking.check_in,
            LodgingBooking.check_out,
        )
        .join(LodgingOccupant, LodgingOccupant.booking_id == LodgingBooking.id)
        .where(LodgingBooking.case_id.in_(ids))
    ):
        stays[(case_id, companion_id or PATIENT)].append((check_in, check_out))
    out = {}
    for c in cases:
        people = [(c.patient_name, stays[(c.id, PATIENT)])]
        people += [
            (f"{name} (companion)", stays[(c.id, cid)]) for cid, name in companions[c.patient_id]
        ]
        out[c.id] = lodging_blockers(c.arrival, c.departure, people)
    return out


def _interpreters(
    session: Session, cases: Sequence[CaseHead], _today: date
) -> dict[int, list[Blocker]]:
    rows = appointment_rows(
        session, [c.id for c in cases], {c.id: list(c.languages) for c in cases}
    )
    out = {}
    for c in cases:
        appts = rows.get(c.id, [])
        out[c.id] = (
            interpreter_blockers(appts)
            if appts
            else [Blocker("interpreters", "No appointments are scheduled yet.")]
        )
    return out


def _treatment(
    session: Session, cases: Sequence[CaseHead], _today: date
) -> dict[int, list[Blocker]]:
    ids = [c.id for c in cases]
    done: dict[tuple[int, str], date | None] = {
        (case_id, kind): done_on
        for case_id, kind, done_on in session.execute(
            select(Milestone.case_id, Milestone.kind, Milestone.done_on).where(
                Milestone.case_id.in_(ids), Milestone.kind.in_(("infusion", "discharge"))
            )
        )
    }
    planned = set(
        session.scalars(
            select(FollowupContact.case_id).where(FollowupContact.case_id.in_(ids)).distinct()
        )
    )
    letters = set(
        session.scalars(
            select(CaseDocument.case_id)
            .where(CaseDocument.case_id.in_(ids), CaseDocument.kind == HANDOFF_LETTER)
            .distinct()
        )
    )
    medicines: dict[int, int] = dict(
        session.execute(
            select(DischargeMedication.case_id, func.count())
            .where(DischargeMedication.case_id.in_(ids))
            .group_by(DischargeMedication.case_id)
        ).all()
    )
    counted = set(
        session.scalars(
            select(BloodCount.case_id).where(
                BloodCount.case_id.in_(ids), BloodCount.moment == "discharge"
            )
        )
    )
    out = {}
    for c in cases:
        rows = [
            MilestoneRow(kind, None, done[(c.id, kind)], "", "")
            for kind in ("infusion", "discharge")
            if (c.id, kind) in done
        ]
        out[c.id] = treatment_blockers(rows, c.id in planned, c.id in letters)
        out[c.id] += discharge_blockers(medicines.get(c.id, 0), c.id in counted)
    return out


def _followup(
    session: Session, cases: Sequence[CaseHead], _today: date
) -> dict[int, list[Blocker]]:
    contacts: dict[int, list[ContactRow]] = defaultdict(list)
    fc = FollowupContact
    for f in session.execute(
        select(fc.id, fc.case_id, fc.day_offset, fc.due_on, fc.done_on, fc.missed, fc.note,
               fc.response, fc.mrd)
        .where(fc.case_id.in_([c.id for c in cases])).order_by(fc.day_offset)
    ):  # fmt: skip
        contacts[f.case_id].append(
            ContactRow(f.id, f.day_offset, f.due_on, f.done_on, f.missed, f.note, f.response, f.mrd)
        )
    return {c.id: followup_blockers(contacts[c.id]) for c in cases}


_GATES = {
    "records": _records,
    "eligibility": _eligibility,
    "visa": _visa,
    "lodging": _lodging,
    "interpreters": _interpreters,
    "treatment": _treatment,
    "followup": _followup,
}
