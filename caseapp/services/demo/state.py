"""What the demo case generator reads once: programs and criteria, staff, interpreters, pools."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseapp import models as m
from caseapp.audit_key import AuditSeal, Checkpoint
from caseapp.security import data_key_for
from caseapp.services.eligibility import CriterionSpec

STAGE_WEIGHTS = {
    "records": 12, "eligibility": 12, "visa": 12, "lodging": 9, "interpreters": 9,
    "treatment": 14, "followup": 14, "closed": 8, "declined": 6, "withdrawn": 4,
}  # fmt: skip


class GeneratorState:
    """The generator's shared state; the mixins in patients, travel and treatment use it."""

    def __init__(
        self, s: Session, rng: random.Random, today: date, now: datetime, pools: dict[str, Any]
    ) -> None:
        self.s, self.rng, self.today, self.now, self.pools = s, rng, today, now, pools
        self.key = data_key_for(s.get_bind().dialect)
        self.programs = list(s.scalars(select(m.Program).order_by(m.Program.code)))
        self.specs = {
            p.id: [
                CriterionSpec(
                    c.code,
                    c.kind,
                    c.label,
                    c.fact,
                    c.op,
                    c.value.get("v"),
                    c.applies_if,
                    c.required,
                )
                for c in p.criteria
            ]
            for p in self.programs
        }
        self.staff = list(s.scalars(select(m.StaffUser).order_by(m.StaffUser.id)))
        self.owners = [u for u in self.staff if u.role == "facilitator"]
        self.coordinators = [u for u in self.staff if u.role == "coordinator"]
        self.interpreters = list(s.scalars(select(m.Interpreter).order_by(m.Interpreter.id)))
        self.visa_types = list(s.scalars(select(m.VisaType.code).order_by(m.VisaType.code)))
        self.busy: set[tuple[int, date, int]] = set()
        self.lodgings = defaultdict(list)
        for lodge in pools["lodging"]:
            self.lodgings[lodge["city"]].append(lodge)
        self.physicians = defaultdict(list)
        for doc in pools["local_physician"]:
            self.physicians[doc["country"]].append(doc)
        # per case: id, ref, patient name, stage, stage history [id, stage, entered, left]
        self.case_audit: list[tuple[int, str, str, str, list[list[Any]]]] = []
        self.sealed: tuple[AuditSeal, Checkpoint | None] | None = None
        self.stages = list(STAGE_WEIGHTS)
        self.weights = list(STAGE_WEIGHTS.values())
        self.year = now.year

    def start_ids(self) -> dict[str, int]:
        return {
            t.name: (self.s.scalar(select(func.max(t.c.id))) or 0) + 1
            for t in m.Base.metadata.sorted_tables
            if "id" in t.c
        }

    def pick_stage(self, i: int) -> str:
        return (
            self.stages[i]
            if i < len(self.stages)
            else self.rng.choices(self.stages, self.weights)[0]
        )
