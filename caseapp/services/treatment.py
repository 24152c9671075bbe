"""Treatment: milestones on the day-0 scale, ASTCT toxicity grades, and costs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.models import (
    COST_CATEGORIES,
    MILESTONE_KINDS,
    Case,
    CaseDocument,
    CostLine,
    FollowupContact,
    Milestone,
    ToxicityEvent,
)
from caseapp.services.astct import crs_grade as crs_grade  # re-exported: graded where recorded
from caseapp.services.astct import icans_grade as icans_grade
from caseapp.services.context import ServiceContext
from caseapp.services.errors import Blocker, NotFound, ValidationError
from caseapp.services.lookup import get_case
from caseapp.services.validation import AmountRule, parse_amount

HANDOFF_LETTER = "handoff-letter"


def day_label(day: date, infusion: date | None) -> str:
    """'D0' for the infusion day, 'D-5' / 'D+14' relative to it; '' without an infusion date."""
    if infusion is None:
        return ""
    offset = (day - infusion).days
    return "D0" if offset == 0 else f"D{offset:+d}"


# ---- read models --------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneRow:
    kind: str
    planned_on: date | None
    done_on: date | None
    day: str
    notes: str


@dataclass(frozen=True)
class ToxicityRow:
    id: int
    kind: str
    grade: int
    onset_on: date
    onset_day: str
    resolved_on: date | None
    treatment: str


@dataclass(frozen=True)
class CostRow:
    id: int
    category: str
    description: str
    estimated: Decimal
    actual: Decimal | None
    currency: str
    incurred_on: date | None


def infusion_date(milestones: Sequence[Milestone]) -> date | None:
    for m in milestones:
        if m.kind == "infusion":
            return m.done_on or m.planned_on
    return None


def milestone_rows(session: Session, case_id: int) -> list[MilestoneRow]:
    found = {
        m.kind: m for m in session.scalars(select(Milestone).where(Milestone.case_id == case_id))
    }
    day0 = infusion_date(list(found.values()))
    rows = []
    for kind in MILESTONE_KINDS:
        m = found.get(kind)
        when = (m.done_on or m.planned_on) if m else None
        rows.append(
            MilestoneRow(
                kind,
                m.planned_on if m else None,
                m.done_on if m else None,
                day_label(when, day0) if when else "",
                m.notes if m else "",
            )
        )
    return rows


def toxicity_rows(session: Session, case_id: int, day0: date | None) -> list[ToxicityRow]:
    events = session.scalars(
        select(ToxicityEvent)
        .where(ToxicityEvent.case_id == case_id)
        .order_by(ToxicityEvent.onset_on, ToxicityEvent.id)
    )
    return [
        ToxicityRow(
            t.id,
            t.kind,
            t.grade,
            t.onset_on,
            day_label(t.onset_on, day0),
            t.resolved_on,
            t.treatment,
        )
        for t in events
    ]


def cost_rows(session: Session, case_id: int) -> list[CostRow]:
    lines = session.scalars(
        select(CostLine).where(CostLine.case_id == case_id).order_by(CostLine.id)
    )
    return [
        CostRow(c.id, c.category, c.description, c.estimated, c.actual, c.currency, c.incurred_on)
        for c in lines
    ]


def treatment_blockers(
    milestones: Sequence[MilestoneRow], has_followup_plan: bool, has_handoff_letter: bool
) -> list[Blocker]:
    out = []
    infusion = next((m for m in milestones if m.kind == "infusion"), None)
    discharge = next((m for m in milestones if m.kind == "discharge"), None)
    if infusion is None or infusion.done_on is None:
        out.append(Blocker("treatment", "The CAR-T infusion (day 0) is not recorded as done."))
    if discharge is None or discharge.done_on is None:
        out.append(Blocker("treatment", "The discharge from hospital is not recorded."))
    elif infusion is not None and infusion.done_on and discharge.done_on < infusion.done_on:
        out.append(
            Blocker(
                "treatment",
                f"The discharge ({discharge.done_on}) is dated before the infusion "
                f"({infusion.done_on}); correct the milestone dates.",
            )
        )
    if not has_followup_plan:
        out.append(
            Blocker("followup", "No follow-up plan exists; create it from the infusion date.")
        )
    if not has_handoff_letter:
        out.append(
            Blocker("documents", "The local-physician handoff letter has not been generated.")
        )
    return out


# ---- use cases ----------------------------------------------------------------------------


def record_milestone(
    ctx: ServiceContext,
    ref: str,
    kind: str,
    *,
    planned_on: date | None = None,
    done_on: date | None = None,
    notes: str = "",
) -> list[MilestoneRow]:
    ctx.require("treatment.edit")
    if kind not in MILESTONE_KINDS:
        raise ValidationError(f"Milestone must be one of {', '.join(MILESTONE_KINDS)}.", "kind")
    if done_on is not None and done_on > ctx.today():
        raise ValidationError(
            "A milestone cannot be done in the future; set the planned date.", "done_on"
        )
    with ctx.unit_of_work() as uow:
        case = get_case(uow.session, ref)
        uow.case_id = case.id
        m = uow.session.scalar(
            select(Milestone).where(Milestone.case_id == case.id, Milestone.kind == kind)
        )
        if m is None:
            m = Milestone(case_id=case.id, kind=kind)
            uow.session.add(m)
        m.planned_on, m.done_on, m.notes = planned_on, done_on, notes.strip()
        uow.session.flush()
        _check_order(milestone_rows(uow.session, case.id))
        return milestone_rows(uow.session, case.id)


def _check_order(rows: Sequence[MilestoneRow]) -> None:
    """Milestones happen in order; a discharge before the infusion is a typing error."""
    dated = [(r.kind, r.done_on or r.planned_on) for r in rows if (r.done_on or r.planned_on)]
    fixed = ("admission", "apheresis", "lymphodepletion", "infusion", "discharge")
    seq = [(k, d) for k, d in dated if k in fixed]
    for (k1, d1), (k2, d2) in pairwise(seq):
        if d1 and d2 and d2 < d1:
            raise ValidationError(
                f"The {k2} date ({d2}) cannot be before the {k1} date ({d1}).", k2
            )


def _money(text: str | None, field: str) -> Decimal | None:
    if text is None or not str(text).strip():
        return None
    value = parse_amount(text, field, AmountRule(high=Decimal("1e12")))
    return value.quantize(Decimal("0.01"))


def save_cost(
    ctx: ServiceContext,
    ref: str,
    category: str,
    estimated: str,
    actual: str | None = None,
    description: str = "",
    currency: str = "CNY",
    incurred_on: date | None = None,
    line_id: int | None = None,
) -> CostRow:
    ctx.require("costs.edit")
    if category not in COST_CATEGORIES:
        raise ValidationError(
            f"Cost category must be one of {', '.join(COST_CATEGORIES)}.", "category"
        )
    est = _money(estimated, "estimated") or Decimal("0.00")
    act = _money(actual, "actual")
    if len(currency.strip()) != 3:
        raise ValidationError("Currency is a three-letter code such as CNY.", "currency")
    with ctx.unit_of_work() as uow:
        case = get_case(uow.session, ref)
        uow.case_id = case.id
        code = currency.strip().upper()
        if code not in ("CNY", case.home_currency):
            # Totals convert with the case's one rate: a third currency would be summed wrongly.
            raise ValidationError(
                f"Enter the cost in CNY or in the case's currency ({case.home_currency}).",
                "currency",
            )
        if line_id is None:
            line = CostLine(case_id=case.id)
            uow.session.add(line)
        else:
            found = uow.session.get(CostLine, line_id)
            if found is None or found.case_id != case.id:
                raise NotFound(f"Case {case.ref} has no cost line {line_id}.")
            line = found
        line.category, line.description, line.estimated, line.actual = (
            category,
            description.strip(),
            est,
            act,
        )
        line.currency, line.incurred_on = currency.strip().upper(), incurred_on
        uow.session.flush()
        return next(r for r in cost_rows(uow.session, case.id) if r.id == line.id)


def remove_cost(ctx: ServiceContext, ref: str, line_id: int) -> None:
    ctx.require("costs.edit")
    with ctx.unit_of_work() as uow:
        case = get_case(uow.session, ref)
        uow.case_id = case.id
        line = uow.session.get(CostLine, line_id)
        if line is None or line.case_id != case.id:
            raise NotFound(f"Case {case.ref} has no cost line {line_id}.")
        uow.session.delete(line)


def has_document(session: Session, case_id: int, kind: str) -> bool:
    return (
        session.scalar(
            select(CaseDocument.id)
            .where(CaseDocument.case_id == case_id, CaseDocument.kind == kind)
            .limit(1)
        )
        is not None
    )


def has_followup_plan(session: Session, case_id: int) -> bool:
    return (
        session.scalar(
            select(FollowupContact.id).where(FollowupContact.case_id == case_id).limit(1)
        )
        is not None
    )


def case_of(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"There is no case with id {case_id}.")
    return case


def record_document(ctx: ServiceContext, ref: str, kind: str, content: bytes) -> int:
    """Keep a generated document (letter, checklist, packet) with the case; returns its id."""
    import hashlib

    ctx.require("documents.generate")
    if not content:
        raise ValidationError("The document is empty.", "content")
    with ctx.unit_of_work() as uow:
        case = get_case(uow.session, ref)
        uow.case_id = case.id
        doc = CaseDocument(
            case_id=case.id,
            kind=kind,
            created_at=uow.now,
            created_by=ctx.actor.id,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            content=content,
        )
        uow.session.add(doc)
        uow.session.flush()
        return doc.id
