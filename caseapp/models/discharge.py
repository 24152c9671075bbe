"""What the patient leaves hospital with: the discharge medicines and the blood counts.

Both are entered by the treating team's facilitator in the Treatment tab; the discharge
checklist and the handoff letter print them, and print "not recorded" when they are not.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.models.base import Base

# When a set of counts was taken: the day +28 response assessment, or the day of discharge.
COUNT_MOMENTS = ("day28", "discharge")


class DischargeMedication(Base):
    """One medicine the patient takes home: what, how much, how often, until when, and why."""

    __tablename__ = "discharge_medications"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    dose: Mapped[str] = mapped_column(String(60))
    frequency: Mapped[str] = mapped_column(String(80))
    until: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(String(200))


class BloodCount(Base):
    """ANC and platelets in 10^9/L, haemoglobin in g/L, on the day they were taken."""

    __tablename__ = "blood_counts"
    __table_args__ = (UniqueConstraint("case_id", "moment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    moment: Mapped[str] = mapped_column(String(12))
    taken_on: Mapped[date]
    anc: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    platelets: Mapped[int]
    haemoglobin: Mapped[int]
