"""The case: one patient's journey through the pipeline, with its stage history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.models.base import Base, EncryptedBytes
from caseapp.models.patients import Patient
from caseapp.models.programs import Program
from caseapp.models.staff import StaffUser

STAGES = (
    "records",
    "eligibility",
    "visa",
    "lodging",
    "interpreters",
    "treatment",
    "followup",
    "closed",
)
EXITS = ("declined", "withdrawn")
OPEN_STAGES = STAGES[:-1]


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_stage_owner", "stage", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(20), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    stage: Mapped[str] = mapped_column(String(20))
    stage_entered_at: Mapped[datetime]
    exit_reason: Mapped[str] = mapped_column(Text, default="")
    planned_arrival: Mapped[date | None]
    planned_departure: Mapped[date | None]
    home_currency: Mapped[str] = mapped_column(String(3), default="USD")
    cny_per_home_unit: Mapped[Decimal] = mapped_column(Numeric(14, 6), default=Decimal(1))
    payer: Mapped[str] = mapped_column(String(200), default="the patient (self-funded)")
    followup_plan_days: Mapped[list[int]]
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    patient: Mapped[Patient] = relationship()
    program: Mapped[Program] = relationship()
    owner: Mapped[StaffUser] = relationship(foreign_keys=[owner_id])
    coordinator: Mapped[StaffUser | None] = relationship(foreign_keys=[coordinator_id])
    history: Mapped[list[StageHistory]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="StageHistory.id"
    )

    __mapper_args__ = {"version_id_col": version}


class StageHistory(Base):
    """One stay of a case in a stage; left_at is empty while the case is still there."""

    __tablename__ = "stage_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    entered_at: Mapped[datetime]
    left_at: Mapped[datetime | None]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[Case] = relationship(back_populates="history")


class CaseDocument(Base):
    """A generated document (letter, checklist, packet) kept with the case."""

    __tablename__ = "case_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    content: Mapped[bytes | None] = mapped_column(EncryptedBytes())
