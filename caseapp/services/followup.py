"""Follow-up after the return home: the schedule from day 0, and contacts done or missed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.models import MRD_STATUSES, RESPONSES, FollowupContact, Milestone
from caseapp.services.context import ServiceContext
from caseapp.services.errors import Blocker, NotFound, ValidationError
from caseapp.services.lookup import get_case
from caseapp.services.treatment import infusion_date

DEFAULT_PLAN_DAYS = (28, 60, 90, 180, 365)
# A contact done further than this from its due date is probably a wrong date (a day +365
# contact marked done on day +1): accepted, but said where it is entered and at the gate.
DUE_TOLERANCE_DAYS = 14


def followup_schedule(infusion: date, plan_days: Sequence[int]) -> list[tuple[int, date]]:
    """(day offset, due date) for each planned contact, in order, without repeats."""
    return [(d, infusion + timedelta(days=d)) for d in sorted(set(plan_days))]


@dataclass(frozen=True)
class ContactRow:
    id: int
    day_offset: int
    due_on: date
    done_on: date | None
    missed: bool
    note: str
    response: str
    mrd: str

    def status(self, today: date) -> str:
        if self.done_on:
            return "done"
        if self.missed:
            return "missed"
        return "overdue" if self.due_on < today else "planned"


def contact_rows(session: Session, case_id: int) -> list[ContactRow]:
    return [
        ContactRow(c.id, c.day_offset, c.due_on, c.done_on, c.missed, c.note, c.response, c.mrd)
        for c in session.scalars(
            select(FollowupContact)
            .where(FollowupContact.case_id == case_id)
            .order_by(FollowupContact.day_offset)
        )
    ]


def done_date_warning(day_offset: int, due_on: date, done_on: date | None) -> str:
    """A sentence when a done date is more than DUE_TOLERANCE_DAYS from the due date."""
    if done_on is None:
        return ""
    apart = (done_on - due_on).days
    if abs(apart) <= DUE_TOLERANCE_DAYS:
        return ""
    side = "after" if apart > 0 else "before"
    return (
        f"The day +{day_offset} contact is marked done on {done_on.isoformat()}, "
        f"{abs(apart)} days {side} its due date {due_on.isoformat()} (more than "
        f"{DUE_TOLERANCE_DAYS}): check the date."
    )


def check_done_on(done_on: date, infusion: date | None, today: date) -> None:
    """A contact is done between the infusion (day 0) and today."""
    if done_on > today:
        raise ValidationError("The contact date cannot be in the future.", "done_on")
    if infusion is not None and done_on < infusion:
        raise ValidationError(
            f"A follow-up contact cannot be done before the infusion (day 0, "
            f"{infusion.isoformat()}).",
            "done_on",
        )


def followup_blockers(contacts: Sequence[ContactRow]) -> list[Blocker]:
    if not contacts:
        return [Blocker("followup", "No follow-up plan exists.")]
    out = []
    for c in contacts:
        if c.done_on is None and not c.missed:
            out.append(
                Blocker(
                    "followup",
                    f"The day +{c.day_offset} contact (due "
                    f"{c.due_on.isoformat()}) is neither done nor marked missed.",
                )
            )
        elif c.missed and not c.note.strip():
            out.append(Blocker("followup", f"The missed day +{c.day_offset} contact needs a note."))
        warning = done_date_warning(c.day_offset, c.due_on, c.done_on)
        if warning:
            out.append(Blocker("followup", warning, "warn"))
    return out


def contacts(ctx: ServiceContext, ref: str) -> list[ContactRow]:
    with ctx.read() as s:
        return contact_rows(s, get_case(s, ref).id)


def create_plan(
    ctx: ServiceContext, ref: str, plan_days: Sequence[int] | None = None
) -> list[ContactRow]:
    """Create (or re-date) the follow-up contacts from the infusion date; done ones are kept."""
    ctx.require("followup.edit")
    days = list(plan_days) if plan_days else None
    if days is not None and (not days or any(d <= 0 or d > 3650 for d in days)):
        raise ValidationError(
            "Follow-up days must be between 1 and 3650 after infusion.", "plan_days"
        )
    with ctx.unit_of_work() as uow:
        s = uow.session
        case = get_case(s, ref)
        uow.case_id = case.id
        day0 = _day0(s, case.id)
        if day0 is None:
            raise ValidationError(
                "Record the infusion date (day 0) before planning follow-up.", "infusion"
            )
        if days is not None:
            case.followup_plan_days = days
        existing = {
            c.day_offset: c
            for c in s.scalars(select(FollowupContact).where(FollowupContact.case_id == case.id))
        }
        wanted = followup_schedule(day0, case.followup_plan_days or list(DEFAULT_PLAN_DAYS))
        for offset, due in wanted:
            c = existing.pop(offset, None)
            if c is None:
                s.add(FollowupContact(case_id=case.id, day_offset=offset, due_on=due))
            elif c.done_on is None:
                c.due_on = due
        for c in existing.values():
            if c.done_on is None and not c.missed:
                s.delete(c)
        s.flush()
        return contact_rows(s, case.id)


def record_contact(
    ctx: ServiceContext,
    ref: str,
    contact_id: int,
    *,
    done_on: date | None = None,
    missed: bool = False,
    note: str = "",
    response: str = "",
    mrd: str = "",
) -> ContactRow:
    """Mark a contact done (with response and MRD) or missed (with a note)."""
    ctx.require("followup.edit")
    if done_on and missed:
        raise ValidationError("A contact is either done or missed, not both.", "missed")
    if missed and not note.strip():
        raise ValidationError("Say why the contact was missed.", "note")
    if done_on:
        check_done_on(done_on, None, ctx.today())
    if response and response not in RESPONSES:
        raise ValidationError(f"Response must be one of {', '.join(RESPONSES)}.", "response")
    if mrd and mrd not in MRD_STATUSES:
        raise ValidationError(f"MRD must be one of {', '.join(MRD_STATUSES)}.", "mrd")
    with ctx.unit_of_work() as uow:
        case = get_case(uow.session, ref)
        uow.case_id = case.id
        c = uow.session.get(FollowupContact, contact_id)
        if c is None or c.case_id != case.id:
            raise NotFound(f"Case {case.ref} has no follow-up contact {contact_id}.")
        if done_on:
            check_done_on(done_on, _day0(uow.session, case.id), ctx.today())
        c.done_on, c.missed, c.note, c.response, c.mrd = (
            done_on,
            missed,
            note.strip(),
            response,
            mrd,
        )
        uow.session.flush()
        return next(r for r in contact_rows(uow.session, case.id) if r.id == c.id)


def _day0(session: Session, case_id: int) -> date | None:
    return infusion_date(
        list(session.scalars(select(Milestone).where(Milestone.case_id == case_id)))
    )
