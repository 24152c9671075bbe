"""Visa: the application, its status history, and the checks against the planned stay."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from caseapp.models import VISA_STATUSES, VisaApplication, VisaEvent, VisaType
from caseapp.services.context import ServiceContext
from caseapp.services.errors import Blocker, StaleEdit, ValidationError
from caseapp.services.lookup import get_case
from caseapp.services.validation import quoted

PASSPORT_MARGIN_MONTHS = 6
ENTRIES = ("single", "double", "multiple")


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class VisaState:
    visa_type: str = ""
    status: str = "draft"
    invitation_letter_on: date | None = None
    submitted_on: date | None = None
    decided_on: date | None = None
    entry_from: date | None = None
    entry_until: date | None = None
    allowed_stay_days: int | None = None
    entries: str = "single"
    notes: str = ""
    version: int = 0
    history: tuple[tuple[str, str, str], ...] = field(default=())  # (iso time, status, who)


def passport_blocker(expiry: date, planned_return: date | None, whose: str) -> Blocker | None:
    if planned_return is None:
        return None
    needed = add_months(planned_return, PASSPORT_MARGIN_MONTHS)
    if expiry < needed:
        return Blocker(
            "overview",
            f"{whose} passport expires on {expiry.isoformat()}; it must be valid until at least "
            f"{needed.isoformat()} (6 months after the planned return). Renew it.",
        )
    return None


def visa_blockers(
    visa: VisaState | None,
    passport_expiry: date,
    arrival: date | None,
    departure: date | None,
) -> list[Blocker]:
    """Approved visa whose entry window and stay fit the plan; passport valid long enough."""
    out: list[Blocker] = []
    if arrival is None or departure is None:
        out.append(Blocker("overview", "Planned arrival and departure dates are not set."))
    if visa is None:
        out.append(Blocker("visa", "No visa application is recorded."))
    else:
        if visa.invitation_letter_on is None:
            out.append(Blocker("visa", "The hospital's invitation letter is not recorded."))
        if visa.status != "approved":
            out.append(Blocker("visa", f"The visa is {visa.status}, not approved."))
        if (
            arrival
            and visa.entry_from
            and visa.entry_until
            and not (visa.entry_from <= arrival <= visa.entry_until)
        ):
            out.append(
                Blocker(
                    "visa",
                    f"Planned arrival {arrival.isoformat()} is outside the visa's entry window "
                    f"{visa.entry_from.isoformat()} to {visa.entry_until.isoformat()}.",
                )
            )
        elif visa.status == "approved" and (visa.entry_from is None or visa.entry_until is None):
            out.append(Blocker("visa", "The approved visa's entry window is not recorded."))
        if visa.status == "approved" and visa.allowed_stay_days is None:
            out.append(
                Blocker("visa", "The approved visa's allowed length of stay is not recorded.")
            )
        if arrival and departure and visa.allowed_stay_days is not None:
            planned = (departure - arrival).days
            if planned > visa.allowed_stay_days:
                out.append(
                    Blocker(
                        "visa",
                        f"The planned stay of {planned} days exceeds "
                        f"the {visa.allowed_stay_days} days "
                        "the visa allows: plan a residence-permit extension in China.",
                        severity="warn",
                    )
                )
    blocker = passport_blocker(passport_expiry, departure, "The patient's")
    if blocker:
        out.append(blocker)
    return out


def visa_types(ctx: ServiceContext) -> list[tuple[str, str, str]]:
    with ctx.read() as s:
        return [
            (t.code, t.name, t.description)
            for t in s.scalars(select(VisaType).order_by(VisaType.code))
        ]


def to_state(app: VisaApplication | None, logins: dict[int, str] | None = None) -> VisaState | None:
    if app is None:
        return None
    logins = logins or {}
    return VisaState(
        app.visa_type,
        app.status,
        app.invitation_letter_on,
        app.submitted_on,
        app.decided_on,
        app.entry_from,
        app.entry_until,
        app.allowed_stay_days,
        app.entries,
        app.notes,
        app.version,
        tuple(
            (e.at.isoformat(timespec="minutes"), e.status, logins.get(e.actor_id or 0, "system"))
            for e in app.events
        ),
    )


def save_visa(ctx: ServiceContext, ref: str, state: VisaState) -> VisaState:
    """Create or update the case's visa application; status changes enter its history."""
    ctx.require("visa.edit")
    _validate(state)
    with ctx.unit_of_work() as uow:
        s = uow.session
        case = get_case(s, ref)
        uow.case_id = case.id
        if s.get(VisaType, state.visa_type) is None:
            raise ValidationError(f"Unknown visa type {quoted(state.visa_type)}.", "visa_type")
        app = s.scalar(select(VisaApplication).where(VisaApplication.case_id == case.id))
        if app is None:
            app = VisaApplication(case_id=case.id, visa_type=state.visa_type, status="draft")
            s.add(app)
        elif app.version != state.version:  # 0: the form was opened before anyone saved one
            raise StaleEdit(
                "Someone else saved this visa application since you opened it. "
                "Reload it, then apply your changes again."
            )
        old_status = app.status if app.id else None
        app.visa_type, app.status = state.visa_type, state.status
        app.invitation_letter_on, app.submitted_on = state.invitation_letter_on, state.submitted_on
        app.decided_on, app.entry_from, app.entry_until = (
            state.decided_on,
            state.entry_from,
            state.entry_until,
        )
        app.allowed_stay_days, app.entries, app.notes = (
            state.allowed_stay_days,
            state.entries,
            state.notes,
        )
        if old_status != state.status:
            app.events.append(VisaEvent(status=state.status, at=uow.now, actor_id=ctx.actor.id))
        s.flush()
        result = to_state(app)
        assert result is not None
        return result


def _validate(v: VisaState) -> None:
    if not v.visa_type:
        raise ValidationError("Choose a visa type.", "visa_type")
    if v.status not in VISA_STATUSES:
        raise ValidationError(f"Visa status must be one of {', '.join(VISA_STATUSES)}.", "status")
    if v.entries not in ENTRIES:
        raise ValidationError("Entries must be single, double or multiple.", "entries")
    if v.status in ("submitted", "approved", "refused") and v.submitted_on is None:
        raise ValidationError("Enter the date the application was submitted.", "submitted_on")
    if v.status in ("approved", "refused") and v.decided_on is None:
        raise ValidationError("Enter the date the consulate decided.", "decided_on")
    if v.submitted_on and v.decided_on and v.decided_on < v.submitted_on:
        raise ValidationError(
            "The decision date cannot be before the submission date.", "decided_on"
        )
    if v.entry_from and v.entry_until and v.entry_until < v.entry_from:
        raise ValidationError("The entry window ends before it starts.", "entry_until")
    if v.allowed_stay_days is not None and not 1 <= v.allowed_stay_days <= 365:
        raise ValidationError("Allowed stay must be between 1 and 365 days.", "allowed_stay_days")
