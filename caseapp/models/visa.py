"""Visa applications and their status history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.models.base import Base

VISA_STATUSES = ("draft", "submitted", "approved", "refused")


class VisaApplication(Base):
    __tablename__ = "visa_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    visa_type: Mapped[str] = mapped_column(ForeignKey("visa_types.code"))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    invitation_letter_on: Mapped[date | None]
    submitted_on: Mapped[date | None]
    decided_on: Mapped[date | None]
    entry_from: Mapped[date | None]
    entry_until: Mapped[date | None]
    allowed_stay_days: Mapped[int | None]
    entries: Mapped[str] = mapped_column(String(10), default="single")
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    events: Mapped[list[VisaEvent]] = relationship(
        cascade="all, delete-orphan", order_by="VisaEvent.id"
    )

    __mapper_args__ = {"version_id_col": version}


class VisaEvent(Base):
    """A status change of a visa application."""

    __tablename__ = "visa_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("visa_applications.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(12))
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
