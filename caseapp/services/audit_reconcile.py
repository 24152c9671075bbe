"""Each case's stage and stage history, replayed from the audit trail, against the database.

The app changes a stage only through the unit of work, which audits every field it changes;
a stage or a history row that the trail does not explain was written behind the app's back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.models import AuditEntry, Case, StageHistory

HISTORY_FIELDS = ("case_id", "stage", "entered_at", "left_at")


@dataclass
class _Replay:
    stages: dict[int, str]
    history: dict[int, dict[str, Any]]
    deleted_cases: set[int]
    refs: dict[int, str]
    # demo cases loaded before the demo note carried stage and history: nothing to replay
    unrecorded: set[int]


def _replay(session: Session) -> _Replay:
    replay = _Replay({}, {}, set(), {}, set())
    rows = session.execute(
        select(AuditEntry.entity, AuditEntry.entity_id, AuditEntry.action, AuditEntry.changes)
        .where(AuditEntry.entity.in_(("Case", "StageHistory")))
        .order_by(AuditEntry.id)
        .execution_options(yield_per=5000)
    )
    for entity, entity_id, action, changes in rows:
        if not entity_id.isdigit():
            continue
        ident, changes = int(entity_id), changes or {}
        if entity == "Case":
            if action == "delete":
                replay.deleted_cases.add(ident)
                replay.stages.pop(ident, None)
                continue
            if action == "demo" and "stage" not in changes:
                replay.unrecorded.add(ident)
            if "stage" in changes:
                replay.stages[ident] = changes["stage"][1]
            if "ref" in changes:
                replay.refs[ident] = changes["ref"][1]
            for h_id, stage, entered, left in (changes.get("stage_history") or [None, []])[1]:
                replay.history[int(h_id)] = dict(
                    case_id=ident, stage=stage, entered_at=entered, left_at=left
                )
            continue
        if action == "delete":
            replay.history.pop(ident, None)
            continue
        row = replay.history.setdefault(ident, {})
        for name in HISTORY_FIELDS:
            if name in changes:
                row[name] = changes[name][1]
    return replay


def _same(audited: Any, stored: Any) -> bool:
    if isinstance(stored, datetime):
        try:
            return isinstance(audited, str) and datetime.fromisoformat(audited) == stored
        except ValueError:
            return False
    return bool(audited == stored)


def stage_problems(session: Session) -> list[str]:
    """One sentence per case whose stage or stage history the audit trail does not explain."""
    replay = _replay(session)
    refs: dict[int, str] = {}
    problems: list[str] = []
    for case_id, ref, stage in session.execute(
        select(Case.id, Case.ref, Case.stage).order_by(Case.id)
    ):
        refs[case_id] = ref
        audited = replay.stages.get(case_id)
        if audited is None and case_id in replay.unrecorded:
            continue
        if audited is None:
            problems.append(
                f"Case {ref} has no audit entry that gave it its stage ({stage}): it was "
                "written into the database behind the app's back."
            )
        elif audited != stage:
            problems.append(
                f"Case {ref} is at stage {stage} in the database but at {audited} in its audit "
                "trail: its stage was changed behind the app's back."
            )
    for case_id in sorted(set(replay.stages) - set(refs)):
        ref = replay.refs.get(case_id, f"#{case_id}")
        problems.append(
            f"Case {ref}, which the audit trail records, is no longer in the database: it was "
            "deleted behind the app's back."
        )
    columns = [getattr(StageHistory, name) for name in HISTORY_FIELDS]
    for h_id, *values in session.execute(
        select(StageHistory.id, *columns).order_by(StageHistory.id)
    ):
        stored = dict(zip(HISTORY_FIELDS, values, strict=True))
        audited_row = replay.history.pop(h_id, None)
        ref = refs.get(stored["case_id"], f"#{stored['case_id']}")
        if audited_row is None and stored["case_id"] in replay.unrecorded:
            continue
        if audited_row is None:
            problems.append(
                f"Case {ref} has a stage history row ({stored['stage']}) that no audit entry "
                "records: it was added behind the app's back."
            )
        elif not all(_same(audited_row.get(n), stored[n]) for n in HISTORY_FIELDS):
            problems.append(
                f"Case {ref}'s stage history ({stored['stage']}) differs from its audit trail: "
                "it was changed behind the app's back."
            )
    for audited_row in replay.history.values():
        owner = audited_row.get("case_id")
        if owner in refs and owner not in replay.deleted_cases:
            problems.append(
                f"Case {refs[owner]}'s stage history lost its {audited_row.get('stage')} "
                "row that the audit trail records: it was deleted behind the app's back."
            )
    return problems
