"""The audit log read back per case: who changed what, when (the workspace's History tab)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from caseapp.models import AuditEntry
from caseapp.services.context import GENESIS_HASH, ServiceContext, audit_hash
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
