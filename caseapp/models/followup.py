"""Follow-up contacts after the patient returns home."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.models.base import Base

RESPONSES = ("CR", "CRi", "MLFS", "PR", "NR", "relapse")
MRD_STATUSES = ("negative", "positive", "not assessed")


class FollowupContact(Base):
    __tablename__ = "followup_contacts"
    __table_args__ = (UniqueConstraint("case_id", "day_offset"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    day_offset: Mapped[int]
    due_on: Mapped[date]
    done_on: Mapped[date | None]
    missed: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    response: Mapped[str] = mapped_column(String(10), default="")
    mrd: Mapped[str] = mapped_column(String(15), default="")
