"""Closed, declined and withdrawn cases are read-only: no service call changes them.

The check sits in every unit of work (a before-flush hook), so no mutating command can forget
it: whatever a transaction would add, change or delete on such a case, it is refused with one
sentence and rolled back. Reopening (a manager, with a reason) is the one change allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from caseapp.models import EXITS, AuditEntry, Case
from caseapp.services.errors import ValidationError

READ_ONLY_STAGES = ("closed", *EXITS)


class CaseReadOnly(ValidationError):
    """A change to a closed, declined or withdrawn case."""


def read_only_sentence(ref: str, stage: str) -> str:
    return (
        f"Case {ref} is {stage}, so it is read-only: nothing was changed. "
        "A manager can reopen it with a reason."
    )


def ensure_open(case: Case) -> None:
    """Refuse early (before any other check) when the case may not change."""
    if case.stage in READ_ONLY_STAGES:
        raise CaseReadOnly(read_only_sentence(case.ref, case.stage), "stage")


class Guarded(Protocol):
    """What the hook needs of a unit of work."""

    case_id: int | None
    reopening: bool
    stages_seen: dict[int, tuple[str, str]]


def check_case_open(uow: Guarded, session: Session, case_id: int) -> None:
    """When a unit of work names its case (uow.case_id = ...): refuse a read-only one at once,
    before any other check, so the user hears the reason that matters."""
    if uow.reopening:
        return
    if case_id not in uow.stages_seen:
        case = session.get(Case, case_id)
        if case is None:
            return
        history = inspect(case).attrs.stage.history
        before = history.deleted[0] if history.deleted else case.stage
        uow.stages_seen[case_id] = (case.ref, before)
    ref, stage = uow.stages_seen[case_id]
    if stage in READ_ONLY_STAGES:
        raise CaseReadOnly(read_only_sentence(ref, stage), "stage")


def _case_ids(uow: Guarded, objects: Iterable[Any]) -> set[int]:
    """The cases the pending rows belong to; rows without a case_id count for uow.case_id."""
    ids: set[int] = set()
    for obj in objects:
        if isinstance(obj, AuditEntry):
            continue
        if isinstance(obj, Case):
            if obj.id is None:
                continue  # a new case is open
            if obj.id not in uow.stages_seen:
                # the stage as it was before this transaction changed it (an exit, closing)
                history = inspect(obj).attrs.stage.history
                before = history.deleted[0] if history.deleted else obj.stage
                uow.stages_seen[obj.id] = (obj.ref, before)
            ids.add(obj.id)
            continue
        case_id = getattr(obj, "case_id", None) if hasattr(obj, "case_id") else uow.case_id
        if case_id is not None:
            ids.add(case_id)
    return ids


def guard_read_only(uow: Guarded, session: Session) -> None:
    """Before a flush: refuse it when it touches a case that was read-only when first seen."""
    if uow.reopening:
        return
    ids = _case_ids(uow, (*session.new, *session.dirty, *session.deleted))
    unseen = ids - uow.stages_seen.keys()
    if unseen:
        with session.no_autoflush:
            for case_id, ref, stage in session.execute(
                select(Case.id, Case.ref, Case.stage).where(Case.id.in_(unseen))
            ):
                uow.stages_seen[case_id] = (ref, stage)
    for case_id in sorted(ids):
        ref, stage = uow.stages_seen.get(case_id, ("", ""))
        if stage in READ_ONLY_STAGES:
            raise CaseReadOnly(read_only_sentence(ref, stage), "stage")
