"""The sentence for a stale edit: who saved the record last and when.

Shared by every service that refuses an edit made on an outdated version of a case's records.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.models import AuditEntry


def stale_message(s: Session, case_id: int, entity: str) -> str:
    """Name who saved last and when, so the user knows whom to talk to."""
    entry = s.scalar(
        select(AuditEntry)
        .where(AuditEntry.case_id == case_id, AuditEntry.entity == entity)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    if entry is None:
        return "Someone else saved this case since you opened it. Reload, then apply your changes."
    when = entry.at.astimezone().strftime("%Y-%m-%d %H:%M")
    return (
        f"{entry.actor_login} saved this case at {when}, after you opened it. "
        "Reload to see their changes, then apply yours again."
    )
