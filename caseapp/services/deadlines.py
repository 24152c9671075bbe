"""Dated things a case must meet: arrival, visa entry, check-outs, appointments, follow-ups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.models import (
    Case,
    FollowupContact,
    InterpreterBooking,
    LodgingBooking,
    VisaApplication,
)
from caseapp.services.interpreters import CHINA_TZ

BEFORE_TRAVEL = ("records", "eligibility", "visa", "lodging", "interpreters")
IN_CHINA = ("lodging", "interpreters", "treatment")


@dataclass(frozen=True, order=True)
class Deadline:
    due: date
    what: str
    case_id: int

    def overdue(self, today: date) -> bool:
        return self.due < today


def deadlines(session: Session, case_ids: Sequence[int], today: date) -> dict[int, list[Deadline]]:
    """Open deadlines of each case: every open follow-up (even overdue) and upcoming dates."""
    out: dict[int, list[Deadline]] = defaultdict(list)
    for chunk in [case_ids[i : i + 900] for i in range(0, len(case_ids), 900)]:
        _collect(session, list(chunk), today, out)
    for items in out.values():
        items.sort()
    return out


def _collect(session: Session, ids: list[int], today: date, out: dict[int, list[Deadline]]) -> None:
    since = datetime.combine(today, time(0), CHINA_TZ)  # past appointments are not deadlines
    for cid, arrival, _stage in session.execute(
        select(Case.id, Case.planned_arrival, Case.stage).where(
            Case.id.in_(ids), Case.stage.in_(BEFORE_TRAVEL), Case.planned_arrival.is_not(None)
        )
    ):
        if arrival is not None:
            out[cid].append(Deadline(arrival, "planned arrival", cid))
    for cid, until in session.execute(
        select(VisaApplication.case_id, VisaApplication.entry_until)
        .join(Case, Case.id == VisaApplication.case_id)
        .where(
            Case.id.in_(ids),
            Case.stage.in_(BEFORE_TRAVEL),
            VisaApplication.status == "approved",
            VisaApplication.entry_until.is_not(None),
            VisaApplication.entry_until >= today,
        )
    ):
        if until is not None:
            out[cid].append(Deadline(until, "visa entry deadline", cid))
    for cid, check_out, name in session.execute(
        select(LodgingBooking.case_id, LodgingBooking.check_out, LodgingBooking.property_name)
        .join(Case, Case.id == LodgingBooking.case_id)
        .where(Case.id.in_(ids), Case.stage.in_(IN_CHINA), LodgingBooking.check_out >= today)
    ):
        out[cid].append(Deadline(check_out, f"check-out, {name}", cid))
    for cid, starts, title in session.execute(
        select(InterpreterBooking.case_id, InterpreterBooking.starts_at, InterpreterBooking.title)
        .join(Case, Case.id == InterpreterBooking.case_id)
        .where(Case.id.in_(ids), Case.stage.in_(IN_CHINA), InterpreterBooking.starts_at >= since)
    ):
        day = starts.astimezone(CHINA_TZ).date()
        if day >= today:
            out[cid].append(Deadline(day, f"appointment: {title}", cid))
    for cid, due, offset in session.execute(
        select(FollowupContact.case_id, FollowupContact.due_on, FollowupContact.day_offset).where(
            FollowupContact.case_id.in_(ids),
            FollowupContact.done_on.is_(None),
            FollowupContact.missed.is_(False),
        )
    ):
        out[cid].append(Deadline(due, f"follow-up day +{offset}", cid))
