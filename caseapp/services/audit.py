"""The audit log read back: per case (the History tab) and office-wide (the audit viewer)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from caseapp.models import AuditEntry, Case
from caseapp.services.context import GENESIS_HASH, ServiceContext, audit_hash
from caseapp.services.errors import ValidationError
from caseapp.services.lookup import get_case


@dataclass(frozen=True)
class AuditRow:
    """One audit entry as people read it; sensitive values arrive already masked."""

    at: datetime
    actor_login: str
    entity: str
    entity_id: str
    action: str
    changes: dict[str, Any] = field(default_factory=dict)


def case_history(ctx: ServiceContext, ref: str) -> list[AuditRow]:
    """Every audit entry of one case, newest first.

    Needs only `case.view`: everyone who works a case may see who changed it (values of
    sensitive columns are never stored in clear); `audit.view` guards the whole-office trail.
    """
    ctx.require("case.view")
    with ctx.read() as s:
        case = get_case(s, ref)
        entries = s.scalars(
            select(AuditEntry).where(AuditEntry.case_id == case.id).order_by(AuditEntry.id.desc())
        )
        return [
            AuditRow(e.at, e.actor_login, e.entity, e.entity_id, e.action, dict(e.changes or {}))
            for e in entries
        ]


@dataclass(frozen=True)
class ChainCheck:
    """The result of recomputing the audit hash chain; `message` is the sentence to show."""

    entries: int
    intact: bool
    first_bad_id: int | None
    message: str


def verify_chain(ctx: ServiceContext) -> ChainCheck:
    """Recompute every entry's hash in order: an edited, inserted or deleted row breaks it.

    A deleted row shows as the next entry no longer pointing at its predecessor; rows deleted
    from the very end leave no trace in the chain itself (compare the count with a backup).
    """
    ctx.require("audit.view")
    prev = GENESIS_HASH
    count = 0
    with ctx.read() as s:
        entries = s.scalars(
            select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=2000)
        )
        for e in entries:
            count += 1
            if e.prev_hash != prev:
                return ChainCheck(
                    count, False, e.id,
                    f"Audit entry {e.id} does not follow on from the entry before it: "
                    "an entry was deleted, inserted or rewritten there.",
                )  # fmt: skip
            if audit_hash(e) != e.hash:
                return ChainCheck(
                    count, False, e.id,
                    f"Audit entry {e.id} ({e.at:%Y-%m-%d %H:%M} UTC, {e.actor_login}, "
                    f"{e.entity} {e.action}) was changed after it was written.",
                )  # fmt: skip
            prev = e.hash
    return ChainCheck(count, True, None, f"{count} entries, chain intact.")


# ---- the office-wide trail (audit viewer) ----------------------------------------------------

AUDIT_PAGE_LIMIT = 2000


@dataclass(frozen=True)
class AuditFilters:
    """What the audit viewer narrows to; every field optional. Dates are local calendar days."""

    date_from: date | None = None
    date_to: date | None = None
    actor_login: str = ""
    case_ref: str = ""
    entity: str = ""
    action: str = ""


@dataclass(frozen=True)
class AuditEntryRow:
    """One entry of the office-wide trail, with the ref of its case (empty when none)."""

    id: int
    at: datetime
    actor_login: str
    case_ref: str
    entity: str
    entity_id: str
    action: str
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditPage:
    """The newest entries matching the filters; `more` says older matches were left out."""

    rows: tuple[AuditEntryRow, ...]
    more: bool
    limit: int


@dataclass(frozen=True)
class AuditChoices:
    """Values the viewer's filter boxes offer (those that occur in the trail)."""

    actors: tuple[str, ...]
    entities: tuple[str, ...]
    actions: tuple[str, ...]


def _local_midnight(day: date) -> datetime:
    """Start of a local calendar day as an aware datetime (the UI thinks in local days)."""
    return datetime.combine(day, time.min).astimezone()


def audit_entries(
    ctx: ServiceContext, filters: AuditFilters | None = None, limit: int = AUDIT_PAGE_LIMIT
) -> AuditPage:
    """The whole office's trail, newest first, at most `limit` rows (managers and admins)."""
    ctx.require("audit.view")
    f = filters or AuditFilters()
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise ValidationError("The 'from' date is after the 'to' date.", "date_from")
    a = AuditEntry
    q = (
        select(a.id, a.at, a.actor_login, Case.ref, a.entity, a.entity_id, a.action, a.changes)
        .outerjoin(Case, Case.id == a.case_id)
        .order_by(a.id.desc())
        .limit(limit + 1)
    )
    if f.date_from:
        q = q.where(a.at >= _local_midnight(f.date_from))
    if f.date_to:
        q = q.where(a.at < _local_midnight(f.date_to + timedelta(days=1)))
    if f.actor_login.strip():
        q = q.where(a.actor_login == f.actor_login.strip().lower())
    if f.case_ref.strip():
        q = q.where(Case.ref == f.case_ref.strip().upper())  # refs are upper case
    if f.entity.strip():
        q = q.where(a.entity == f.entity.strip())
    if f.action.strip():
        q = q.where(a.action == f.action.strip())
    with ctx.read() as s:
        found = [
            AuditEntryRow(r.id, r.at, r.actor_login, r.ref or "", r.entity, r.entity_id, r.action,
                          dict(r.changes or {}))
            for r in s.execute(q)
        ]  # fmt: skip
    return AuditPage(tuple(found[:limit]), len(found) > limit, limit)


def audit_choices(ctx: ServiceContext) -> AuditChoices:
    """Logins, entities and actions that occur in the trail, for the filter boxes."""
    ctx.require("audit.view")
    a = AuditEntry
    with ctx.read() as s:

        def distinct(column: Any) -> tuple[str, ...]:
            return tuple(s.scalars(select(column).distinct().order_by(column)))

        return AuditChoices(distinct(a.actor_login), distinct(a.entity), distinct(a.action))
