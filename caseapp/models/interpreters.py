"""Medical interpreters and the appointments they are booked for."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.models.base import Base


class Interpreter(Base):
    __tablename__ = "interpreters"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    name_zh: Mapped[str] = mapped_column(String(120), default="")
    languages: Mapped[list[str]]
    medical_certified: Mapped[bool] = mapped_column(default=False)
    hourly_rate_cny: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal(0))
    phone: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(80), default="")
    active: Mapped[bool] = mapped_column(default=True)


class InterpreterBooking(Base):
    """An appointment of the case (consultation, apheresis, ...) and who interprets it."""

    __tablename__ = "interpreter_bookings"
    __table_args__ = (Index("ix_interpreter_bookings_interp_start", "interpreter_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    needs_interpreter: Mapped[bool] = mapped_column(default=True)
    interpreter_id: Mapped[int | None] = mapped_column(ForeignKey("interpreters.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    interpreter: Mapped[Interpreter | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
