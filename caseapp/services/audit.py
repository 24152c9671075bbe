"""The audit log read back: per case (the History tab) and office-wide (the audit viewer)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.audit_key import GENESIS_HASH, AuditKey, Checkpoint, audit_seal_for
from caseapp.models import AuditEntry, Case
from caseapp.secrets import recall_audit_checkpoint
from caseapp.services.audit_chain import remember_outside, stored_checkpoint
from caseapp.services.audit_reconcile import stage_problems
from caseapp.services.context import ServiceContext
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
    """The result of `audit verify`; `message` is the sentence to show, `problems` all of them."""

    entries: int
    intact: bool
    first_bad_id: int | None
    message: str
    problems: tuple[str, ...] = ()


@dataclass
class _Walk:
    """The chain read in order: its length, its first break, and hashes at asked positions."""

    count: int = 0
    break_id: int | None = None
    break_message: str = ""
    hash_at: dict[int, str] = field(default_factory=dict)


def _walk(s: Session, key: AuditKey, positions: set[int]) -> _Walk:
    walk, prev = _Walk(hash_at={0: GENESIS_HASH} if 0 in positions else {}), GENESIS_HASH
    entries = s.scalars(
        select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=2000)
    )
    for e in entries:
        walk.count += 1
        if walk.count in positions:
            walk.hash_at[walk.count] = e.hash
        if walk.break_id is None and e.prev_hash != prev:
            walk.break_id = e.id
            walk.break_message = (
                f"Audit entry {e.id} does not follow on from the entry before it: an entry was "
                "deleted, inserted or rewritten there."
            )
        elif walk.break_id is None and not hmac.compare_digest(key.entry_hash(e), e.hash):
            walk.break_id = e.id
            walk.break_message = (
                f"Audit entry {e.id} ({e.at:%Y-%m-%d %H:%M} UTC, {e.actor_login}, {e.entity} "
                f"{e.action}) was changed after it was written."
            )
        prev = e.hash
    return walk


def _against(checkpoint: Checkpoint, walk: _Walk, where: str) -> str | None:
    """Does the trail still hold what the checkpoint sealed? A sentence when it does not."""
    if walk.count < checkpoint.entries:
        gone = checkpoint.entries - walk.count
        if walk.count == 0:
            return f"All {checkpoint.entries} audit entries {where} are gone: the trail was wiped."
        return (
            f"The audit trail has {walk.count} entries but {checkpoint.entries} {where}: the "
            f"newest {gone} were deleted (or an older copy of the database was put back)."
        )
    if walk.hash_at.get(checkpoint.entries) != checkpoint.last_hash:
        return (
            f"Audit entry number {checkpoint.entries} is not the one {where}: the trail was "
            "rewritten."
        )
    return None


def verify_chain(ctx: ServiceContext) -> ChainCheck:
    """Recompute every entry's keyed hash in order; hold the trail against the checkpoint in
    the database and this workstation's copy of it; replay every case's stage from it.

    An edited, inserted or deleted row breaks the chain; deleting the newest rows, or all of
    them, falls short of a checkpoint; a stage the trail does not explain names its case.
    """
    ctx.require("audit.view")
    with ctx.read() as s:
        seal = audit_seal_for(s.get_bind().dialect)
        outside = recall_audit_checkpoint(seal.database_id)
        stored = stored_checkpoint(s)  # read before the walk: later entries only extend it
        positions = {c.entries for c in (stored, outside) if c is not None}
        walk = _walk(s, seal.key, positions)
        problems = [walk.break_message] if walk.break_id is not None else []
        if stored is None:
            problems.append(
                "The audit checkpoint is missing from the database: the trail was wiped or cut "
                "behind the app's back."
            )
        elif not stored.genuine(seal.key):
            problems.append(
                "The audit checkpoint in the database was changed behind the app's back."
            )
        else:
            problems.append(_against(stored, walk, "CaseApp wrote") or "")
        if outside is not None and not outside.genuine(seal.key):
            problems.append("This workstation's copy of the audit checkpoint was changed.")
        elif outside is not None:
            problems.append(_against(outside, walk, "this workstation saw") or "")
        problems = [p for p in problems if p]
        problems += stage_problems(s)
    if problems:
        more = f" ({len(problems) - 1} more problems follow.)" if len(problems) > 1 else ""
        return ChainCheck(walk.count, False, walk.break_id, problems[0] + more, tuple(problems))
    if stored is not None:
        remember_outside(seal, stored)  # a workstation that only reads keeps what it checked
    return ChainCheck(walk.count, True, None, f"{walk.count} entries, chain intact.")


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
