"""The toxicity log: add, correct, resolve and remove events, with ASTCT grades checked.

Every entry can be corrected: a wrong row is edited, a resolved one gets its date, and one
entered by mistake is removed with a reason the audit keeps. Dates must fit the treatment:
CRS and ICANS begin on or after the infusion (day 0), and nothing begins outside the stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.models import TOXICITY_KINDS, Case, Milestone, ToxicityEvent
from caseapp.services.astct import IcansFindings, crs_grade, icans_grade_of
from caseapp.services.context import ServiceContext, UnitOfWork
from caseapp.services.errors import NotFound, ValidationError
from caseapp.services.lookup import get_case
from caseapp.services.treatment import ToxicityRow, infusion_date, toxicity_rows
from caseapp.services.validation import check_date, check_text

KINDS = TOXICITY_KINDS  # what the form offers (the UI does not read the models)
CAR_T_TOXICITIES = ("CRS", "ICANS")  # caused by the infused cells: never before day 0


@dataclass(frozen=True)
class CrsFindings:
    fever: bool
    hypotension: str = "none"
    hypoxia: str = "none"


@dataclass(frozen=True)
class ToxicityInput:
    """What the form sends; with findings, the grade must be the one they give."""

    kind: str
    grade: int
    onset_on: date
    resolved_on: date | None = None
    treatment: str = ""
    crs: CrsFindings | None = None
    icans: IcansFindings | None = None


def findings_grade(data: ToxicityInput) -> int | None:
    """The ASTCT grade of the findings given for this kind; None without findings."""
    if data.kind == "CRS" and data.crs is not None:
        return crs_grade(data.crs.fever, data.crs.hypotension, data.crs.hypoxia)
    if data.kind == "ICANS" and data.icans is not None:
        return icans_grade_of(data.icans)
    return None


def _check_input(data: ToxicityInput, today: date) -> ToxicityInput:
    if data.kind not in TOXICITY_KINDS:
        raise ValidationError(f"Toxicity must be one of {', '.join(TOXICITY_KINDS)}.", "kind")
    graded = findings_grade(data)
    if graded == 0:
        raise ValidationError(
            f"These findings are no {data.kind} by the ASTCT criteria (grade 0).", "grade"
        )
    if graded is not None and graded != data.grade:
        raise ValidationError(
            f"The findings give {data.kind} grade {graded} (ASTCT), not grade {data.grade}.",
            "grade",
        )
    if not 1 <= data.grade <= 4:
        raise ValidationError("ASTCT grades run from 1 to 4.", "grade")
    check_date(data.onset_on, "onset_on")
    if data.onset_on > today:
        raise ValidationError("The onset cannot be in the future.", "onset_on")
    _check_resolved(data.onset_on, data.resolved_on, today)
    return data


def _check_resolved(onset_on: date, resolved_on: date | None, today: date) -> None:
    if resolved_on is None:
        return
    check_date(resolved_on, "resolved_on")
    if resolved_on < onset_on:
        raise ValidationError("A toxicity cannot resolve before its onset.", "resolved_on")
    if resolved_on > today:
        raise ValidationError("The resolved date cannot be in the future.", "resolved_on")


def stay_of(case: Case, milestones: list[Milestone]) -> tuple[date | None, date | None]:
    """The patient's time in China: planned arrival or admission, whichever is earlier, to
    planned departure or the recorded discharge, whichever is later."""
    dates = {m.kind: m.done_on or m.planned_on for m in milestones}
    starts = [d for d in (case.planned_arrival, dates.get("admission")) if d]
    ends = [d for d in (case.planned_departure, dates.get("discharge")) if d]
    return (min(starts) if starts else None, max(ends) if ends else None)


def _check_onset(kind: str, onset_on: date, case: Case, milestones: list[Milestone]) -> None:
    day0 = infusion_date(milestones)
    if kind in CAR_T_TOXICITIES:
        if day0 is None:
            raise ValidationError(
                f"Record the infusion date (day 0) before a {kind}: it follows the infusion.",
                "onset_on",
            )
        if onset_on < day0:
            raise ValidationError(
                f"{kind} cannot begin before the infusion (day 0, {day0.isoformat()}); "
                f"the onset {onset_on.isoformat()} is {(day0 - onset_on).days} days earlier.",
                "onset_on",
            )
    start, end = stay_of(case, milestones)
    if (start and onset_on < start) or (end and onset_on > end):
        stay = f"{start.isoformat() if start else '?'} to {end.isoformat() if end else '?'}"
        raise ValidationError(
            f"The onset {onset_on.isoformat()} is outside the stay in China ({stay}).",
            "onset_on",
        )


def _milestones(session: Session, case_id: int) -> list[Milestone]:
    return list(session.scalars(select(Milestone).where(Milestone.case_id == case_id)))


def _event(uow: UnitOfWork, case: Case, toxicity_id: int) -> ToxicityEvent:
    t = uow.session.get(ToxicityEvent, toxicity_id)
    if t is None or t.case_id != case.id:
        raise NotFound(f"Case {case.ref} has no toxicity event {toxicity_id}.")
    return t


def _row(session: Session, case_id: int, event_id: int, milestones: list[Milestone]) -> ToxicityRow:
    day0 = infusion_date(milestones)
    return next(r for r in toxicity_rows(session, case_id, day0) if r.id == event_id)


def save_toxicity(
    ctx: ServiceContext, ref: str, data: ToxicityInput, toxicity_id: int | None = None
) -> ToxicityRow:
    """Add a toxicity event, or correct one (by id): kind, grade, dates and treatment."""
    ctx.require("treatment.edit")
    data = _check_input(data, ctx.today())
    text = check_text(data.treatment, "treatment").strip()
    with ctx.unit_of_work() as uow:
        case = get_case(uow.session, ref)
        uow.case_id = case.id
        milestones = _milestones(uow.session, case.id)
        _check_onset(data.kind, data.onset_on, case, milestones)
        if toxicity_id is None:
            t = ToxicityEvent(case_id=case.id)
            uow.session.add(t)
        else:
            t = _event(uow, case, toxicity_id)
        t.kind, t.grade, t.onset_on = data.kind, data.grade, data.onset_on
        t.resolved_on, t.treatment = data.resolved_on, text
        uow.session.flush()
        return _row(uow.session, case.id, t.id, milestones)


def resolve_toxicity(
    ctx: ServiceContext, ref: str, toxicity_id: int, resolved_on: date | None
) -> ToxicityRow:
    """Record the day a toxicity resolved (None: ongoing again)."""
    ctx.require("treatment.edit")
    with ctx.unit_of_work() as uow:
        case = get_case(uow.session, ref)
        uow.case_id = case.id
        t = _event(uow, case, toxicity_id)
        _check_resolved(t.onset_on, resolved_on, ctx.today())
        t.resolved_on = resolved_on
        uow.session.flush()
        return _row(uow.session, case.id, t.id, _milestones(uow.session, case.id))


def remove_toxicity(ctx: ServiceContext, ref: str, toxicity_id: int, reason: str) -> None:
    """Remove an event entered by mistake; the audit keeps what it was and why it went."""
    ctx.require("treatment.edit")
    why = check_text(reason, "reason").strip()
    if not why:
        raise ValidationError("Say why the toxicity is removed (kept in the audit).", "reason")
    with ctx.unit_of_work() as uow:
        case = get_case(uow.session, ref)
        uow.case_id = case.id
        t = _event(uow, case, toxicity_id)
        uow.note("ToxicityEvent", t.id, "removed", reason=why)
        uow.session.delete(t)


def add_toxicity(
    ctx: ServiceContext,
    ref: str,
    kind: str,
    grade: int,
    onset_on: date,
    resolved_on: date | None = None,
    treatment: str = "",
) -> ToxicityRow:
    """Add a toxicity event from its parts (scripts and tests; the window uses save_toxicity)."""
    return save_toxicity(ctx, ref, ToxicityInput(kind, grade, onset_on, resolved_on, treatment))
