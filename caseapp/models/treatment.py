"""Treatment milestones, toxicity events and cost lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.models.base import Base

MILESTONE_KINDS = (
    "admission",
    "apheresis",
    "manufacturing",
    "bridging",
    "lymphodepletion",
    "infusion",
    "discharge",
)
TOXICITY_KINDS = ("CRS", "ICANS", "cytopenia", "infection")
COST_CATEGORIES = (
    "apheresis",
    "manufacturing",
    "infusion",
    "hospital stay",
    "monitoring",
    "medicines",
    "travel",
    "lodging",
    "interpreters",
    "follow-up",
)


class Milestone(Base):
    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("case_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    planned_on: Mapped[date | None]
    done_on: Mapped[date | None]
    notes: Mapped[str] = mapped_column(Text, default="")


class ToxicityEvent(Base):
    __tablename__ = "toxicity_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    grade: Mapped[int]
    onset_on: Mapped[date]
    resolved_on: Mapped[date | None]
    treatment: Mapped[str] = mapped_column(Text, default="")


class CostLine(Base):
    __tablename__ = "cost_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(200), default="")
    estimated: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    actual: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    incurred_on: Mapped[date | None]
