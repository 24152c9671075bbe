"""History: who changed what in this case, and when (newest first)."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtWidgets import QLabel, QTableView, QVBoxLayout

from caseapp.services import audit
from caseapp.services.audit import AuditRow
from caseapp.services.cases import CaseDetail
from caseapp.services.errors import DomainError
from caseapp.ui.workspace.base import AreaTab
from caseapp.ui.workspace.table import Column, RowTableModel, compact

ENTITY_WORDS = {
    "Case": "case",
    "Patient": "patient",
    "Companion": "companion",
    "LocalPhysician": "local physician",
    "RecordItem": "record",
    "Attachment": "attachment",
    "ClinicalFact": "clinical fact",
    "EligibilityReview": "eligibility review",
    "ReviewCriterionResult": "criterion result",
    "VisaApplication": "visa application",
    "VisaEvent": "visa status",
    "LodgingBooking": "lodging booking",
    "LodgingOccupant": "lodging occupant",
    "InterpreterBooking": "appointment",
    "Milestone": "milestone",
    "ToxicityEvent": "toxicity",
    "CostLine": "cost line",
    "FollowupContact": "follow-up contact",
    "CaseDocument": "document",
    "StageHistory": "stage history",
}
ACTION_WORDS = {"create": "added", "update": "changed", "delete": "removed", "stage": "moved"}


def _value(v: Any) -> str:
    if v is None or v == "":
        return "∅"
    if isinstance(v, str):
        return v
    return json.dumps(v, ensure_ascii=False)


def describe_changes(changes: dict[str, Any]) -> str:
    """'field: old → new' pairs; masked (sensitive) values read 'changed'."""
    parts = []
    for key, change in changes.items():
        if isinstance(change, list) and len(change) == 2:
            old, new = change
            if old == "•" and new == "•":
                parts.append(f"{key}: changed (hidden)")
            elif old is None:
                parts.append(f"{key}: {_value(new)}")
            else:
                parts.append(f"{key}: {_value(old)} → {_value(new)}")
        else:
            parts.append(f"{key}: {_value(change)}")
    return "; ".join(parts)


def what(r: AuditRow) -> str:
    return f"{ENTITY_WORDS.get(r.entity, r.entity)} {ACTION_WORDS.get(r.action, r.action)}"


class HistoryModel(RowTableModel[AuditRow]):
    columns = (
        Column("When", lambda r: r.at.astimezone().strftime("%Y-%m-%d %H:%M")),
        Column("Who", lambda r: r.actor_login),
        Column("What", what, tooltip=lambda r: f"{r.entity} #{r.entity_id}"),
        Column(
            "Changes",
            lambda r: describe_changes(r.changes),
            tooltip=lambda r: describe_changes(r.changes),
        ),
    )


class HistoryTab(AreaTab):
    area = "history"
    title = "History"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.model = HistoryModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        compact(self.view)
        self.summary = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)

    def load(self, detail: CaseDetail) -> None:
        super().load(detail)
        try:
            rows = audit.case_history(self.ctx, self.ref)
        except DomainError as exc:
            self.summary.setText(exc.message)
            self.model.set_rows([])
            return
        self.model.set_rows(rows)
        self.summary.setText(
            f"{len(rows)} changes, newest first. Personal values (passport, phone, notes…) are "
            "recorded as changed without their content."
        )
